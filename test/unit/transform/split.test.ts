import { test } from 'node:test';
import assert from 'node:assert/strict';
import pl from 'nodejs-polars';
import { assignSplits, splitPhase } from '../../../core/phases/split';
import { UserError } from '../../../core/errors';
import type { LabelInfo } from '../../../core/frame/dataset';
import { column, context, dataset, input, priceFrame, tempDir, T0, HOUR } from './helpers';

const H5: LabelInfo[] = [{ column: 'fwd_ret_h5', horizon: 5, task: 'regression' }];

function times(frame: pl.DataFrame, symbol: string, split: string): number[] {
  return (
    frame
      .filter(
        pl
          .col('symbol')
          .eq(pl.lit(symbol))
          .and(pl.col('split').eq(pl.lit(split))),
      )
      .getColumn('timestamp')
      .toArray() as unknown as Date[]
  ).map((d) => d.getTime());
}

test('splits are time ordered per symbol: every train row precedes every val row precedes every test row', () => {
  const out = assignSplits(priceFrame(['A', 'B'], 200), { fractions: [0.6, 0.2, 0.2] }, H5);
  for (const s of ['A', 'B']) {
    const [tr, va, te] = ['train', 'val', 'test'].map((x) => times(out.frame, s, x));
    assert.ok(Math.max(...tr) < Math.min(...va));
    assert.ok(Math.max(...va) < Math.min(...te));
  }
});

test('splits do not overlap and the embargo gap is at least the horizon, per symbol', () => {
  const out = assignSplits(priceFrame(['A', 'B'], 200), { fractions: [0.6, 0.2, 0.2] }, H5);
  assert.equal(out.embargo, 5);
  assert.equal(out.embargoDropped, 2 * 2 * 5);
  for (const s of ['A', 'B']) {
    const [tr, va, te] = ['train', 'val', 'test'].map((x) => new Set(times(out.frame, s, x)));
    for (const t of tr) assert.ok(!va.has(t) && !te.has(t));
    for (const t of va) assert.ok(!te.has(t));
    // 5 bars are missing between the last train and first val row (and val -> test)
    assert.equal((Math.min(...va) - Math.max(...tr)) / HOUR, 6);
    assert.equal((Math.min(...te) - Math.max(...va)) / HOUR, 6);
  }
});

test('data integrity: rows are unchanged apart from the split column and the embargo drops', () => {
  const input0 = priceFrame(['A', 'B'], 100).withColumn(pl.col('close').mul(2).alias('other'));
  const out = assignSplits(input0, { fractions: [0.7, 0.15, 0.15] }, H5);
  assert.deepEqual(out.frame.columns, [...input0.columns, 'split']);
  const joined = out.frame.join(input0, { on: ['timestamp', 'symbol'], suffix: '_in' });
  assert.equal(joined.height, out.frame.height);
  assert.deepEqual(column(joined, 'close'), column(joined, 'close_in'));
  assert.deepEqual(column(joined, 'other'), column(joined, 'other_in'));
  assert.equal(out.frame.height + out.embargoDropped, input0.height);
});

test('proportions follow the fractions of each symbol (before the embargo)', () => {
  const out = assignSplits(priceFrame(['A', 'B', 'C'], 1000), { fractions: [0.7, 0.15, 0.15] }, []);
  assert.deepEqual(out.rows, { train: 2100, val: 450, test: 450 });
  const two = assignSplits(priceFrame(['A'], 100), { fractions: [0.8, 0.2] }, []);
  assert.deepEqual(two.requested, ['train', 'test']);
  assert.deepEqual(two.rows, { train: 80, val: 0, test: 20 });
});

test('an empty split is a UserError naming the split', () => {
  // 20 rows: train 16, val 2, test 2; the 5-row embargo before test swallows both val rows
  assert.throws(
    () => assignSplits(priceFrame(['A'], 20), { fractions: [0.8, 0.1, 0.1] }, H5, 'split'),
    (e: unknown) => e instanceof UserError && /split 'val' is empty/.test(e.message) && e.location.cell === 'split',
  );
  assert.throws(
    () => assignSplits(priceFrame(['A'], 48), { dates: { val: '2024-01-01T12:00', test: '2024-03-01' } }, [], 'split'),
    (e: unknown) => e instanceof UserError && /split 'test' is empty/.test(e.message),
  );
});

test('boundaries: a row stamped exactly at a date boundary belongs to the later split', () => {
  const out = assignSplits(
    priceFrame(['A'], 48),
    { dates: { val: '2024-01-01 12:00', test: '2024-01-02' }, embargo: 0 },
    [],
  );
  const first = (s: string) => Math.min(...times(out.frame, 'A', s));
  assert.equal(first('val'), T0 + 12 * HOUR);
  assert.equal(first('test'), T0 + 24 * HOUR);
  assert.equal(Math.max(...times(out.frame, 'A', 'train')), T0 + 11 * HOUR);
  assert.deepEqual(out.rows, { train: 12, val: 12, test: 24 });
  const twoWay = assignSplits(priceFrame(['A'], 48), { dates: { test: '2024-01-02T00:00:00+00:00' }, embargo: 2 }, []);
  assert.deepEqual(twoWay.requested, ['train', 'test']);
  assert.deepEqual(twoWay.rows, { train: 22, val: 0, test: 24 });
});

test('an embargo smaller than the label horizon is a UserError naming the key', () => {
  assert.throws(
    () => assignSplits(priceFrame(['A'], 100), { embargo: 3 }, H5, 'split'),
    (e: unknown) =>
      e instanceof UserError && e.location.key === 'embargo' && /smaller than the label horizon 5/.test(e.message),
  );
  assert.throws(
    () => assignSplits(priceFrame(['A'], 100), { fractions: [0.5, 0.2, 0.2] }, []),
    (e: unknown) => e instanceof UserError && e.location.key === 'fractions',
  );
});

test('the phase adds a Utf8 split column and a timeline chart with embargo segments', async () => {
  const res = await splitPhase.run({}, input(dataset(priceFrame(['A', 'B'], 100), { labels: H5 })), context(tempDir()));
  const frame = res.dataset!.frame;
  assert.equal(String(frame.getColumn('split').dtype), String(pl.String));
  assert.equal(res.summary.embargo, 5);
  const seg = res.charts[0].data.segments;
  assert.deepEqual(column(seg.filter(pl.col('symbol').eq(pl.lit('A'))), 'split'), [
    'train',
    'embargo',
    'val',
    'embargo',
    'test',
  ]);
  assert.deepEqual(column(seg.filter(pl.col('symbol').eq(pl.lit('A'))), 'rows'), [65, 5, 10, 5, 15]);
});
