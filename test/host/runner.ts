// Runs mocha (tdd ui) inside the extension host over suites that are loaded lazily, so each
// suite file registers its tests after mocha's globals and `import { suite, test } from 'mocha'`
// are bound. Collects a HostTestReport; never throws for a failing test.
import Mocha from 'mocha';
import type { HostTestReport, HostTestResult } from '../../extension/util/hostTestProtocol';

export interface HostSuiteModule {
  /** Repository-relative path, for messages. */
  file: string;
  load: () => Promise<unknown>;
}

export interface RunSuitesOptions {
  vscodeVersion: string;
  grep?: string;
  /** Per-test timeout; host tests wait on real UI and processes. */
  timeoutMs?: number;
}

function titlePathOf(runnable: Mocha.Runnable): string[] {
  return runnable.titlePath().filter((t) => t.length > 0);
}

function toGrep(grep: string): string | RegExp {
  const m = /^\/(.*)\/([a-z]*)$/.exec(grep);
  return m ? new RegExp(m[1], m[2]) : grep;
}

export async function runSuites(suites: HostSuiteModule[], options: RunSuitesOptions): Promise<HostTestReport> {
  const started = Date.now();
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: options.timeoutMs ?? 60_000, reporter: 'spec' });
  if (options.grep) mocha.grep(toGrep(options.grep));
  const tests: HostTestResult[] = [];

  for (const s of suites) {
    mocha.suite.emit('pre-require', globalThis, s.file, mocha);
    try {
      await s.load();
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      tests.push({
        titlePath: [s.file, 'loads'],
        state: 'failed',
        durationMs: 0,
        error: { message: e.message, stack: e.stack },
      });
    }
    mocha.suite.emit('post-require', globalThis, s.file, mocha);
  }

  await new Promise<void>((resolveRun) => {
    const runner = mocha.run(() => resolveRun());
    runner.on('pass', (t: Mocha.Test) => {
      tests.push({ titlePath: titlePathOf(t), state: 'passed', durationMs: t.duration ?? 0 });
    });
    runner.on('fail', (t: Mocha.Runnable, err: Error) => {
      tests.push({
        titlePath: titlePathOf(t),
        state: 'failed',
        durationMs: t.duration ?? 0,
        error: { message: err?.message ?? String(err), stack: err?.stack },
      });
    });
    runner.on('pending', (t: Mocha.Test) => {
      tests.push({ titlePath: titlePathOf(t), state: 'pending', durationMs: 0 });
    });
  });

  return {
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    vscodeVersion: options.vscodeVersion,
    tests,
  };
}
