// The experiments table's metrics.db metrics (core/experiments/dbMetrics): a CV run's every model per
// horizon with its pooled CI, a stacking run's metrics, a fan-out branch's run; merged into the rows
// and grouped over seeds with mean ± sd (numbers worked by hand).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { latestRunMetrics, readRunMetrics, type DbMetric } from '../../../core/experiments/dbMetrics';
import { buildExperimentsTable, visibleColumns, type ExperimentRun } from '../../../core/experiments/table';
import { groupRows } from '../../../core/experiments/view';
import { UserError } from '../../../core/errors';
import { writeExecution, type CellRow } from '../../../core/orchestrate/metricsDb';

const exec = (id: string, started: string) => ({
  executionId: id,
  notebook: 'demo.pipeline',
  started,
  finished: started,
  seed: 1,
  exitCode: 0,
  executor: 'in-process',
  engineVersion: 'test',
});

const cvCell = (runId: string, ridgeAuc: number, branch: Record<string, string> = {}): CellRow => ({
  cell: 'cv',
  origin: 'cv',
  kind: 'cv',
  branch,
  status: 'ok',
  durationMs: 10,
  runId,
  metrics: { n_folds: 5 },
  modelMetrics: [
    {
      model: 'ridge',
      metrics: {
        h20_roc_auc: ridgeAuc,
        h20_roc_auc_pooled: ridgeAuc + 0.01,
        h20_roc_auc_pooled_ci_low: ridgeAuc - 0.02,
        h20_roc_auc_pooled_ci_high: ridgeAuc + 0.04,
      },
    },
    { model: 'gbdt', metrics: { h20_roc_auc: 0.58, h5_roc_auc: 0.6 } },
  ],
});

const find = (ms: DbMetric[], model: string | undefined, metric: string) =>
  ms.find((m) => m.model === model && m.metric === metric);

test('metrics.db: every model of a CV run per horizon with its CI; the latest execution wins', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-dbm-'));
  const db = join(dir, 'metrics.db');
  assert.deepEqual(await readRunMetrics(db), [], 'no database yet: no metrics, no error');
  await writeExecution(db, exec('e1', '2026-12-01T10:00:00Z'), [
    cvCell('cv_a', 0.6),
    { cell: 'load', origin: 'load', kind: 'load', branch: {}, status: 'ok', durationMs: 1, metrics: { rows: 9 } },
  ]);
  await writeExecution(db, exec('e2', '2026-12-01T11:00:00Z'), [
    cvCell('cv_a', 0.62),
    cvCell('cv_b', 0.55, { scenario: 'ffill' }),
    {
      cell: 'stack',
      origin: 'stack',
      kind: 'stacking',
      branch: {},
      status: 'ok',
      durationMs: 1,
      runId: 'stacking_a',
      metrics: { test_roc_auc: 0.64, test_roc_auc_ci_low: 0.6, test_roc_auc_ci_high: 0.68 },
    },
  ]);
  const read = await readRunMetrics(db);
  const runs = new Map(read.map((r) => [r.runId, r.metrics]));
  assert.deepEqual(read.find((r) => r.runId === 'cv_b')?.branch, { scenario: 'ffill' }, "a branch's run has it");
  assert.equal(read.find((r) => r.runId === 'cv_a')?.branch, undefined);
  assert.ok(find(runs.get('cv_b')!, 'ridge', 'h20_roc_auc'), "a CV model's metric keeps its model in a branch");
  assert.deepEqual([...runs.keys()].sort(), ['cv_a', 'cv_b', 'stacking_a'], 'rows without a run are not a run');
  const a = runs.get('cv_a')!;
  assert.equal(find(a, 'ridge', 'h20_roc_auc')?.value, 0.62, 'the later execution replaces the earlier');
  assert.deepEqual(find(a, 'ridge', 'h20_roc_auc_pooled'), {
    metric: 'h20_roc_auc_pooled',
    model: 'ridge',
    value: 0.63,
    low: 0.6,
    high: 0.66,
  });
  assert.equal(find(a, 'gbdt', 'h5_roc_auc')?.value, 0.6);
  assert.equal(find(a, undefined, 'n_folds')?.value, 5);
  assert.equal(a.length, 5, 'one entry per (model, metric), not one per execution');
  assert.deepEqual(find(runs.get('stacking_a')!, undefined, 'test_roc_auc'), {
    metric: 'test_roc_auc',
    value: 0.64,
    low: 0.6,
    high: 0.68,
  });
});

