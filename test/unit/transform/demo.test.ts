import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { generateOhlcvWithDefects, generateOhlcv, writeDemoCsv, demoSymbols } from '../../../core/demo/ohlcv';
import { Xoshiro128 } from '../../../core/demo/prng';
import { tempDir } from './helpers';

const OPTS = { symbols: 3, bars: 3000, seed: 11, badRows: true } as const;

test('same seed gives a byte-identical CSV; another seed gives different data', () => {
  const dir = tempDir();
  writeDemoCsv(join(dir, 'a.csv'), OPTS);
  writeDemoCsv(join(dir, 'b.csv'), OPTS);
  writeDemoCsv(join(dir, 'c.csv'), { ...OPTS, seed: 12 });
  const a = readFileSync(join(dir, 'a.csv'));
  assert.ok(a.equals(readFileSync(join(dir, 'b.csv'))));
  assert.ok(!a.equals(readFileSync(join(dir, 'c.csv'))));
  const lines = a.toString().split('\n');
  assert.equal(lines[0], 'timestamp,symbol,open,high,low,close,volume');
  assert.match(lines[1], /^2024-01-01T00:00:00Z,BTCUSDT,\d+(\.\d+)?,/);
});

test('planted bad rows are exactly where the report says, and nowhere else', () => {
  const { frame, defects } = generateOhlcvWithDefects(OPTS);
  const rows = frame.withRowIndex('row', 1);
  const rowsOf = (kind: string) => defects.filter((d) => d.kind === kind).map((d) => d.row);
  const hl = rows
    .filter(pl.col('high').lt(pl.col('low')))
    .getColumn('row')
    .toArray()
    .map(Number);
  assert.deepEqual(hl, rowsOf('high_below_low'));
  assert.equal(hl.length, 3);
  const nv = rows.filter(pl.col('volume').lt(0)).getColumn('row').toArray().map(Number);
  assert.deepEqual(nv, rowsOf('negative_volume'));
  assert.equal(nv.length, 1);
  const dup = rows
    .filter(pl.col('timestamp').isDuplicated().over('symbol'))
    .groupBy(['symbol', 'timestamp'])
    .agg(pl.col('row').max().alias('row'))
    .sort('row');
  assert.deepEqual(dup.getColumn('row').toArray().map(Number), rowsOf('duplicate_timestamp'));
  assert.equal(dup.height, 2);
  // the other rows keep low <= open, close <= high and volume >= 0
  const bad = new Set([...hl, ...nv]);
  const ok = rows.filter(
    pl
      .col('row')
      .isIn([...bad])
      .not(),
  );
  const violations = ok.filter(
    pl
      .col('low')
      .gt(pl.col('open'))
      .or(pl.col('low').gt(pl.col('close')))
      .or(pl.col('high').lt(pl.col('open')))
      .or(pl.col('high').lt(pl.col('close')))
      .or(pl.col('volume').lt(0)),
  );
  assert.equal(violations.height, 0);
  // without badRows the data is clean
  const clean = generateOhlcv({ ...OPTS, badRows: false });
  assert.equal(clean.filter(pl.col('high').lt(pl.col('low')).or(pl.col('volume').lt(0))).height, 0);
});

test('a few gaps (missing bars) per symbol, reported with the row after them', () => {
  const { frame, defects } = generateOhlcvWithDefects(OPTS);
  const gaps = defects.filter((d) => d.kind === 'gap');
  assert.ok(gaps.length >= 3 && gaps.length <= 9, `${gaps.length} gaps`);
  const steps = frame
    .withRowIndex('row', 1)
    .withColumns(
      pl.col('timestamp').cast(pl.Int64).sub(pl.col('timestamp').cast(pl.Int64).shift(1)).over('symbol').alias('step'),
    )
    .filter(pl.col('step').gt(3_600_000));
  assert.deepEqual(
    steps.getColumn('row').toArray().map(Number),
    gaps.map((g) => g.row),
  );
  assert.deepEqual(
    steps
      .getColumn('step')
      .toArray()
      .map((s) => Number(s) / 3_600_000 - 1),
    gaps.map((g) => g.bars),
  );
});

test('realistic: correlated symbols, volatility clustering, prices on a tick, one row per bar and symbol', () => {
  const frame = generateOhlcv({ symbols: 3, bars: 4000, seed: 3 });
  assert.deepEqual(frame.getColumn('symbol').unique().sort().toArray(), demoSymbols(3).sort());
  const rets = frame.withColumns(pl.col('close').log().sub(pl.col('close').log().shift(1)).over('symbol').alias('r'));
  const wide = rets
    .filter(pl.col('symbol').eq(pl.lit('BTCUSDT')))
    .select('timestamp', pl.col('r').alias('btc'))
    .join(rets.filter(pl.col('symbol').eq(pl.lit('ETHUSDT'))).select('timestamp', pl.col('r').alias('eth')), {
      on: 'timestamp',
    })
    .dropNulls();
  const corr = Number(wide.select(pl.pearsonCorr('btc', 'eth').alias('c')).getColumn('c').get(0));
  assert.ok(corr > 0.1 && corr < 0.95, `BTC/ETH return correlation ${corr}`);
  const sq = rets
    .filter(pl.col('symbol').eq(pl.lit('BTCUSDT')))
    .select(pl.col('r').pow(2).alias('s'))
    .dropNulls();
  const ac = Number(
    sq
      .select(pl.pearsonCorr(pl.col('s'), pl.col('s').shift(1)).alias('a'))
      .getColumn('a')
      .get(0),
  );
  assert.ok(ac > 0.05, `autocorrelation of squared returns ${ac} (volatility clustering)`);
  const btc = frame
    .filter(pl.col('symbol').eq(pl.lit('BTCUSDT')))
    .getColumn('close')
    .toArray() as number[];
  assert.ok(
    btc.every((p) => Math.abs(p * 100 - Math.round(p * 100)) < 1e-6),
    'BTC prices are on a 0.01 tick',
  );
});

test('the PRNG is deterministic and roughly uniform / normal', () => {
  const a = new Xoshiro128(5);
  const b = new Xoshiro128(5);
  const xs = Array.from({ length: 20000 }, () => a.normal());
  assert.deepEqual(
    xs.slice(0, 5),
    Array.from({ length: 5 }, () => b.normal()),
  );
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
  assert.ok(Math.abs(mean) < 0.03 && Math.abs(sd - 1) < 0.03, `mean ${mean} sd ${sd}`);
});
