/**
 * The auditor's perturbation: the past untouched, the future replaced by plausible bars, nulls kept in place; the
 * comparison rule.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pl from 'nodejs-polars';
import { generateOhlcvWithDefects } from '../../../core/demo/ohlcv';
import { int64At } from '../../../core/frame/int64';
import { labelCutoffs, movedColumns, perturbAfter } from '../../../core/audit/perturb';

const { frame: raw } = generateOhlcvWithDefects({ symbols: 2, bars: 300, seed: 5, badRows: false });
const frame = raw.withColumns(
  pl.when(pl.intRange(0, pl.len()).modulo(23).eq(4)).then(pl.lit(null)).otherwise(pl.col('volume')).alias('volume'),
);
const ts = (f: pl.DataFrame) => f.getColumn('timestamp').cast(pl.Int64);
const cut = int64At(ts(frame).sort(), Math.floor(frame.height / 2)) as number;

test(
  "rows up to the cut are untouched; after it every bar is another bar's, scaled, with OHLC relations and " +
    'nulls kept',
  () => {
    const p = perturbAfter(frame, cut, 1);
    assert.equal(p.height, frame.height);
    assert.deepEqual(p.columns, frame.columns);
    const past = (f: pl.DataFrame) =>
      f.filter(
        pl
          .col('timestamp')
          .cast(pl.Int64)
          .lt(cut + 1),
      );
    assert.ok(past(p).frameEqual(past(frame), true));
    const future = (f: pl.DataFrame) => f.filter(pl.col('timestamp').cast(pl.Int64).gt(cut));
    const a = future(frame);
    const b = future(p);
    assert.ok(
      b
        .select(pl.col('close').neq(a.getColumn('close')).sum())
        .getColumn('close')
        .get(0) >
        a.height * 0.9,
    );
    assert.deepEqual(b.getColumn('timestamp').toArray(), a.getColumn('timestamp').toArray());
    assert.deepEqual(b.getColumn('volume').isNull().toArray(), a.getColumn('volume').isNull().toArray());
    const bad = b.filter(
      pl
        .col('high')
        .lt(pl.col('open'))
        .or(pl.col('high').lt(pl.col('close')))
        .or(pl.col('low').gt(pl.col('open')))
        .or(pl.col('low').gt(pl.col('close'))),
    );
    assert.equal(bad.height, 0);
    assert.ok(!perturbAfter(frame, cut, 2).frameEqual(p, true), 'another seed, another future');
  },
);

test(
  'the comparison: equal prefixes are clean; a moved value names its column and first timestamp; labels stop h ' +
    'bars before the cut',
  () => {
    assert.deepEqual(movedColumns(frame, perturbAfter(frame, cut, 1), cut, new Map()), []);
    const leaked = frame.withColumns(pl.col('close').shift(-1).over('symbol').alias('peek'));
    const leakedP = perturbAfter(frame, cut, 1).withColumns(pl.col('close').shift(-1).over('symbol').alias('peek'));
    const moved = movedColumns(leaked, leakedP, cut, new Map());
    assert.deepEqual(
      moved.map((m) => m.column),
      ['peek'],
    );
    assert.equal(moved[0].firstMs, cut, 'the bar at the cut read the bar after it');
    // As a label of horizon 1, the same column is causal: compared only up to the bar before the cut.
    assert.deepEqual(movedColumns(leaked, leakedP, cut, new Map([['peek', labelCutoffs(frame, cut, 1)]])), []);
    const dropped = movedColumns(frame, frame.filter(pl.col('timestamp').cast(pl.Int64).neq(cut)), cut, new Map());
    assert.equal(dropped[0].column, '(rows)');
    assert.equal(dropped[0].firstMs, cut);
  },
);
