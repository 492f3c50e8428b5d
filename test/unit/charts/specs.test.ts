import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  anomalyChart,
  calibrationChart,
  cvFoldScoresChart,
  equityChart,
  evaluateCharts,
  featureCorrelationChart,
  featureDistributionsChart,
  metaWeightsChart,
  nullRateChart,
  predVsTrueChart,
  rocChart,
  splitTimelineChart,
  downsampleHints,
  SCATTER_LIMIT,
} from '../../../core/charts';
import { renderChart } from './vegaRender';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

test('validate: null-rate bars per column, over-limit columns coloured; anomalies stacked per column', async () => {
  const c = nullRateChart([
    { column: 'close', nulls: 0, null_rate: 0, max_null_rate: 0.01 },
    { column: 'volume', nulls: 50, null_rate: 0.05, max_null_rate: 0.01 },
    { column: 'note', nulls: 2, null_rate: 0.002, max_null_rate: null },
  ]);
  const r = await renderChart(c);
  assert.equal(r.marks.rect, 3);
  assert.deepEqual(r.warnings, []);
  const a = await renderChart(
    anomalyChart([
      { column: 'high', check: 'ohlc', count: 3 },
      { column: 'high', check: 'ranges', count: 1 },
      { column: 'ts', check: 'order', count: 2 },
    ]),
  );
  assert.equal(a.marks.rect, 3);
});

test('features: one histogram panel per feature and a k x k correlation matrix', async () => {
  const h = featureDistributionsChart(
    { feature: ['a', 'a', 'b'], bin_start: [0, 1, 5], bin_end: [1, 2, 6], count: [3, 4, 7] },
    2,
    30,
  );
  assert.match(h.title, /first 2 of 30/);
  assert.equal((await renderChart(h)).marks.rect, 3);
  const corr = featureCorrelationChart({ a: ['x', 'x', 'y', 'y'], b: ['x', 'y', 'x', 'y'], r: [1, 0.3, 0.3, 1] }, [
    'x',
    'y',
  ]);
  assert.equal((await renderChart(corr)).marks.rect, 4);
});

test('split: a bar per symbol and segment on a time axis', async () => {
  const t = Date.UTC(2024, 0, 1);
  const day = 86_400_000;
  const c = splitTimelineChart({
    symbol: ['A', 'A', 'A', 'B'],
    split: ['train', 'embargo', 'test', 'train'],
    start: [t, t + 10 * day, t + 11 * day, t],
    end: [t + 10 * day, t + 11 * day, t + 20 * day, t + 15 * day],
    rows: [240, 24, 216, 360],
  });
  const r = await renderChart(c);
  assert.equal(r.marks.rect, 4);
  assert.match(r.svg, /Jan/);
});

test('cv: fold points and a mean tick per model, faceted by horizon; lower-is-better metrics say so', async () => {
  const folds = ['ridge', 'gbdt'].flatMap((model) =>
    [5, 20].flatMap((horizon) =>
      [0, 1, 2].map((fold) => ({
        model,
        horizon,
        fold,
        scores: { rmse: 1 + fold / 10 + (model === 'gbdt' ? 0.5 : 0) },
      })),
    ),
  );
  const c = cvFoldScoresChart(folds, undefined, undefined)!;
  assert.match(c.title, /rmse/);
  const r = await renderChart(c);
  assert.equal(r.marks.symbol, 12);
  assert.equal(r.marks.rect, 4, 'ticks are rects: one mean per model and horizon');
  assert.match(r.svg, /lower is better/);
  assert.equal(cvFoldScoresChart(folds, 'roc_auc'), undefined);
});

test('stack: meta-learner weights sorted by magnitude, negative ones marked', async () => {
  const c = metaWeightsChart({ ridge_pred: 0.2, gbdt_pred: -0.9, svr_pred: 0.5 })!;
  assert.deepEqual(c.data.weights.input, ['gbdt_pred', 'svr_pred', 'ridge_pred']);
  assert.deepEqual(c.data.weights.sign, ['negative', 'positive', 'positive']);
  assert.equal((await renderChart(c)).marks.rect, 3);
});

