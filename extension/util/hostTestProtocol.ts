// The contract between the test launcher (outside VS Code) and the mocha run inside the
// extension host: two environment variables and one JSON report file. No `vscode` import here:
// both sides load this module.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Absolute path of the bundled host-test entry; when set, the extension runs it on activation. */
export const HOST_TESTS_ENV = 'PHASEBOOK_HOST_TESTS';
/** Absolute path the report is written to (JSON, written once, atomically, when the run ends). */
export const HOST_TEST_RESULTS_ENV = 'PHASEBOOK_HOST_TEST_RESULTS';
/** Optional mocha grep (a substring or /regex/ of "suite test" titles). */
export const HOST_TEST_GREP_ENV = 'PHASEBOOK_HOST_TEST_GREP';

export type HostTestState = 'passed' | 'failed' | 'pending';

export interface HostTestResult {
  /** Titles from the outermost suite inwards. */
  titlePath: string[];
  state: HostTestState;
  durationMs: number;
  error?: { message: string; stack?: string };
}

export interface HostTestReport {
  startedAt: string;
  durationMs: number;
  /** VS Code version of the host the tests ran in. */
  vscodeVersion: string;
  tests: HostTestResult[];
}

/** The bundled entry's interface (what `require(PHASEBOOK_HOST_TESTS)` returns). */
export interface HostTestEntry {
  /**
   * Runs every suite (filtered by PHASEBOOK_HOST_TEST_GREP); resolves with the report, which it
   * also writes to PHASEBOOK_HOST_TEST_RESULTS when that is set. Never rejects for a failing test.
   */
  runHostTests(): Promise<HostTestReport>;
  /** The @vscode/test-electron contract: resolves when all pass, rejects otherwise. */
  run(): Promise<void>;
}

/** Written by the extension as soon as its test hook starts, so the launcher can fail fast when it never does. */
export function startedMarkerPath(resultsPath: string): string {
  return `${resultsPath}.started`;
}

export function writeReport(path: string, report: HostTestReport): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(report, null, 2));
  renameSync(tmp, path);
}

/** A report holding one failure, for when the suites could not even be loaded. */
export function loadFailureReport(vscodeVersion: string, what: string, error: unknown): HostTestReport {
  const err = error instanceof Error ? error : new Error(String(error));
  return {
    startedAt: new Date().toISOString(),
    durationMs: 0,
    vscodeVersion,
    tests: [
      {
        titlePath: ['host tests', what],
        state: 'failed',
        durationMs: 0,
        error: { message: err.message, stack: err.stack },
      },
    ],
  };
}

export function countByState(report: HostTestReport): Record<HostTestState, number> {
  const counts: Record<HostTestState, number> = { passed: 0, failed: 0, pending: 0 };
  for (const t of report.tests) counts[t.state]++;
  return counts;
}
