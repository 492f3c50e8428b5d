import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lttbByGroup, lttbIndices, takeRows } from '../../../core/charts/lttb';

test('LTTB keeps the point with the largest triangle (hand-computed example)', () => {
  // One bucket between the ends: triangle areas with (0,0) and the next-bucket mean (4,0) are 4*y.
  assert.deepEqual([...lttbIndices([0, 1, 2, 3, 4], [0, 1, 0, 5, 0], 3)], [0, 3, 4]);
});

test('LTTB of a 1M-point series keeps the ends, the threshold count and a single spike', () => {
  const n = 1_000_000;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = i;
    y[i] = Math.sin(i / 5000);
  }
  y[612_345] = 40;
  y[700_001] = -40;
  const t0 = performance.now();
  const idx = lttbIndices(x, y, 2000);
  const ms = performance.now() - t0;
  assert.equal(idx.length, 2000);
  assert.equal(idx[0], 0);
  assert.equal(idx[idx.length - 1], n - 1);
  assert.ok(idx.includes(612_345), 'the spike survives');
  assert.ok(idx.includes(700_001), 'the dip survives');
  for (let i = 1; i < idx.length; i++) assert.ok(idx[i] > idx[i - 1], 'indices ascend');
  assert.ok(ms < 500, `took ${ms.toFixed(0)} ms`);
});

test('LTTB skips non-finite points and returns short series whole', () => {
  assert.deepEqual([...lttbIndices([0, 1, 2, 3], [1, NaN, 2, Infinity], 10)], [0, 2]);
  assert.deepEqual([...lttbIndices([0, 1, 2], [5, 6, 7], 2)], [0, 2]);
});

test("LTTB per group thins each group separately and keeps each group's ends", () => {
  const g: string[] = [];
  const x: number[] = [];
  const y: number[] = [];
  for (const s of ['A', 'B'])
    for (let i = 0; i < 1000; i++) {
      g.push(s);
      x.push(i);
      y.push(s === 'A' ? i : -i);
    }
  const idx = lttbByGroup(g, x, y, 50);
  const a = [...idx].filter((i) => g[i] === 'A');
  const b = [...idx].filter((i) => g[i] === 'B');
  assert.equal(a.length, 50);
  assert.equal(b.length, 50);
  assert.deepEqual([a[0], a[49], b[0], b[49]], [0, 999, 1000, 1999]);
  const rows = takeRows({ x: Float64Array.from(x), g }, idx);
  assert.ok(rows.x instanceof Float64Array);
  assert.equal((rows.g as string[])[60], 'B');
});
