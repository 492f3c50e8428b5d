import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HostTestReport } from '../../../extension/util/hostTestProtocol';
import { formatReport, parseReport } from '../../harness/report';

const base = { startedAt: '2026-01-01T00:00:00.000Z', durationMs: 42, vscodeVersion: '1.100.3' };

test('a failing host test makes the run fail and prints its message', () => {
  const report: HostTestReport = {
    ...base,
    tests: [
      { titlePath: ['activation', 'activates'], state: 'passed', durationMs: 3 },
      {
        titlePath: ['commands', 'phasebook.runAll is registered'],
        state: 'failed',
        durationMs: 1,
        error: { message: 'not registered' },
      },
    ],
  };
  const { lines, ok } = formatReport(report);
  assert.equal(ok, false);
  assert.ok(lines.includes('✔ activation › activates (3ms)'));
  assert.ok(lines.includes('✖ commands › phasebook.runAll is registered (1ms)'));
  assert.ok(lines.some((l) => l.includes('not registered')));
  assert.ok(lines.includes('ℹ fail 1'));
});

test('a run in which no test ran is a failure, not a silent pass', () => {
  const { lines, ok } = formatReport({ ...base, tests: [{ titlePath: ['x'], state: 'pending', durationMs: 0 }] });
  assert.equal(ok, false);
  assert.ok(lines.includes('✖ no host test ran'));
});

test('all passing is a success', () => {
  assert.equal(formatReport({ ...base, tests: [{ titlePath: ['a', 'b'], state: 'passed', durationMs: 0 }] }).ok, true);
});

test('a file that is not a report is rejected naming the file', () => {
  assert.throws(() => parseReport('{', '/tmp/r.json'), /\/tmp\/r\.json: not JSON/);
  assert.throws(
    () => parseReport('{"tests":[{"state":"ok"}]}', '/tmp/r.json'),
    /\/tmp\/r\.json: not a host test report/,
  );
});
