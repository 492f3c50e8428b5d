/**
 * The phases draw with the shared builders in core/charts: the chart a cell shows is the one the
 * dashboard draws for the same data (same id, same spec, same data columns).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import {
  cvFoldScoresChart,
  evaluateCharts,
  metaWeightsChart,
  nullRateChart,
  splitTimelineChart,
} from '../../../core/charts';
import { columnsToFrame, frameToColumns } from '../../../core/charts/frames';
import type { ChartOutput, PhaseResult } from '../../../core/spec/types';
import { emptyResult } from '../../../core/spec/types';
import { runLoad } from '../../../core/phases/load';
import { runValidate } from '../../../core/phases/validate';
import { splitPhase } from '../../../core/phases/split';
import { evaluatePhase } from '../../../core/phases/evaluate';
import { cvPhase } from '../../../core/phases/cv';
import { stackPhase } from '../../../core/phases/stack';
import type { ChartSpec } from '../../../core/charts/types';
import { context, dataset, input, priceFrame, tempDir, timestamps, T0, HOUR } from '../transform/helpers';
import { renderChart } from './vegaRender';
import { queryMetrics, writeExecution } from '../../../core/orchestrate/metricsDb';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function dir(): string {
  const d = tempDir('pb-phasecharts-');
  dirs.push(d);
  return d;
}

const rowsOf = (c: ChartOutput, name: string) => c.data[name].toRecords();

/** A phase's chart output read back as the columns the webview decodes from its Arrow frames. */
const decoded = (c: ChartOutput): ChartSpec => ({
  id: c.id,
  title: c.title,
  spec: c.spec,
  data: Object.fromEntries(Object.entries(c.data).map(([k, f]) => [k, frameToColumns(f)])),
});

test('frameToColumns: numbers and datetimes as Float64 (epoch ms, null -> NaN), text and booleans as values', () => {
  const f = pl.DataFrame([
    timestamps([T0, T0 + HOUR]),
    pl.Series('n', [3, null], pl.UInt32),
    pl.Series('s', ['a', null]),
    pl.Series('b', [true, false]),
  ]);
  const cols = frameToColumns(f);
  assert.deepEqual([...(cols.timestamp as Float64Array)], [T0, T0 + HOUR]);
  assert.deepEqual(
    [...(cols.n as Float64Array)].map((v) => (Number.isNaN(v) ? 'NaN' : v)),
    [3, 'NaN'],
  );
  assert.deepEqual(cols.s, ['a', null]);
  assert.deepEqual(cols.b, [true, false]);
  assert.deepEqual(columnsToFrame(cols).getColumn('s').toArray(), ['a', null]);
});

// BTC rows; line 3 has close > high (the ohlc check names close, the column its message names first), line 6 duplicates
// line 5, and volume is null on line 7.
const PRICES = [
  'ts,symbol,open,high,low,close,volume',
  '2024-01-01T00:00:00Z,BTC,100,110,90,105,5',
  '2024-01-01T01:00:00Z,BTC,105,112,101,113,6',
  '2024-01-01T02:00:00Z,BTC,108,115,104,111,7',
  '2024-01-01T03:00:00Z,BTC,111,116,109,112,8',
  '2024-01-01T03:00:00Z,BTC,111,116,109,112,8',
  '2024-01-01T04:00:00Z,BTC,112,118,110,117,',
].join('\n');

async function validated(text: string, config: Parameters<typeof runValidate>[0]): Promise<PhaseResult> {
  const base = dir();
  writeFileSync(join(base, 'prices.csv'), text);
  const ctx = context(base, { name: 'validate', kind: 'validate', index: 1 });
  const loaded = await runLoad({ source: 'prices.csv', timestamp: 'ts' }, ctx);
  return runValidate(config, [loaded], ctx);
}

