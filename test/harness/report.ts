// Reads the host-test report and prints it the way `node --test` prints results.
import { readFileSync } from 'node:fs';
import { countByState, type HostTestReport, type HostTestResult } from '../../extension/util/hostTestProtocol';

const MARK: Record<HostTestResult['state'], string> = { passed: '✔', failed: '✖', pending: '﹣' };

function isResult(x: unknown): x is HostTestResult {
  const r = x as HostTestResult;
  return (
    typeof r === 'object' &&
    r !== null &&
    Array.isArray(r.titlePath) &&
    (r.state === 'passed' || r.state === 'failed' || r.state === 'pending') &&
    typeof r.durationMs === 'number'
  );
}

/** Parses a report file; throws naming the file when it is not one. */
export function parseReport(text: string, file: string): HostTestReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not JSON (${(err as Error).message})`, { cause: err });
  }
  const r = data as HostTestReport;
  if (typeof r !== 'object' || r === null || !Array.isArray(r.tests) || !r.tests.every(isResult)) {
    throw new Error(`${file}: not a host test report (expected { tests: [{ titlePath, state, durationMs }] })`);
  }
  return r;
}

export function readReport(file: string): HostTestReport {
  return parseReport(readFileSync(file, 'utf8'), file);
}

/** The lines to print, and whether the run counts as a success (something passed, nothing failed). */
export function formatReport(report: HostTestReport): { lines: string[]; ok: boolean } {
  const lines: string[] = [];
  for (const t of report.tests) {
    const duration = t.state === 'pending' ? ' # SKIP' : ` (${t.durationMs}ms)`;
    lines.push(`${MARK[t.state]} ${t.titlePath.join(' › ')}${duration}`);
    if (t.error) {
      const detail =
        t.error.stack && t.error.stack.includes(t.error.message)
          ? t.error.stack
          : `${t.error.message}\n${t.error.stack ?? ''}`;
      for (const l of detail.trim().split('\n').slice(0, 12)) lines.push(`    ${l}`);
    }
  }
  const counts = countByState(report);
  lines.push(
    `ℹ tests ${report.tests.length}`,
    `ℹ pass ${counts.passed}`,
    `ℹ fail ${counts.failed}`,
    `ℹ skipped ${counts.pending}`,
    `ℹ duration_ms ${report.durationMs}`,
    `ℹ vscode ${report.vscodeVersion}`,
  );
  if (counts.passed === 0 && counts.failed === 0) lines.push('✖ no host test ran');
  return { lines, ok: counts.failed === 0 && counts.passed > 0 };
}
