// The same host suites on @vscode/test-electron, for machines with internet access (it downloads
// VS Code). Not run in CI, which uses code-server (npm run test:host).
//
//   npm run build && node --import tsx test/runTest.ts [suite name filter...] [--vscode=1.100.3]
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { bundleHostTests } from './harness/bundleHostTests';
import { ensureTestResultsDir, repoRoot } from './harness/paths';
import { formatReport, readReport } from './harness/report';
import { stageWorkspace } from './harness/stage';
import { stackMapperFor } from './harness/stackMap';
import { HOST_TEST_GREP_ENV, HOST_TEST_RESULTS_ENV } from '../extension/util/hostTestProtocol';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const version = argv.find((a) => a.startsWith('--vscode='))?.slice('--vscode='.length) ?? 'stable';
  const grep = argv.find((a) => a.startsWith('--grep='))?.slice('--grep='.length);
  const base = mkdtempSync(join(tmpdir(), 'phasebook-electron-'));
  const bundle = join(base, 'host-tests', 'index.js');
  const reportPath = join(ensureTestResultsDir(), 'host-test-report.json');
  try {
    const suites = await bundleHostTests(
      bundle,
      argv.filter((a) => !a.startsWith('--')),
    );
    const workspace = join(base, 'workspace');
    stageWorkspace(repoRoot, workspace);
    console.log(`# VS Code ${version} (downloaded by @vscode/test-electron); suites: ${suites.join(', ')}`);
    rmSync(reportPath, { force: true }); // never read a previous run's report
    let runError: unknown;
    await runTests({
      version,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: bundle, // exports run(), which rejects when a test fails
      extensionTestsEnv: { [HOST_TEST_RESULTS_ENV]: reportPath, ...(grep ? { [HOST_TEST_GREP_ENV]: grep } : {}) },
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--user-data-dir',
        join(base, 'user-data'),
      ],
    }).catch((err: unknown) => {
      runError = err;
    });
    if (!existsSync(reportPath))
      throw new Error(`VS Code did not run the tests: ${String(runError ?? 'no report written')}`);
    const report = readReport(reportPath);
    const mapStack = stackMapperFor(bundle, repoRoot);
    for (const t of report.tests) if (t.error?.stack) t.error.stack = mapStack(t.error.stack);
    const { lines, ok } = formatReport(report);
    for (const line of lines) console.log(line);
    if (runError && ok) console.error(`✖ VS Code exited with an error: ${String(runError)}`);
    return ok && !runError ? 0 : 1;
  } catch (err) {
    console.error(`✖ host tests on @vscode/test-electron could not run: ${(err as Error).message}`);
    return 1;
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

void main().then((code) => process.exit(code));