test(
  'validate: null rates from the shared builder (over-limit columns coloured) and anomalies per column and ' + 'check',
  async () => {
    const r = await validated(PRICES, { contract: 'ohlcv', policy: 'warn', max_null_rate: 0.1 });
    assert.deepEqual(
      r.charts.map((c) => c.id),
      ['null-rate', 'validate-anomalies'],
    );
    const nulls = r.charts[0];
    assert.deepEqual(nulls.spec, nullRateChart([]).spec, 'the spec the dashboard draws');
    const volume = rowsOf(nulls, 'null_rates').find((row) => row.column === 'volume')!;
    assert.equal(volume.nulls, 1);
    assert.equal(volume.over_limit, true, '1 of 6 rows is above max_null_rate 0.1');
    assert.equal(rowsOf(nulls, 'null_rates').find((row) => row.column === 'close')!.over_limit, false);
    const anomalies = rowsOf(r.charts[1], 'anomalies')
      .map((row) => `${row.check}:${row.column}:${row.count}`)
      .sort();
    assert.deepEqual(anomalies, ['duplicates:timestamp:1', 'ohlc:close:1']);
    assert.equal((await renderChart(decoded(r.charts[1]))).marks.rect, 2, 'one bar per column and check');
    assert.equal(r.warnings.length, 3, 'duplicates, ohlc and nulls warn');
  },
);

test('validate: a clean frame has no anomalies chart, and the report keeps the per-column breakdown', async () => {
  const clean = PRICES.split('\n')
    .filter((_, i) => i !== 2 && i !== 5 && i !== 6)
    .join('\n');
  const r = await validated(clean, { contract: 'ohlcv' });
  assert.deepEqual(
    r.charts.map((c) => c.id),
    [],
    'no null-rate chart of all-zero bars, no anomalies chart',
  );
  const checks = r.tables.find((t) => t.title === 'checks')!.frame;
  const rows = checks.toRecords() as { check: string; status: string; policy: string | null }[];
  assert.ok(
    rows.some((row) => row.status === 'pass'),
    JSON.stringify(rows),
  );
  for (const row of rows)
    if (row.status === 'pass') assert.equal(row.policy, null, `a passing check shows a policy: ${JSON.stringify(row)}`);
  const bad = await validated(PRICES, {
    contract: 'ohlcv',
    policy: { ohlc: 'quarantine', duplicates: 'quarantine', nulls: 'warn' },
  });
  const report = JSON.parse(readFileSync(bad.artifacts.find((a) => a.label === 'validation report')!.path, 'utf8'));
  assert.deepEqual(
    report.anomalies
      .map((a: { check: string; column: string; count: number }) => `${a.check}:${a.column}:${a.count}`)
      .sort(),
    ['duplicates:timestamp:1', 'ohlc:close:1'],
  );
});

test('split: the timeline is the shared spec; segment bounds travel as epoch ms equal to the table times', async () => {
  const r = await splitPhase.run(
    {},
    input(dataset(priceFrame(['A', 'B'], 100), { labels: [{ column: 'fwd_ret_h5', horizon: 5, task: 'regression' }] })),
    context(dir()),
  );
  const [chart] = r.charts;
  assert.equal(chart.id, 'split-timeline');
  assert.deepEqual(chart.spec, splitTimelineChart({}).spec);
  const table = r.tables[0].frame;
  const seg = chart.data.segments;
  assert.deepEqual(
    seg.getColumn('start').toArray(),
    (table.getColumn('start').toArray() as unknown as Date[]).map((d) => d.getTime()),
  );
  assert.deepEqual(seg.getColumn('split').toArray().slice(0, 5), ['train', 'embargo', 'val', 'embargo', 'test']);
  assert.equal((await renderChart(decoded(chart))).marks.rect, 10, 'five segments for each of two symbols');
});

/** Two symbols, two features, a binary direction label and its forward return; `n` rows each. */
function modelFrame(n: number): pl.DataFrame {
  const ts: number[] = [];
  const sym: string[] = [];
  const x1: number[] = [];
  const x2: number[] = [];
  const dir: number[] = [];
  const ret: number[] = [];
  for (const s of ['A', 'B']) {
    for (let i = 0; i < n; i++) {
      const a = Math.sin(0.7 * i + (s === 'A' ? 0 : 1));
      const b = Math.cos(1.3 * i);
      const y = 0.8 * a - 0.3 * b + 0.4 * Math.sin(5.1 * i * i);
      ts.push(T0 + i * HOUR);
      sym.push(s);
      x1.push(a);
      x2.push(b);
      ret.push(y);
      dir.push(y > 0 ? 1 : 0);
    }
  }
  return pl.DataFrame([
    timestamps(ts),
    pl.Series('symbol', sym),
    pl.Series('x1', x1),
    pl.Series('x2', x2),
    pl.Series('dir_h1', dir, pl.Float64),
    pl.Series('fwd_ret_h1', ret),
  ]);
}

