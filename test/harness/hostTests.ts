// `npm run test:host [-- <suite name filter>...] [--grep=<title filter>] [--keep]`
// Runs the mocha suites in test/host/suites inside a real VS Code (code-server), driven by a real
// browser, and prints their results like `node --test`. Exits 1 on any failure, when no test
// ran, or when code-server / the browser / the extension cannot start. Never skips silently.
// suites/untrusted.host.ts runs apart, in a second code-server with workspace trust on and the
// folder untrusted (Restricted Mode); the other suites share the first, trusted one.
import { appendFileSync, copyFileSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { declineTrustPrompts, openFile, openWorkbench, screenshot, type Workbench } from './browser';
import { bundleHostTests, findHostSuites } from './bundleHostTests';
import { startCodeServer, type CodeServer } from './codeServer';
import { ensureTestResultsDir, repoRoot } from './paths';
import { formatReport, readReport } from './report';
import { stackMapperFor } from './stackMap';
import {
  HOST_TEST_GREP_ENV,
  HOST_TEST_RESULTS_ENV,
  HOST_TESTS_ENV,
  startedMarkerPath,
  type HostTestReport,
} from '../../extension/util/hostTestProtocol';
import {
  TRUST_PROMPTS_ENV,
  UNTRUSTED_SUITE,
  untrustedWorkspaceFiles,
  type TrustPrompt,
} from '../host/untrustedFixture';

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
      throw new Error(
        `${what} within ${timeoutMs} ms.\n` +
          `extension host log tail:\n${server.extensionHostLog().split('\n').slice(-40).join('\n')}`,
      );
    }
    if (waited > nextNotice) {
      console.log(`# still waiting for the host tests (${Math.round(waited / 1000)} s)`);
      nextNotice += 30_000;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** One code-server + browser running some suites; the untrusted pass keeps workspace trust on. */
interface HostPass {
  name: 'host' | 'host-untrusted';
  /** Suite file names (exact, e.g. `pipeline.host.ts`) bundled into this pass. */
  suites: string[];
  untrusted: boolean;
}

/** The trusted pass runs every selected suite but the untrusted one, which gets a server of its own. */
function planPasses(selected: readonly string[]): HostPass[] {
  const names = selected.map((f) => basename(f));
  const passes: HostPass[] = [];
  const trusted = names.filter((n) => n !== UNTRUSTED_SUITE);
  if (trusted.length) passes.push({ name: 'host', suites: trusted, untrusted: false });
  if (names.includes(UNTRUSTED_SUITE))
    passes.push({ name: 'host-untrusted', suites: [UNTRUSTED_SUITE], untrusted: true });
  return passes;
}

/**
 * Workspace trust on, and no startup prompt: the folder opens untrusted (Restricted Mode), as
 * for a user who has not trusted it, without a modal dialog in the way of the launcher.
 */
const UNTRUSTED_SETTINGS = {
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.emptyWindow': false,
};

/**
 * User settings for both passes from PHASEBOOK_HOST_SETTINGS (a JSON object), e.g.
 * `PHASEBOOK_HOST_SETTINGS='{"phasebook.kernel.detached":true}'` runs every suite on detached kernels.
 */
function extraSettings(): Record<string, unknown> {
  const raw = process.env.PHASEBOOK_HOST_SETTINGS;
  if (!raw) return {};
  const parsed = JSON.parse(raw) as unknown;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error(`PHASEBOOK_HOST_SETTINGS is not a JSON object: ${raw}`);
  return parsed as Record<string, unknown>;
}

interface Opened {
  server?: CodeServer;
  workbench?: Workbench;
  stopAnswering?: () => Promise<void>;
}

interface PassResult {
  report: HostTestReport;
  workbench: Workbench;
}

async function runPass(pass: HostPass, args: Args, t0: number, opened: Opened): Promise<PassResult> {
  let resultsPath = '';
  let bundlePath = '';
  let promptsPath = '';
  let suites: string[] = [];
  const server = await startCodeServer({
    name: pass.name,
    keepTemp: args.keep,
    workspaceTrust: pass.untrusted,
    settings: { ...extraSettings(), ...(pass.untrusted ? UNTRUSTED_SETTINGS : {}) },
    workspaceFiles: { [ACTIVATION_FILE]: ACTIVATION_PIPELINE, ...(pass.untrusted ? untrustedWorkspaceFiles() : {}) },
    prepare: async ({ base, extensionDir }) => {
      const entry = join(extensionDir, 'host-tests', 'index.js');
      suites = await bundleHostTests(entry, pass.suites);
      bundlePath = entry;
      resultsPath = join(base, 'host-test-report.json');
      promptsPath = join(base, 'trust-prompts.jsonl');
      return {
        ...(pass.untrusted ? { [TRUST_PROMPTS_ENV]: promptsPath } : {}),
        [HOST_TESTS_ENV]: entry,
        [HOST_TEST_RESULTS_ENV]: resultsPath,
        ...(args.grep ? { [HOST_TEST_GREP_ENV]: args.grep } : {}),
      };
    },
  });
  opened.server = server;
  console.log(
    `# ${pass.name}: code-server ${server.url} up in ${Date.now() - t0} ` +
      `ms${pass.untrusted ? ' (workspace untrusted)' : ''}; suites: ${suites.join(', ')}`,
  );
  const workbench = await openWorkbench(server);
  opened.workbench = workbench;
  if (pass.untrusted) {
    // VS Code asks for trust before it runs a cell; a user keeping the folder untrusted says no.
    opened.stopAnswering = declineTrustPrompts(workbench.page, (text) => {
      appendFileSync(
        promptsPath,
        `${JSON.stringify({ at: Date.now(), text, answer: 'Cancel' } satisfies TrustPrompt)}\n`,
      );
    });
  }
  await openFile(workbench.page, ACTIVATION_FILE);
  console.log(`# ${pass.name}: workbench open, extension activating (${Date.now() - t0} ms)`);
  await waitForFile(
    startedMarkerPath(resultsPath),
    ACTIVATION_TIMEOUT_MS,
    server,
    'the extension did not activate or its test hook (extension/testHook.ts, called from activate()) did not start',
  );
  await waitForFile(
    resultsPath,
    args.timeoutMs,
    server,
    'the host tests did not finish (a test hangs? raise PHASEBOOK_HOST_TEST_TIMEOUT_MS)',
  );
  const kept = join(
    ensureTestResultsDir(),
    pass.untrusted ? 'host-test-report-untrusted.json' : 'host-test-report.json',
  );
  copyFileSync(resultsPath, kept);
  const report = readReport(kept);
  const mapStack = stackMapperFor(bundlePath, repoRoot);
  for (const t of report.tests) if (t.error?.stack) t.error.stack = mapStack(t.error.stack);
  return { report, workbench };
}

/** The passes' reports as one, so the closing lines count every test once. */
function mergeReports(reports: HostTestReport[]): HostTestReport {
  return {
    startedAt: reports[0]?.startedAt ?? new Date().toISOString(),
    durationMs: reports.reduce((n, r) => n + r.durationMs, 0),
    vscodeVersion: reports[0]?.vscodeVersion ?? 'unknown',
    tests: reports.flatMap((r) => r.tests),
  };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  const reports: HostTestReport[] = [];
  let ok = true;
  for (const pass of planPasses(findHostSuites(args.suiteFilters))) {
    const opened: Opened = {};
    try {
      const { report, workbench } = await runPass(pass, args, t0, opened);
      reports.push(report);
      if (!formatReport(report).ok) {
        ok = false;
        await screenshot(workbench.page, `${pass.name}-tests-failed`);
      }
    } catch (err) {
      console.error(`✖ ${pass.name} tests could not run: ${(err as Error).message}`);
      if (opened.workbench)
        console.error(
          `  screenshot: ${await screenshot(opened.workbench.page, `${pass.name}-tests-error`).catch(() => 'none')}`,
        );
      if (opened.server) console.error(`  server log: ${opened.server.logFile}`);
      return 1;
    } finally {
      await opened.stopAnswering?.();
      await opened.workbench?.close().catch(() => undefined);
      await opened.server?.stop();
    }
  }
  const merged = formatReport(mergeReports(reports));
  for (const line of merged.lines) console.log(line);
  console.log(`ℹ total_ms ${Date.now() - t0} (server start, browser, activation and tests)`);
  return ok && merged.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
