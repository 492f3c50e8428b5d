// Issue 18 item 5: a stacking run trained from the CodeLens (the kernel's trainStacking request)
// is recorded in metrics.db like the notebook's own runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KernelHandlers } from '../../../core/kernel/handlers';
import type { KernelEvent } from '../../../core/kernel/protocol';
import { silentLogger } from '../../../core/log';
import { metricsDbPath, queryMetrics } from '../../../core/orchestrate/metricsDb';
import '../../../core/phases/register';

test("a CodeLens-trained stacking run is in metrics.db with its metrics and its base models' metrics", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-codelens-'));
  try {
    const rows = ['ts,symbol,close'];
    for (let i = 0; i < 400; i++)
      rows.push(
        `${new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString()},BTC,` +
          `${(100 + 10 * Math.sin(i / 7) + ((i * 7919) % 13) / 3).toFixed(3)}`,
      );
    writeFileSync(join(dir, 'p.csv'), rows.join('\n') + '\n');
    const nb = [
      '# %% load prices',
      'source: p.csv',
      'timestamp: ts',
      'symbol: symbol',
      '',
      '# %% features',
      'returns: close',
      'lags: [1, 2, 3]',
      '',
      '# %% labels',
      'horizon: 2',
      'target: close',
      'threshold: 0',
      '',
      '# %% split',
      'fractions: [0.7, 0.15, 0.15]',
      '',
      '# %% cv',
      'models: [ridge, logistic]',
      'n_splits: 3',
      '',
    ].join('\n');
    const path = join(dir, 'nb.pipeline');
    writeFileSync(path, nb);
    const events: KernelEvent[] = [];
    const h = new KernelHandlers(silentLogger, (e) => events.push(e));
    await h.handle({ type: 'open', id: 1, notebookPath: path, text: nb });
    const run = await h.handle({ type: 'run', id: 2 });
    assert.ok('ok' in run && run.ok, JSON.stringify(run));
    const cv = events.find(
      (e): e is Extract<KernelEvent, { type: 'runCreated' }> => e.type === 'runCreated' && e.kind === 'cv',
    )!;
    const reply = await h.handle({ type: 'trainStacking', id: 3, cvRunId: cv.id, horizon: 2, metaLearner: 'ridge' });
    const runId = (reply as { runId: string }).runId;
    const db = metricsDbPath(join(dir, 'artifacts'));
    const got = await queryMetrics(
      db,
      `SELECT e.executor, m.cell, m.model, m.metric FROM metrics m JOIN executions e USING (execution_id) ` +
        `WHERE m.run_id = '${runId}' ORDER BY m.model, m.metric`,
    );
    assert.ok(got.rows.length > 0, 'the CodeLens run is not in metrics.db');
    assert.ok(
      got.rows.every((r) => r[0] === 'codelens' && r[1] === 'train-stacking'),
      JSON.stringify(got.rows),
    );
    const own = got.rows.filter((r) => r[2] === null).map((r) => r[3]);
    assert.ok(own.includes('roc_auc'), `meta-learner metrics: ${own.join(', ')}`);
    const ci = await queryMetrics(
      db,
      `SELECT ci_low, ci_high FROM metrics WHERE run_id = '${runId}' AND metric = 'roc_auc' AND model IS NULL`,
    );
    assert.ok(
      ci.rows[0]?.[0] !== null && ci.rows[0]?.[1] !== null,
      `roc_auc has no interval: ${JSON.stringify(ci.rows)}`,
    );
    assert.deepEqual(
      [...new Set(got.rows.map((r) => r[2]).filter((m) => m !== null))].sort(),
      ['logistic', 'ridge'],
      'every base model',
    );
    const cvModels = await queryMetrics(
      db,
      `SELECT DISTINCT model FROM metrics WHERE run_id = '${cv.id}' AND model IS NOT NULL ORDER BY model`,
    );
    assert.deepEqual(cvModels.rows, [['logistic'], ['ridge']], 'the CV run holds every model');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