test(
  'evaluate: regression diagnostics and, for ' + 'classifiers, ROC whose AUC in the title is the ' + 'scored roc_auc',
  async () => {
    const f = modelFrame(150).withColumns(
      pl.col('fwd_ret_h1').mul(0.7).alias('pred'),
      pl.col('x1').mul(2).add(1).div(4).clip(0, 1).alias('prob'),
    );
    const ds = dataset(f, {
      labels: [
        { column: 'fwd_ret_h1', horizon: 1, task: 'regression' },
        { column: 'dir_h1', horizon: 1, task: 'classification', classes: ['down', 'up'] },
      ],
    });
    const reg = await evaluatePhase.run(
      { prediction: 'pred', target: 'fwd_ret_h1', bootstrap: 20 },
      input(ds),
      context(dir()),
    );
    assert.deepEqual(
      reg.charts.map((c) => c.id),
      ['evaluate-pred-vs-true', 'evaluate-residual-histogram', 'evaluate-residuals-vs-predicted'],
    );
    const y = Float64Array.from(f.getColumn('fwd_ret_h1').toArray() as number[]);
    const shared = evaluateCharts({ task: 'regression', yTrue: y, yPred: Float64Array.from(y, (v) => 0.7 * v) });
    assert.deepEqual(
      reg.charts.map((c) => c.spec),
      shared.map((c) => c.spec),
    );
    assert.equal(
      rowsOf(reg.charts[1], 'residual_bins').reduce((s, row) => s + Number(row.count), 0),
      300,
      'every residual in the histogram',
    );
    const cls = await evaluatePhase.run(
      { prediction: 'prob', target: 'dir_h1', bootstrap: 20 },
      input(ds),
      context(dir()),
    );
    assert.deepEqual(
      cls.charts.map((c) => c.id),
      ['evaluate-roc', 'evaluate-calibration'],
    );
    assert.equal(cls.charts[0].title, `ROC (AUC ${cls.metrics!.roc_auc.toFixed(3)})`);
  },
);

test('cv and stack: fold scores and meta-learner weights come from the shared builders', async () => {
  const base = dir();
  const ctx = context(base, { name: 'cv', kind: 'cv', index: 1 });
  const ds = dataset(modelFrame(60), {
    features: ['x1', 'x2'],
    labels: [{ column: 'dir_h1', horizon: 1, task: 'classification', classes: ['down', 'up'] }],
  });
  const cv = await cvPhase.run({ models: ['logistic', 'ridge'], n_splits: 3 }, input(ds), ctx);
  assert.deepEqual(
    cv.charts.map((c) => c.id),
    ['cv-fold-scores'],
  );
  const folds = rowsOf(cv.charts[0], 'folds');
  assert.equal(folds.length, 6, '2 models x 3 folds');
  const metric = String(cv.summary.best).match(/ (\w+) per fold /)![1];
  const expected = cvFoldScoresChart(
    folds.map((row) => ({
      model: String(row.model),
      horizon: Number(row.h),
      fold: Number(row.fold) - 1,
      scores: { [metric]: Number(row.score) },
    })),
    metric,
  )!;
  assert.deepEqual(cv.charts[0].spec, expected.spec);
  assert.equal(cv.charts[0].title, `Fold ${metric} per model`);
  const stack = await stackPhase.run(
    { bootstrap: 20 },
    [emptyResult({ value: cv.value })],
    context(base, { name: 'stack', kind: 'stack', index: 2 }),
  );
  assert.deepEqual(
    stack.charts.map((c) => c.id),
    ['stack-meta-weights'],
  );
  const weights = rowsOf(stack.charts[0], 'weights');
  assert.ok(weights.length >= 2, 'one bar per base-model input');
  const magnitudes = weights.map((row) => Math.abs(Number(row.weight)));
  assert.deepEqual(
    magnitudes,
    [...magnitudes].sort((a, b) => b - a),
    'largest weight first',
  );
  assert.deepEqual(stack.charts[0].spec, metaWeightsChart({ a: 1 })!.spec);
});

