import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accumulateGram, designMeans, solveSpd, type RowFiller } from '../../../core/ml/linalg';
import { mulberry32, permutation, sampleWithoutReplacement, shuffle } from '../../../core/ml/rng';

test(
  'centred Gram and cross-products equal a direct ' +
    'computation for odd and even widths and a partial last ' +
    'block',
  () => {
    const r = mulberry32(1);
    for (const width of [1, 2, 3, 4, 7]) {
      const rows = 601;
      const data = Float64Array.from({ length: rows * width }, () => r() * 10 - 3);
      const y = Float64Array.from({ length: rows }, () => r());
      const fill: RowFiller = (s, e, out) => out.set(data.subarray(s * width, e * width));
      const means = designMeans(rows, width, fill);
      const ym = y.reduce((a, v) => a + v, 0) / rows;
      const { gram, cross } = accumulateGram(rows, width, fill, means, [y], [ym]);
      for (let j = 0; j < width; j++) {
        let c = 0;
        for (let i = 0; i < rows; i++) c += (data[i * width + j] - means[j]) * (y[i] - ym);
        assert.ok(Math.abs(cross[0][j] - c) < 1e-9, `cross ${width}/${j}`);
        for (let k = 0; k < width; k++) {
          let g = 0;
          for (let i = 0; i < rows; i++) g += (data[i * width + j] - means[j]) * (data[i * width + k] - means[k]);
          assert.ok(
            Math.abs(gram[j * width + k] - g) < 1e-8,
            `gram width ${width} [${j},${k}] ${gram[j * width + k]} vs ${g}`,
          );
        }
      }
    }
  },
);

test('solveSpd solves a well-posed system and reports the first dependent row of a singular one', () => {
  const A = Float64Array.from([4, 2, 0, 2, 5, 1, 0, 1, 3]);
  const b = Float64Array.from([2, 1, 4]);
  const res = solveSpd(A, 3, [b]);
  assert.ok(res.ok);
  const x = res.x[0];
  for (let i = 0; i < 3; i++)
    assert.ok(Math.abs(A[i * 3] * x[0] + A[i * 3 + 1] * x[1] + A[i * 3 + 2] * x[2] - b[i]) < 1e-12);
  // Row 2 = row 0 + row 1 scaled by 1e6 (units do not hide the dependency).
  const S = Float64Array.from([1, 1, 1e6 * 2, 1, 2, 1e6 * 3, 1e6 * 2, 1e6 * 3, 1e12 * 5]);
  const bad = solveSpd(S, 3, [new Float64Array(3)]);
  assert.deepEqual(bad, { ok: false, index: 2 });
});

test('the seeded generator is reproducible; shuffles and samples are permutations and distinct', () => {
  const a = mulberry32(123);
  const b = mulberry32(123);
  for (let i = 0; i < 5; i++) assert.equal(a(), b());
  const p = permutation(50, mulberry32(4));
  assert.deepEqual(
    [...p].sort((x, y) => x - y),
    Array.from({ length: 50 }, (_, i) => i),
  );
  assert.notDeepEqual(
    [...p],
    Array.from({ length: 50 }, (_, i) => i),
  );
  for (const [n, k] of [
    [1000, 10],
    [20, 15],
    [5, 5],
  ]) {
    const s = sampleWithoutReplacement(n, k, mulberry32(9));
    assert.equal(new Set(s).size, k);
    assert.ok(
      [...s].every((v, i) => v < n && (i === 0 || v > s[i - 1])),
      'sorted, in range',
    );
  }
  assert.deepEqual(shuffle([1, 2, 3, 4], mulberry32(7)), shuffle([1, 2, 3, 4], mulberry32(7)));
});
