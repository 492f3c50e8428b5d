import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { buildFeatures, featuresPhase, normalizeFeaturesConfig } from '../../../core/phases/features';
import { featureSetId } from '../../../core/frame/featureSet';
import { featureCorrelations } from '../../../core/frame/featureSetCharts';
import { UserError } from '../../../core/errors';
import { approxEqual, column, context, dataset, input, priceFrame, tempDir, timestamps, T0, HOUR } from './helpers';

const ref = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'pandas_reference.json'), 'utf8')) as {
  symbol: string[];
  x: number[];
  rolling: Record<string, (number | null)[]>;
};

function refFrame(): pl.DataFrame {
  const n = ref.x.length / 2;
  const ts = ref.symbol.map((_, i) => T0 + (i % n) * HOUR);
  return pl.DataFrame([timestamps(ts), pl.Series('symbol', ref.symbol), pl.Series('x', ref.x)]);
}

test('rolling mean/std/min/max/zscore per symbol equal pandas (std with ddof=1)', () => {
  const out = buildFeatures(refFrame(), {
    rolling: { column: 'x', windows: [3, 10], stats: ['mean', 'std', 'min', 'max', 'zscore'] },
  });
  // 9 warm-up rows per symbol for the 10-row window
  assert.equal(out.droppedWarmup, 18);
  assert.equal(out.frame.height, ref.x.length - 18);
  const kept = ref.symbol.map((_, i) => i % (ref.x.length / 2) >= 9);
  for (const [key, expected] of Object.entries(ref.rolling)) {
    const [stat, w] = key.split('_');
    const got = column(out.frame, `x_roll_${stat}_${w}`);
    const want = expected.filter((_, i) => kept[i]);
    assert.equal(got.length, want.length);
    got.forEach((g, i) => assert.ok(approxEqual(g, want[i], 1e-9), `${key} row ${i}: ${g} vs pandas ${want[i]}`));
  }
});

test("one symbol's rows never enter another symbol's lags or windows", () => {
  const frame = priceFrame(['A', 'B'], 30);
  const both = buildFeatures(frame, {
    returns: 'close',
    lags: [1, 2],
    rolling: { windows: [5], stats: ['mean', 'max'] },
  });
  const alone = buildFeatures(frame.filter(pl.col('symbol').eq(pl.lit('B'))), {
    returns: 'close',
    lags: [1, 2],
    rolling: { windows: [5], stats: ['mean', 'max'] },
  });
  const bRows = both.frame.filter(pl.col('symbol').eq(pl.lit('B')));
  for (const f of alone.added) assert.deepEqual(column(bRows, f), column(alone.frame, f), f);
  // B's first 5 rows are warm-up (return needs 1 row, 5-row window of returns needs 5)
  assert.equal(both.droppedWarmup, 10);
});

test('returns and lags have the right values and names', () => {
  const frame = pl.DataFrame([
    timestamps([T0, T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR]),
    pl.Series('symbol', ['S', 'S', 'S', 'S']),
    pl.Series('close', [100, 110, 99, 99]),
  ]);
  const out = buildFeatures(frame, { returns: 'close', return_type: 'simple', lags: [1] });
  assert.deepEqual(out.added, ['ret', 'ret_lag_1']);
  assert.equal(out.droppedWarmup, 2);
  assert.ok(approxEqual(column(out.frame, 'ret')[0], -0.1));
  assert.ok(approxEqual(column(out.frame, 'ret_lag_1')[0], 0.1));
  assert.ok(approxEqual(column(out.frame, 'ret')[1], 0));
});

test('user expressions: arithmetic, functions, method calls, per-symbol shifts', () => {
  const frame = priceFrame(['A', 'B'], 12);
  const out = buildFeatures(frame, {
    expressions: {
      hl: '(close - shift(close, 2)) / close',
      lr: 'log(close / close.shift(1))',
      m: 'rolling_mean(abs(close), 3) * -1 + 2',
    },
  });
  const a = frame.filter(pl.col('symbol').eq(pl.lit('A')));
  const c = column(a, 'close') as number[];
  const outA = out.frame.filter(pl.col('symbol').eq(pl.lit('A')));
  assert.equal(outA.height, 10); // first 2 rows of each symbol are warm-up
  assert.ok(approxEqual(column(outA, 'hl')[0], (c[2] - c[0]) / c[2]));
  assert.ok(approxEqual(column(outA, 'lr')[0], Math.log(c[2] / c[1])));
  assert.ok(approxEqual(column(outA, 'm')[0], -(c[0] + c[1] + c[2]) / 3 + 2));
});

test('expressions are parsed, never evaluated: bad input is a UserError with key and position', () => {
  const frame = priceFrame(['A'], 10);
  const bad = (src: string, re: RegExp) =>
    assert.throws(
      () => buildFeatures(frame, { expressions: { f: src } }, [], 'features'),
      (e: unknown) => e instanceof UserError && e.location.key === 'expressions.f' && re.test(e.message),
    );
  bad('process.exit(1)', /unknown function 'exit'|expected/);
  bad('close +', /expected a number/);
  bad('shift(close, -1)', /features may only look back/);
  bad('clsoe * 2', /no column 'clsoe' \(did you mean 'close'\?\)/);
  bad('rolling_mean(close, 40000)', /larger than 32767/);
});

test('a feature built from a label column is refused', () => {
  const frame = priceFrame(['A'], 10).withColumn(pl.col('close').alias('fwd_ret_h5'));
  assert.throws(() => buildFeatures(frame, { lags: [1], lag_columns: ['fwd_ret_h5'] }, ['fwd_ret_h5']), /label column/);
});