test(
  'cv reports every model (issue 18 item 5): per horizon mean ± sd over folds and pooled for every metric, a ' +
    'per-fold table, a legend on the fold chart, per-model rows for metrics.db',
  async () => {
    const base = dir();
    const ds = dataset(modelFrame(60), {
      features: ['x1', 'x2'],
      labels: [{ column: 'dir_h1', horizon: 1, task: 'classification', classes: ['down', 'up'] }],
    });
    const cv = await cvPhase.run(
      { models: ['logistic', 'ridge'], n_splits: 3 },
      input(ds),
      context(base, { name: 'cv', kind: 'cv', index: 1 }),
    );
    const results = JSON.parse(readFileSync(join(cv.run!.dir, 'cv_results.json'), 'utf8'));
    const [models, folds] = cv.tables;
    assert.match(models!.title, /mean ± sd over folds, pooled/);
    const rows = models!.frame.toRecords() as {
      horizon: number;
      model: string;
      metric: string;
      fold_mean: number;
      fold_sd: number;
      pooled: number | null;
    }[];
    const metrics = [...new Set(rows.map((r) => r.metric))];
    assert.ok(metrics.length >= 3 && metrics.includes('roc_auc') && metrics.includes('log_loss'), metrics.join(', '));
    assert.equal(rows.length, 2 * metrics.length, 'every model, every metric');
    for (const r of rows) {
      assert.equal(r.fold_mean, results.summary[r.model]['1'][r.metric].mean, `${r.model} ${r.metric} mean`);
      assert.equal(r.fold_sd, results.summary[r.model]['1'][r.metric].std, `${r.model} ${r.metric} sd`);
      assert.equal(
        r.pooled,
        results.pooled?.[r.model]?.['1']?.[r.metric]?.value ?? null,
        `${r.model} ${r.metric} pooled`,
      );
    }
    assert.equal(folds!.frame.height, 6, '2 models x 3 folds');
    assert.deepEqual(folds!.frame.columns.slice(0, 3), ['horizon', 'model', 'fold']);
    const color = (cv.charts[0]!.spec as { spec: { layer: { encoding: { color: { legend: unknown } } }[] } }).spec
      .layer[0]!.encoding.color;
    assert.notEqual(color.legend, null, 'the fold chart has a legend of the models');
    assert.deepEqual(cv.modelMetrics!.map((m) => m.model).sort(), ['logistic', 'ridge']);
    const ridge = cv.modelMetrics!.find((m) => m.model === 'ridge')!.metrics;
    assert.equal(ridge.h1_roc_auc, results.summary.ridge['1'].roc_auc.mean);
    assert.ok('h1_roc_auc_fold_sd' in ridge && 'h1_log_loss_pooled' in ridge, Object.keys(ridge).join(', '));
    const db = join(base, 'metrics.db');
    await writeExecution(
      db,
      {
        executionId: 'e1',
        notebook: 'nb',
        started: '2026-12-02T00:00:00Z',
        finished: '2026-12-02T00:00:01Z',
        seed: 1,
        exitCode: 0,
        executor: 'in-process',
        engineVersion: 'x',
      },
      [
        {
          cell: 'cv',
          origin: 'cv',
          kind: 'cv',
          branch: {},
          status: 'ok',
          durationMs: 5,
          runId: cv.run!.id,
          metrics: cv.metrics,
          modelMetrics: cv.modelMetrics,
        },
      ],
    );
    const got = await queryMetrics(
      db,
      "SELECT model, count(*) FROM metrics WHERE metric = 'h1_roc_auc' GROUP BY model ORDER BY model",
    );
    assert.deepEqual(
      got.rows,
      [
        [null, 1],
        ['logistic', 1],
        ['ridge', 1],
      ],
      'the best (no model) and every model',
    );
  },
);