test(
  'evaluate (regression): scatter when small, binned ' + 'heatmap when large — never one row per prediction',
  async () => {
    const rnd = seeded(3);
    const small = 500;
    const yt = Float64Array.from({ length: small }, () => rnd());
    const yp = Float64Array.from(yt, (v) => v + (rnd() - 0.5) * 0.1);
    const charts = evaluateCharts({ task: 'regression', yTrue: yt, yPred: yp });
    assert.deepEqual(
      charts.map((c) => c.id),
      ['evaluate-pred-vs-true', 'evaluate-residual-histogram', 'evaluate-residuals-vs-predicted'],
    );
    const scatter = await renderChart(charts[0]);
    assert.equal(scatter.marks.symbol, small);
    assert.equal(scatter.series.line, 1, 'identity line');
    assert.equal((await renderChart(charts[1])).marks.rect, 40);

    const big = 30_000;
    assert.ok(big > SCATTER_LIMIT);
    const bt = Float64Array.from({ length: big }, () => rnd());
    const bp = Float64Array.from(bt, (v) => v + (rnd() - 0.5) * 0.2);
    const heat = predVsTrueChart(bt, bp)!;
    assert.match(heat.title, /binned/);
    const rows = heat.data.pred_true.count.length;
    assert.ok(rows <= 60 * 60 && rows > 100, `${rows} cells`);
    const total = [...(heat.data.pred_true.count as Float64Array)].reduce((s, v) => s + v, 0);
    assert.equal(total, big);
    assert.equal((await renderChart(heat)).marks.rect, rows);
  },
);

test('evaluate (classification): ROC with AUC in the title and a calibration curve', async () => {
  const rnd = seeded(9);
  const y = Float64Array.from({ length: 4000 }, () => (rnd() < 0.4 ? 1 : 0));
  const p = Float64Array.from(y, (v) => Math.min(1, Math.max(0, 0.3 * v + rnd() * 0.7)));
  const charts = evaluateCharts({ task: 'classification', yTrue: y, prob: p });
  assert.deepEqual(
    charts.map((c) => c.id),
    ['evaluate-roc', 'evaluate-calibration'],
  );
  assert.match(charts[0].title, /^ROC \(AUC 0\.\d{3}\)$/);
  const roc = await renderChart(rocChart(y, p)!);
  assert.equal(roc.series.line, 2, 'curve and chance diagonal');
  assert.ok(roc.marks.line <= 402, 'the curve is thinned');
  const cal = await renderChart(calibrationChart(y, p)!);
  assert.equal(cal.marks.symbol, 10);
});

test('backtest: equity thinned with LTTB, drawdown below, hints for the renderer', async () => {
  const n = 30_000;
  const x = Float64Array.from({ length: n }, (_, i) => Date.UTC(2020, 0, 1) + i * 3_600_000);
  let e = 100;
  const eq = Float64Array.from({ length: n }, (_, i) => (e *= 1 + Math.sin(i / 300) * 0.001));
  eq[15_000] = 10; // a crash the drawdown must show
  const c = equityChart({ x, equity: eq }, undefined, 1000)!;
  assert.equal(c.data.equity.x.length, 1000);
  assert.ok(
    (c.data.drawdown.drawdown as Float64Array).includes(10 / Math.max(...eq.subarray(0, 15_000)) - 1),
    'deepest drawdown kept',
  );
  assert.deepEqual(
    downsampleHints(c.spec).map((h) => h.data),
    ['equity', 'drawdown'],
  );
  const r = await renderChart(c);
  assert.equal(r.series.line, 2, 'equity line and the drawdown outline');
  assert.equal(r.series.area, 1);
  assert.equal(r.marks.area, 1000);
});
