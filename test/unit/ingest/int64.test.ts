import { test } from 'node:test';
import assert from 'node:assert/strict';
import pl from 'nodejs-polars';
import { int64At, int64ExactAt, int64Values, scalarInt } from '../../../core/frame/int64';

const T2022 = 1647018000000; // 2022-03-11T17:00Z: Series.get(0) on Int64 gives 2045525632
const T2100 = 4102444800000; // 2100-01-01, past 2038 and 2^32 seconds
const ABOVE_31 = 2 ** 31 + 5;

test('int64At reads Int64 values above 2^31 exactly, where Series.get truncates them', () => {
  const s = pl.Series('t', [T2022, ABOVE_31, T2100, -(2 ** 40)]).cast(pl.Int64);
  assert.notEqual(s.get(0), T2022, 'the nodejs-polars behaviour this helper exists for');
  assert.deepEqual(
    [0, 1, 2, 3].map((i) => int64At(s, i)),
    [T2022, ABOVE_31, T2100, -(2 ** 40)],
  );
  assert.deepEqual(int64Values(s), [T2022, ABOVE_31, T2100, -(2 ** 40)]);
});

test('int64At reads Datetime, UInt64, UInt32 and nulls', () => {
  const d = pl.Series('d', [T2022, T2100]).cast(pl.Int64).cast(pl.Datetime('ms', 'UTC'));
  assert.deepEqual([int64At(d, 0), int64At(d, 1)], [T2022, T2100]);
  assert.equal(int64At(pl.Series('u', [3e9]).cast(pl.UInt64), 0), 3e9);
  assert.equal(int64At(pl.Series('u', [3e9]).cast(pl.UInt32), 0), 3e9);
  const n = pl.Series('n', [null, 7]).cast(pl.Int64);
  assert.equal(int64At(n, 0), null);
  assert.equal(int64At(n, 1), 7);
  assert.deepEqual(int64Values(n), [null, 7]);
});

test('above 2^53: the exact bigint is there, and a number read refuses instead of rounding', () => {
  const s = pl.Series('id', ['9007199254740993', '9007199254740992']).cast(pl.Int64);
  assert.equal(Number(s.toArray()[0]), 9007199254740992, 'toArray rounds silently');
  assert.equal(int64ExactAt(s, 0), 9007199254740993n);
  assert.throws(() => int64At(s, 1), /beyond 2\^53/, '2^53 itself is already ambiguous as a number');
  assert.throws(() => int64At(s, 0), /id: 9007199254740993 is beyond 2\^53/);
  assert.throws(() => int64Values(s), /id: 9007199254740993 at row 0 is beyond 2\^53/);
  assert.equal(int64At(pl.Series('x', [2 ** 53 - 1]).cast(pl.Int64), 0), 2 ** 53 - 1);
});

test('scalarInt reads one-row aggregates: a max timestamp, a count, an empty frame', () => {
  const df = pl.DataFrame({ t: pl.Series('t', [T2022, T2100]).cast(pl.Int64) });
  assert.equal(scalarInt(df.select(pl.col('t').max()), 't'), T2100);
  assert.equal(scalarInt(df.select(pl.len().alias('n')), 'n'), 2);
  assert.equal(scalarInt(df.filter(pl.col('t').lt(0)).select(pl.col('t').max()), 't', -1), -1);
  assert.equal(scalarInt(df.head(0), 't', 0), 0);
});
