/**
 * The gate inside the engine session the VS Code kernel drives (issue 12): a look-ahead above a
 * cv cell fails that cell with a validation error (exit code 2) naming the cell and column — a
 * cell error, not an internal error — and an unchanged notebook is audited once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dataDir, LEAKS, notebook } from './fixtures';
import { auditCounters } from '../../../core/audit/audit';

const dir = dataDir();
test.after(() => rmSync(dir, { recursive: true, force: true }));

const text = `${LEAKS.negative_shift.text}
# %% split
fractions: [0.7, 0.15, 0.15]

# %% cv
models: [ridge]
n_splits: 3
`;

test(
  'a session run stops the cv cell below a negative shift with a cell error naming cell and column; a second ' +
    'run audits nothing',
  async () => {
    const session = notebook(dir, 'gate', text);
    const report = await session.run();
    const cv = report.outcomes.find((o) => o.cell === 'cv');
    assert.equal(cv?.status, 'failed');
    assert.equal(cv?.error?.exitCode, 2);
    assert.doesNotMatch(cv?.error?.message ?? '', /internal error/);
    assert.match(cv?.error?.message ?? '', /cell 'leaky' looks ahead — its column 'next_close'/);
    assert.equal(report.exitCode, 2);
    assert.equal(report.audit?.verdict, 'leak');
    for (const o of report.outcomes.filter((x) => x.cell !== 'cv')) assert.notEqual(o.status, 'failed', o.cell);
    const before = auditCounters.recomputed;
    const again = await notebook(dir, 'gate', text).run();
    assert.equal(auditCounters.recomputed, before);
    assert.equal(again.audit?.recomputed, 0);
    assert.equal(again.outcomes.find((o) => o.cell === 'cv')?.status, 'failed');
  },
);

test('audit: off skips the audit: the cv cell runs', async () => {
  const session = notebook(dir, 'off', `# %% settings\naudit: off\n\n${text}`);
  const report = await session.run();
  assert.equal(report.audit, undefined);
  assert.equal(report.outcomes.find((o) => o.cell === 'cv')?.status, 'ok');
});

test('cells that already ran in the session are the audit baseline: only the perturbed runs are computed', async () => {
  const session = notebook(dir, 'held', text.replace('horizon: 5', 'horizon: 6'));
  await session.run({ cells: ['split'] });
  const report = await session.run({ cells: ['cv'] });
  assert.equal(report.audit?.verdict, 'leak');
  // prices, features, leaky, labels, split: 4 cells below the source, 3 cuts, no baseline recomputation.
  assert.equal(report.audit?.cells.length, 5);
  assert.equal(report.audit?.recomputed, 3 * 4);
});
