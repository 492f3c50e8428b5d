import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { tableFromIPC } from 'apache-arrow';
import { resolveRoots } from '../../../core/runs/roots';
import { readRunPayload } from '../../../extension/dashboard/runReader';
import { parseEquityCurve, readRunFrames } from '../../../core/kernel/runFrames';

function workspace(): { base: string; cleanup(): void } {
  const base = mkdtempSync(join(tmpdir(), 'pb-dash-'));
  return { base, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

const manifest = (patch: Record<string, unknown>) =>
  JSON.stringify({
    status: 'complete',
    created: '2025-12-28T14:30:25.789Z',
    finished: '2025-12-28T14:31:02.001Z',
    source: { notebook: 'demo.pipeline', cell: 'stack' },
    config: { meta_learner: 'logistic', horizon: 20 },
    config_hash: 'ab'.repeat(32),
    feature_set_id: '3f2a9c01b7de',
    git_commit: 'c'.repeat(40),
    seed: 42,
    metrics: {},
    artifacts: [],
    engine_version: '0.1.0',
    ...patch,
  });

test(
  'a stacking run: metrics with CIs, lineage with its parent CV run, weights, predictions as Arrow IPC (chart ' +
    'columns only)',
  async () => {
    const { base, cleanup } = workspace();
    try {
      const roots = resolveRoots(base);
      const cvDir = join(roots.stacking, 'cv_20251228_140000_000000_aaaa');
      mkdirSync(cvDir, { recursive: true });
      writeFileSync(join(cvDir, 'run.json'), manifest({ id: 'cv_20251228_140000_000000_aaaa', kind: 'cv' }));
      writeFileSync(
        join(cvDir, 'cv_results.json'),
        JSON.stringify({
          run_id: 'x',
          created: '2025-12-28T14:00:00Z',
          models: ['ridge'],
          horizons: [20],
          n_splits: 2,
          task: { 20: 'classification' },
          folds: [
            {
              model: 'ridge',
              horizon: 20,
              fold: 0,
              scores: { roc_auc: 0.6 },
              params: {},
              train_rows: 1,
              test_rows: 1,
              seconds: 0,
            },
          ],
          summary: { ridge: { 20: { roc_auc: { mean: 0.6, std: 0 } } } },
          pooled: { ridge: { 20: { roc_auc: { value: 0.61, low: 0.55, high: 0.66 } } } },
        }),
      );
      const dir = join(roots.runs, 'stacking_h20_20251228_143025_789456_a3f9');
      mkdirSync(dir, { recursive: true });
      pl.DataFrame({
        y_true: [0, 1, 1, 0],
        y_prob: [0.2, 0.7, 0.6, 0.4],
        notes: ['a', 'b', 'c', 'd'],
        symbol: ['A', 'A', 'B', 'B'],
      }).writeParquet(join(dir, 'predictions.parquet'));
      writeFileSync(
        join(dir, 'run.json'),
        manifest({
          id: 'stacking_h20_20251228_143025_789456_a3f9',
          kind: 'stacking',
          metrics: { test_roc_auc: 0.61, test_roc_auc_ci_low: 0.58, test_roc_auc_ci_high: 0.64 },
          artifacts: [
            { path: 'predictions.parquet', bytes: 10, sha256: 'f'.repeat(64), rows: 4 },
            { path: 'model.json', bytes: 5, sha256: 'e'.repeat(64) },
          ],
          meta: { cv_run_id: 'cv_20251228_140000_000000_aaaa', meta_weights: { ridge_pred: 0.8, gbdt_pred: -0.1 } },
        }),
      );
      const p = await readRunPayload(dir, roots, readRunFrames);
      assert.equal(p.kind, 'stacking');
      assert.deepEqual(p.metrics, { test_roc_auc: 0.61, test_roc_auc_ci_low: 0.58, test_roc_auc_ci_high: 0.64 });
      assert.deepEqual(p.lineage.parentRun, { id: 'cv_20251228_140000_000000_aaaa', dir: cvDir });
      assert.equal(p.lineage.gitCommit, 'c'.repeat(40));
      assert.equal(p.lineage.seed, 42);
      assert.deepEqual(p.metaWeights, { ridge_pred: 0.8, gbdt_pred: -0.1 });
      assert.deepEqual(
        p.artifacts.map((a) => [a.path, a.exists, a.rows]),
        [
          ['predictions.parquet', true, 4],
          ['model.json', false, undefined],
        ],
      );
      const t = tableFromIPC(p.frames.predictions!);
      assert.deepEqual(
        t.schema.fields.map((f) => f.name),
        ['y_true', 'y_prob', 'symbol'],
      );
      assert.equal(t.numRows, 4);

      const cv = await readRunPayload(cvDir, roots, readRunFrames);
      assert.equal(cv.kind, 'cv');
      assert.deepEqual(cv.cv?.folds, [{ model: 'ridge', horizon: 20, fold: 0, scores: { roc_auc: 0.6 } }]);
      // The dashboard's CV models table shows the pooled score beside the fold mean: it is read.
      assert.deepEqual(cv.cv?.pooled?.ridge?.['20']?.roc_auc, { value: 0.61, low: 0.55, high: 0.66 });
    } finally {
      cleanup();
    }
  },
);

test('a backtest written by another tool: equity curves of its containers, artifacts listed from disk', async () => {
  const { base, cleanup } = workspace();
  try {
    const roots = resolveRoots(base);
    const phase = join(roots.results, 'my_experiment', 'train');
    mkdirSync(join(phase, 'containers'), { recursive: true });
    writeFileSync(
      join(phase, 'phase_summary.json'),
      JSON.stringify({ phase: 'train', timestamp: '2024-01-02T00:00:00', metrics_summary: { best_sharpe_ratio: 1.2 } }),
    );
    writeFileSync(
      join(phase, 'containers', 'p1_results.json'),
      JSON.stringify({
        equity_curve: [
          { timestamp: '2024-01-01T00:00:00Z', value: 100 },
          { timestamp: '2024-01-01T01:00:00Z', value: 101 },
        ],
      }),
    );
    writeFileSync(join(phase, 'containers', 'p2_results.json'), JSON.stringify({ equity_curve: [100, 99, 102] }));
    const p = await readRunPayload(join(roots.results, 'my_experiment'), roots, readRunFrames);
    assert.equal(p.kind, 'backtest');
    assert.equal(p.foreign, true);
    assert.equal(p.equityTemporal, false, 'one curve has no timestamps');
    const t = tableFromIPC(p.frames.equity!);
    assert.equal(t.numRows, 5);
    assert.deepEqual([...new Set(t.getChild('group')!.toArray() as string[])], ['train/p1', 'train/p2']);
    assert.ok(p.artifacts.some((a) => a.path === 'train/phase_summary.json' && a.exists));
  } finally {
    cleanup();
  }
});

test(
  'a workflow run in the notes/002 layout: equity ' + 'curves of the containers in its phase and window ' + 'folders',
  async () => {
    const { base, cleanup } = workspace();
    try {
      const roots = resolveRoots(base);
      const run = join(roots.results, 'study', 'sweep');
      const phase = join(run, 'search');
      mkdirSync(join(phase, 'window_001'), { recursive: true });
      writeFileSync(
        join(run, 'run.json'),
        JSON.stringify({
          id: 'study/sweep',
          kind: 'workflow',
          status: 'complete',
          created: '2024-01-02T00:00:00.000Z',
          metrics: {},
          artifacts: [],
          meta: { phases: ['search'] },
        }),
      );
      writeFileSync(
        join(phase, 'aggregate_results.json'),
        JSON.stringify({ aggregate_metrics: { best_sharpe_ratio: 1 }, total_trades: 1, containers_tracked: 1 }),
      );
      writeFileSync(join(phase, 'portfolio_001_results.json'), JSON.stringify({ equity_curve: [100, 101, 103] }));
      writeFileSync(
        join(phase, 'window_001', 'portfolio_001_results.json'),
        JSON.stringify({ equity_curve: [100, 98] }),
      );
      const p = await readRunPayload(run, roots, readRunFrames);
      assert.equal(p.kind, 'workflow');
      const t = tableFromIPC(p.frames.equity!);
      assert.equal(t.numRows, 5, 'the aggregate is not read as a container');
      assert.deepEqual([...new Set(t.getChild('group')!.toArray() as string[])].sort(), [
        'search/portfolio_001',
        'search/window_001/portfolio_001',
      ]);
    } finally {
      cleanup();
    }
  },
);

test('equity curves: numbers, [t, v] pairs and objects; timestamps become epoch ms', () => {
  assert.deepEqual(parseEquityCurve([1, 2], 'g'), { group: 'g', x: [0, 1], y: [1, 2], temporal: false });
  assert.deepEqual(parseEquityCurve([['2024-01-01T00:00:00Z', 5]], 'g')?.x, [Date.UTC(2024, 0, 1)]);
  assert.equal(parseEquityCurve([{ ts: 1_704_067_200_000, equity: 3 }], 'g')?.temporal, true);
  assert.equal(parseEquityCurve([], 'g'), undefined);
  assert.equal(parseEquityCurve([{ nothing: 1 }], 'g'), undefined);
});

test('a folder that holds no run is a user error naming it', async () => {
  const { base, cleanup } = workspace();
  try {
    await assert.rejects(
      readRunPayload(base, resolveRoots(base), readRunFrames),
      (e: Error) => e.name === 'UserError' && e.message.includes(`'${base}' is not a run folder`),
    );
  } finally {
    cleanup();
  }
});