test('windows above the polars cap of 32767 rows are a UserError naming the key', () => {
  assert.throws(
    () =>
      buildFeatures(
        priceFrame(['A'], 5),
        { rolling: { column: 'close', windows: [32768], stats: ['mean'] } },
        [],
        'features',
      ),
    (e: unknown) => e instanceof UserError && e.location.key === 'rolling' && /32767/.test(e.message),
  );
});

test('nulls after the warm-up are dropped and reported separately', () => {
  const frame = priceFrame(['A'], 10).withColumn(
    pl
      .when(pl.col('close').gt(0).and(pl.intRange(0, pl.len()).eq(6)))
      .then(pl.lit(null))
      .otherwise(pl.col('close'))
      .alias('close'),
  );
  const out = buildFeatures(frame, { returns: 'close' });
  assert.equal(out.droppedWarmup, 1);
  assert.equal(out.droppedNull, 2); // the null close and the return right after it
  assert.equal(out.frame.height, 7);
});

test('the phase sets features and feature set id and writes feature_list_{id}.json', async () => {
  const dir = tempDir();
  const res = await featuresPhase.run(
    { returns: 'close', lags: [1, 2, 3], rolling: { windows: [4], stats: ['mean', 'std'] } },
    input(dataset(priceFrame(['A', 'B'], 40))),
    context(dir, { name: 'features', kind: 'features', index: 1 }),
  );
  const ds = res.dataset!;
  assert.deepEqual(ds.features, ['ret', 'ret_lag_1', 'ret_lag_2', 'ret_lag_3', 'ret_roll_mean_4', 'ret_roll_std_4']);
  assert.match(ds.featureSetId!, /^[0-9a-f]{12}$/);
  const file = join(dir, 'artifacts', `feature_list_${ds.featureSetId}.json`);
  assert.ok(existsSync(file));
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  assert.deepEqual(saved.features, ds.features);
  assert.equal(saved.config.return_type, 'log');
  assert.equal(res.summary.dropped_warmup_rows, 8);
  assert.deepEqual(
    res.charts.map((c) => c.id),
    ['feature-distributions', 'feature-correlation'],
  );
  const corr = res.charts[1].data.correlation;
  assert.equal(corr.height, 36);
  // same features + config => same id (config spelled differently); a different config => a different id
  assert.equal(
    featureSetId(
      ds.features,
      normalizeFeaturesConfig({
        rolling: { stats: ['mean', 'std'], windows: [4] },
        lags: [1, 2, 3],
        returns: 'close',
        return_type: 'log',
      }),
    ),
    ds.featureSetId,
  );
  assert.notEqual(
    featureSetId(
      ds.features,
      normalizeFeaturesConfig({
        returns: 'close',
        return_type: 'simple',
        lags: [1, 2, 3],
        rolling: { windows: [4], stats: ['mean', 'std'] },
      }),
    ),
    ds.featureSetId,
  );
});

test('feature set id ignores feature order but not the config', () => {
  assert.equal(featureSetId(['b', 'a'], { x: 1, y: [2] }), featureSetId(['a', 'b'], { y: [2], x: 1 }));
  assert.notEqual(featureSetId(['a', 'b'], { x: 1 }), featureSetId(['a', 'b'], { x: 2 }));
});

test('the correlation chart data holds Pearson r of each pair', () => {
  const x = [1, 2, 3, 4, 5, 6, 7, 8];
  const frame = pl.DataFrame({
    a: x,
    b: x.map((v) => 3 * v + 1),
    c: x.map((v) => -v * v),
    d: [1, -1, 1, -1, 1, -1, 1, null],
  });
  const corr = featureCorrelations(frame, ['a', 'b', 'c']);
  const r = (p: string, q: string) =>
    corr
      .filter(
        pl
          .col('a')
          .eq(pl.lit(p))
          .and(pl.col('b').eq(pl.lit(q))),
      )
      .getColumn('r')
      .get(0) as number;
  assert.ok(approxEqual(r('a', 'b'), 1));
  const mx = x.reduce((s, v) => s + v, 0) / 8;
  const cy = x.map((v) => -v * v);
  const my = cy.reduce((s, v) => s + v, 0) / 8;
  const num = x.reduce((s, v, i) => s + (v - mx) * (cy[i] - my), 0);
  const den = Math.sqrt(x.reduce((s, v) => s + (v - mx) ** 2, 0) * cy.reduce((s, v) => s + (v - my) ** 2, 0));
  assert.ok(approxEqual(r('c', 'a'), num / den));
  // rows with a missing value in any charted feature are left out
  const withNull = featureCorrelations(frame, ['a', 'd']);
  assert.ok(
    approxEqual(
      withNull
        .filter(
          pl
            .col('a')
            .eq(pl.lit('a'))
            .and(pl.col('b').eq(pl.lit('d'))),
        )
        .getColumn('r')
        .get(0) as number,
      correlationAD(),
    ),
  );
});

function correlationAD(): number {
  const a = [1, 2, 3, 4, 5, 6, 7];
  const d = [1, -1, 1, -1, 1, -1, 1];
  const ma = a.reduce((s, v) => s + v, 0) / 7;
  const md = d.reduce((s, v) => s + v, 0) / 7;
  const num = a.reduce((s, v, i) => s + (v - ma) * (d[i] - md), 0);
  return num / Math.sqrt(a.reduce((s, v) => s + (v - ma) ** 2, 0) * d.reduce((s, v) => s + (v - md) ** 2, 0));
}
