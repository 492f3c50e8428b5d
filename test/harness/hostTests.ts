// `npm run test:host [-- <suite name filter>...] [--grep=<title filter>] [--keep]`
// Runs the mocha suites in test/host/suites inside a real VS Code (code-server), driven by a real
// browser, and prints their results like `node --test`. Exits 1 on any failure, when no test
// ran, or when code-server / the browser / the extension cannot start. Never skips silently.
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { openFile, openWorkbench, screenshot, type Workbench } from './browser';
import { bundleHostTests } from './bundleHostTests';
import { startCodeServer, type CodeServer } from './codeServer';
import { ensureTestResultsDir, repoRoot } from './paths';
import { formatReport, readReport } from './report';
import { stackMapperFor } from './stackMap';
import { HOST_TEST_GREP_ENV, HOST_TEST_RESULTS_ENV, HOST_TESTS_ENV, startedMarkerPath } from '../host/protocol';

/** Opening a .pipeline file is what activates the extension (activationEvents: onNotebook:phasebook). */
const ACTIVATION_FILE = 'host-tests/activate.pipeline';
const ACTIVATION_PIPELINE = '# %% md\nOpening this notebook activates Phasebook for the host tests.\n';

/** How long the extension may take to activate and start its test hook after the notebook opens. */
const ACTIVATION_TIMEOUT_MS = 120_000;

interface Args {
  suiteFilters: string[];
  grep?: string;
  keep: boolean;
  timeoutMs: number;
}

function parseArgs(argv: string[]): Args {
  const grep = argv.find((a) => a.startsWith('--grep='))?.slice('--grep='.length);
  return {
    suiteFilters: argv.filter((a) => !a.startsWith('--')),
    grep,
    keep: argv.includes('--keep'),
    timeoutMs: Number(process.env.PHASEBOOK_HOST_TEST_TIMEOUT_MS ?? 600_000),
  };
}

async function waitForFile(path: string, timeoutMs: number, server: CodeServer, what: string): Promise<void> {
  const started = Date.now();
  let nextNotice = 30_000;
  while (!existsSync(path)) {
    const waited = Date.now() - started;
    if (waited > timeoutMs) {
      throw new Error(`${what} within ${timeoutMs} ms.\n`
        + `extension host log tail:\n${server.extensionHostLog().split('\n').slice(-40).join('\n')}`);
    }
    if (waited > nextNotice) {
      console.log(`# still waiting for the host tests (${Math.round(waited / 1000)} s)`);
      nextNotice += 30_000;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  let suites: string[] = [];
  let resultsPath = '';
  let bundlePath = '';
  try {
    server = await startCodeServer({
      name: 'host',
      keepTemp: args.keep,
      workspaceFiles: { [ACTIVATION_FILE]: ACTIVATION_PIPELINE },
      prepare: async ({ base, extensionDir }) => {
        const entry = join(extensionDir, 'host-tests', 'index.js');
        suites = await bundleHostTests(entry, args.suiteFilters);
        bundlePath = entry;
        resultsPath = join(base, 'host-test-report.json');
        return {
          [HOST_TESTS_ENV]: entry,
          [HOST_TEST_RESULTS_ENV]: resultsPath,
          ...(args.grep ? { [HOST_TEST_GREP_ENV]: args.grep } : {}),
        };
      },
    });
    console.log(`# code-server ${server.url} up in ${Date.now() - t0} ms; suites: ${suites.join(', ')}`);
    workbench = await openWorkbench(server);
    await openFile(workbench.page, ACTIVATION_FILE);
    console.log(`# workbench open, extension activating (${Date.now() - t0} ms)`);
    await waitForFile(startedMarkerPath(resultsPath), ACTIVATION_TIMEOUT_MS, server,
      'the extension did not activate or its test hook (extension/testHook.ts, called from activate()) did not start');
    await waitForFile(resultsPath, args.timeoutMs, server,
      'the host tests did not finish (a test hangs? raise PHASEBOOK_HOST_TEST_TIMEOUT_MS)');
    const kept = join(ensureTestResultsDir(), 'host-test-report.json');
    copyFileSync(resultsPath, kept);
    const report = readReport(kept);
    const mapStack = stackMapperFor(bundlePath, repoRoot);
    for (const t of report.tests) if (t.error?.stack) t.error.stack = mapStack(t.error.stack);
    const { lines, ok } = formatReport(report);
    for (const line of lines) console.log(line);
    console.log(`ℹ total_ms ${Date.now() - t0} (server start, browser, activation and tests)`);
    if (!ok) await screenshot(workbench.page, 'host-tests-failed');
    return ok ? 0 : 1;
  } catch (err) {
    console.error(`✖ host tests could not run: ${(err as Error).message}`);
    if (workbench) console.error(`  screenshot: ${await screenshot(workbench.page, 'host-tests-error').catch(() => 'none')}`);
    if (server) console.error(`  server log: ${server.logFile}`);
    return 1;
  } finally {
    await workbench?.close().catch(() => undefined);
    await server?.stop();
  }
}

main().then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(1);
});
