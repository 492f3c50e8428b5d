import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareMetricsTable,
  configDiff,
  metricBarsChart,
  metricGoal,
  metricsWithCi,
  chartsForRun,
  compareCharts,
  predictionArrays,
} from '../../../core/charts';
import { renderChart } from './vegaRender';

test('metric direction: losses and errors lower, drawdown nearest zero, counts not ranked, scores higher', () => {
  assert.deepEqual(
    [
      'rmse',
      'test_mae',
      'log_loss',
      'brier',
      'max_drawdown',
      'roc_auc',
      'sharpe_ratio',
      'r2',
      'train_rows',
      'seconds',
      'max_drawdown_duration',
    ].map(metricGoal),
    ['min', 'min', 'min', 'min', 'min_abs', 'max', 'max', 'max', 'none', 'none', 'none'],
  );
});

test('compare table marks the best run per column, direction-aware, ties all marked, CIs folded in', () => {
  const t = compareMetricsTable([
    { id: 'a', metrics: { rmse: 0.5, r2: 0.3, max_drawdown: -0.3, rmse_ci_low: 0.45, rmse_ci_high: 0.55 } },
    { id: 'b', metrics: { rmse: 0.4, r2: 0.3, max_drawdown: -0.1 } },
    { id: 'c', metrics: { rmse: 0.6, max_drawdown: 0.2, train_rows: 10 } },
  ]);
  const col = (n: string) => t.columns.find((c) => c.name === n)!;
  assert.deepEqual(
    t.columns.map((c) => c.name),
    ['rmse', 'r2', 'max_drawdown', 'train_rows'],
  );
  assert.deepEqual(col('rmse').best, [1]);
  assert.deepEqual(col('r2').best, [0, 1]);
  assert.deepEqual(col('max_drawdown').best, [1]);
  assert.deepEqual(col('train_rows').best, []);
  assert.deepEqual(t.rows[0][0], { value: 0.5, ciLow: 0.45, ciHigh: 0.55 });
  assert.deepEqual(t.rows[2][1], {}, 'missing metric is an empty cell');
  assert.deepEqual(
    compareMetricsTable([{ id: 'solo', metrics: { rmse: 1 } }]).columns[0].best,
    [],
    'one run: nothing to highlight',
  );
});

test('metricsWithCi pairs bounds with their metric and never lists them as metrics', () => {
  assert.deepEqual(metricsWithCi({ auc: 0.6, auc_ci_low: 0.55, auc_ci_high: 0.65, acc: 0.7 }), [
    { name: 'auc', value: 0.6, ciLow: 0.55, ciHigh: 0.65 },
    { name: 'acc', value: 0.7 },
  ]);
});

test('config diff flattens nested keys and flags only disagreeing ones', () => {
  const rows = configDiff([
    { model: 'gbdt', params: { depth: 3, lr: 0.1 }, horizons: [5, 20] },
    { model: 'gbdt', params: { depth: 5, lr: 0.1 } },
  ]);
  assert.deepEqual(
    rows.map((r) => [r.key, r.differs]),
    [
      ['horizons', true],
      ['model', false],
      ['params.depth', true],
      ['params.lr', false],
    ],
  );
  assert.deepEqual(rows[0].values, ['[5,20]', '—']);
});

test('metric bars: one bar per run and metric, CI whiskers where known', async () => {
  const c = metricBarsChart([
    { id: 'a', metrics: { auc: 0.6, auc_ci_low: 0.55, auc_ci_high: 0.65, brier: 0.2 } },
    { id: 'b', metrics: { auc: 0.62, brier: 0.21 } },
  ])!;
  const r = await renderChart(c);
  assert.equal(r.marks.rect, 4);
  assert.equal(r.marks.rule, 1, 'only run a has a CI on auc');
});

test(
  'metric bars: a bounded score is scaled to its data, so 0.5275 and 0.5076 do not look equal; an unbounded ' +
    'metric starts at 0',
  async () => {
    const c = metricBarsChart([
      { id: 'a', metrics: { roc_auc: 0.5275, sharpe_ratio: 1.2 } },
      { id: 'b', metrics: { roc_auc: 0.5076, sharpe_ratio: 1.1 } },
    ])!;
    const r = await renderChart(c);
    const height = (run: string, metric: RegExp): number =>
      r.bars.find((b) => b.datum.run === run && metric.test(String(b.datum.metric)))!.height;
    const [a, b] = [height('a', /^roc_auc/), height('b', /^roc_auc/)];
    assert.ok(a > 2 * b, `roc_auc bars ${a.toFixed(1)} px vs ${b.toFixed(1)} px look alike`);
    const [sa, sb] = [height('a', /^sharpe/), height('b', /^sharpe/)];
    assert.ok(sb / sa > 0.85, `sharpe bars (unbounded) should start at 0: ${sa.toFixed(1)} vs ${sb.toFixed(1)} px`);
  },
);

test('chartsForRun picks charts by what the run holds; predictions found by their usual names', () => {
  const n = 300;
  const y = Float64Array.from({ length: n }, (_, i) => i % 2);
  const p = Float64Array.from(y, (v, i) => 0.2 + 0.5 * v + ((i * 7919) % 100) / 400);
  assert.equal(predictionArrays({ y_true: y, gbdt_prob_1: p })?.task, 'classification');
  assert.equal(
    predictionArrays({ y_true: Float64Array.of(0.1, 2.5), y_pred: Float64Array.of(0, 2) })?.task,
    'regression',
  );
  assert.equal(predictionArrays({ x: [1] }), undefined);
  const stacking = chartsForRun({
    id: 's',
    kind: 'stacking',
    metrics: {},
    predictions: { y_true: y, y_prob: p },
    metaWeights: { a_pred: 1 },
  });
  assert.deepEqual(
    stacking.map((c) => c.id),
    ['stack-meta-weights', 'evaluate-roc', 'evaluate-calibration'],
  );
  const cv = chartsForRun({
    id: 'c',
    kind: 'cv',
    metrics: {},
    cvResults: { folds: [{ model: 'm', horizon: 5, fold: 0, scores: { auc: 0.5 } }] },
  });
  assert.deepEqual(
    cv.map((c) => c.id),
    ['cv-fold-scores'],
  );
  const bt = chartsForRun({
    id: 'b',
    kind: 'backtest',
    metrics: {},
    equity: { x: [0, 1, 2], equity: [1, 2, 1.5], temporal: false },
  });
  assert.deepEqual(
    bt.map((c) => c.id),
    ['backtest-equity'],
  );
  const cmp = compareCharts([
    { id: 'r1', kind: 'training', metrics: { auc: 0.6 }, predictions: { y_true: y, y_prob: p } },
    { id: 'r2', kind: 'training', metrics: { auc: 0.7 }, predictions: { y_true: y, y_prob: p.map((v) => 1 - v) } },
  ]);
  assert.deepEqual(
    cmp.map((c) => c.id),
    ['compare-metrics', 'compare-roc'],
  );
  assert.equal(new Set(cmp[1].data.roc.run as string[]).size, 2);
});