test('a file that is no database is an error naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-dbm-'));
  const db = join(dir, 'metrics.db');
  writeFileSync(db, 'not sqlite at all, just text '.repeat(40));
  await assert.rejects(readRunMetrics(db), (e: unknown) => e instanceof UserError && e.location?.file === db);
});

test('latestRunMetrics skips rows without a run, a metric name or a finite value', () => {
  const out = latestRunMetrics([
    ['r', null, 'auc', 0.5, null, null],
    [null, null, 'auc', 0.7, null, null],
    ['r', 'ridge', 'auc', Number.NaN, null, null],
    ['r', '', 'rmse', 2, 1, null],
  ]);
  assert.deepEqual(out, [
    {
      runId: 'r',
      metrics: [
        { metric: 'auc', value: 0.5 },
        { metric: 'rmse', value: 2 },
      ],
    },
  ]);
});

test("a branch's training run: its branch's model is no column prefix; a run without metrics keeps its branch", () => {
  const branch = JSON.stringify({ scenario: 'ffill', model: 'ridge' });
  const out = latestRunMetrics(
    [
      ['train_r', 'ridge', 'rmse', 1.5, 1.2, 1.8, branch],
      ['cv_x', 'gbdt', 'h20_auc', 0.6, null, null, JSON.stringify({ scenario: 'ffill' })],
    ],
    [
      ['train_r', branch],
      ['train_quiet', JSON.stringify({ scenario: 'drop', model: 'linear' })],
      ['broken', '{not json'],
    ],
  );
  assert.deepEqual(out, [
    { runId: 'train_r', metrics: [{ metric: 'rmse', value: 1.5, low: 1.2, high: 1.8 }], branch: JSON.parse(branch) },
    { runId: 'cv_x', metrics: [{ metric: 'h20_auc', model: 'gbdt', value: 0.6 }] },
    { runId: 'train_quiet', metrics: [], branch: { scenario: 'drop', model: 'linear' } },
  ]);
});

function cv(id: string, seed: number, scenario: string, metrics: Record<string, number> = {}): ExperimentRun {
  return {
    id,
    dir: `/runs/${id}`,
    kind: 'cv',
    status: 'complete',
    created: '2026-12-01T10:00:00.000Z',
    label: id,
    seed,
    config: { seed, scenario },
    metrics,
  };
}

test('the table merges metrics.db: `{model}.{metric}` columns with their CI; run.json values win', () => {
  const runs = [cv('a', 1, 'drop', { auc: 0.7 }), cv('b', 2, 'drop'), cv('c', 1, 'ffill')];
  const db = new Map<string, { metrics: DbMetric[] }>([
    [
      'a',
      {
        metrics: [
          { metric: 'h20_auc', model: 'ridge', value: 0.6, low: 0.55, high: 0.65 },
          { metric: 'auc', value: 0.69, low: 0.6, high: 0.8 },
        ],
      },
    ],
    ['b', { metrics: [{ metric: 'h20_auc', model: 'ridge', value: 0.64 }] }],
    ['c', { metrics: [{ metric: 'h20_auc', model: 'ridge', value: 0.5 }] }],
  ]);
  const t = buildExperimentsTable(runs, db);
  const a = t.rows[0]!;
  assert.equal(a.values['metric:ridge.h20_auc'], 0.6);
  assert.deepEqual(a.ci['ridge.h20_auc'], { low: 0.55, high: 0.65 });
  assert.equal(a.values['metric:auc'], 0.7, "run.json's value is kept");
  assert.equal(a.ci.auc, undefined, "a CI of another value than the one shown is not the shown value's CI");
  const shown = visibleColumns(t, { onlyChanged: true, hidden: new Set() }).map((c) => c.label);
  assert.ok(shown.includes('ridge.h20_auc'), shown.join(', '));

  // Over seeds: a (0.6) and b (0.64) share scenario drop: mean 0.62, sd sqrt(((-0.02)^2 + 0.02^2) / 1) = 0.028284...
  const groups = groupRows(t.rows, t.columns, 'seed');
  const drop = groups.find((g) => g.key.includes('scenario=drop'))!;
  assert.equal(drop.rows.length, 2);
  const s = drop.stats['metric:ridge.h20_auc']!;
  assert.ok(Math.abs(s.mean - 0.62) < 1e-12, String(s.mean));
  assert.ok(Math.abs(s.sd - 0.0282842712474619) < 1e-12, String(s.sd));
  assert.equal(s.n, 2);
  const ffill = groups.find((g) => g.key.includes('scenario=ffill'))!;
  assert.deepEqual(ffill.stats['metric:ridge.h20_auc'], { mean: 0.5, sd: 0, n: 1 });
});
