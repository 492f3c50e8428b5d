import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binColumn, binOf, computeCuts, MISSING_BIN } from '../../../core/ml/gbdt/binning';
import { lcg } from './data';

test('few distinct values get one bin each, NaN gets the missing bin', () => {
  const col = Float64Array.from([3, 1, 2, NaN, 2, 3, 1]);
  const cuts = computeCuts(col, 255);
  assert.deepEqual(Array.from(cuts), [1.5, 2.5]);
  const out = new Uint8Array(col.length);
  binColumn(col, cuts, out, 0);
  assert.deepEqual(Array.from(out), [2, 0, 1, MISSING_BIN, 1, 2, 0]);
});

test('many values: at most max_bin quantile bins of similar size, stored as uint8', () => {
  const r = lcg(3);
  const col = Float64Array.from({ length: 20000 }, () => r() ** 3);
  const cuts = computeCuts(col, 64);
  assert.ok(cuts.length <= 63 && cuts.length >= 60, `cuts ${cuts.length}`);
  const out = new Uint8Array(col.length);
  binColumn(col, cuts, out, 0);
  const counts = new Array<number>(cuts.length + 1).fill(0);
  for (const b of out) counts[b]++;
  const expected = col.length / 64;
  assert.ok(
    Math.max(...counts) < 1.5 * expected && Math.min(...counts) > 0.5 * expected,
    `counts ${Math.min(...counts)}..${Math.max(...counts)}`,
  );
  assert.ok(computeCuts(col, 255).length <= 254);
});

test('bin <= b exactly when value <= cut b (so trees trained on bins predict on raw values)', () => {
  const r = lcg(9);
  const col = Float64Array.from({ length: 5000 }, () => Math.round(r() * 1000) / 10);
  const cuts = computeCuts(col, 32);
  for (let i = 0; i < 500; i++) {
    const v = col[i];
    const bin = binOf(v, cuts);
    for (let b = 0; b < cuts.length; b++) assert.equal(bin <= b, v <= cuts[b]);
  }
  assert.equal(binOf(Infinity, cuts), cuts.length);
  assert.equal(binOf(-Infinity, cuts), 0);
});
