// The experiments table's rows and columns, filter, sort and group (core/experiments).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildExperimentsTable, visibleColumns, type ExperimentRun } from '../../../core/experiments/table';
import { filterRows, groupRows, meanSd, sortRows } from '../../../core/experiments/view';

function run(
  id: string,
  config: ExperimentRun['config'],
  metrics: Record<string, number>,
  extra: Partial<ExperimentRun> = {},
): ExperimentRun {
  return {
    id,
    dir: `/runs/${id}`,
    kind: 'cv',
    status: 'complete',
    created: '2026-12-01T10:00:00.000Z',
    label: id,
    config,
    metrics,
    ...(typeof config.seed === 'number' ? { seed: config.seed } : {}),
    ...extra,
  };
}

const runs = [
  run(
    'a',
    { model: 'ridge', scenario: 'drop', seed: 1, folds: 5 },
    { auc: 0.61, auc_ci_low: 0.58, auc_ci_high: 0.64, rmse: 1 },
  ),
  run('b', { model: 'ridge', scenario: 'drop', seed: 2, folds: 5 }, { auc: 0.63, rmse: 2 }),
  run('c', { model: 'gbdt', scenario: 'impute', seed: 1, folds: 5 }, { auc: 0.55, rmse: 3 }, { tags: ['baseline'] }),
];

test(
  'columns: every config key and metric; CI bounds become ' + 'the interval, not columns; unchanged keys are marked',
  () => {
    const t = buildExperimentsTable(runs);
    const keys = t.columns.map((c) => c.key);
    assert.ok(keys.includes('config:model') && keys.includes('metric:auc') && keys.includes('metric:rmse'));
    assert.ok(!keys.some((k) => k.includes('_ci_')));
    assert.deepEqual(t.rows[0]!.ci.auc, { low: 0.58, high: 0.64 });
    assert.equal(t.rows[1]!.ci.auc, undefined);
    const shown = visibleColumns(t, { onlyChanged: true, hidden: new Set() }).map((c) => c.key);
    assert.ok(!shown.includes('config:folds'), 'folds is 5 everywhere: hidden by "only what changed"');
    assert.ok(shown.includes('config:model') && shown.includes('run:label'));
    const all = visibleColumns(t, { onlyChanged: false, hidden: new Set(['metric:rmse']) }).map((c) => c.key);
    assert.ok(all.includes('config:folds') && !all.includes('metric:rmse'));
  },
);

test('a key only some runs have counts as changed', () => {
  const t = buildExperimentsTable([run('a', { x: 1 }, {}), run('b', { x: 1, y: 2 }, {})]);
  assert.equal(t.columns.find((c) => c.key === 'config:x')!.changed, false);
  assert.equal(t.columns.find((c) => c.key === 'config:y')!.changed, true);
});

test('filter by column comparisons, tags and free text; an unknown column is reported', () => {
  const t = buildExperimentsTable(runs);
  const ids = (q: string) => filterRows(t.rows, t.columns, q).rows.map((r) => r.run.id);
  assert.deepEqual(ids('auc>0.6'), ['a', 'b']);
  assert.deepEqual(ids('model=gbdt'), ['c']);
  assert.deepEqual(ids('model=ridge seed!=1'), ['b']);
  assert.deepEqual(ids('tag:baseline'), ['c']);
  assert.deepEqual(ids('BASE'), ['c']);
  assert.deepEqual(filterRows(t.rows, t.columns, 'nope>1').unknown, ['nope']);
});

test('sort: numbers numerically both ways, missing values last', () => {
  const t = buildExperimentsTable([...runs, run('d', {}, {})]);
  assert.deepEqual(
    sortRows(t.rows, 'metric:auc', 'desc').map((r) => r.run.id),
    ['b', 'a', 'c', 'd'],
  );
  assert.deepEqual(
    sortRows(t.rows, 'metric:auc', 'asc').map((r) => r.run.id),
    ['c', 'a', 'b', 'd'],
  );
});

test('group by seed joins runs differing only in the seed, with mean ± sd; by scenario on config.scenario', () => {
  const t = buildExperimentsTable(runs);
  const bySeed = groupRows(t.rows, t.columns, 'seed');
  assert.equal(bySeed.length, 2);
  const ridge = bySeed.find((g) => g.key.includes('model=ridge'))!;
  assert.equal(ridge.rows.length, 2);
  assert.ok(Math.abs(ridge.stats['metric:auc']!.mean - 0.62) < 1e-12);
  assert.ok(Math.abs(ridge.stats['metric:auc']!.sd - Math.sqrt(0.0002)) < 1e-12);
  const byScenario = groupRows(t.rows, t.columns, 'scenario').map((g) => [g.key, g.rows.length]);
  assert.deepEqual(byScenario, [
    ['scenario=drop', 2],
    ['scenario=impute', 1],
  ]);
  assert.deepEqual(meanSd([3]), { mean: 3, sd: 0, n: 1 });
});
