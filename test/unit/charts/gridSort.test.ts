import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LargeUtf8, makeVector, Table, tableFromIPC, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { argsortFloat, argsortText, argsortVector } from '../../../webview/grid/sort';
import { columnStats } from '../../../webview/grid/stats';
import { numericColumn, textColumn } from '../../../webview/chart/arrowData';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

test(
  'float argsort (radix on the IEEE bits) equals a comparator sort: negatives, zeros, infinities, NaN last, ' +
    'stable',
  () => {
    const rnd = seeded(1);
    const keys = Float64Array.from({ length: 20_000 }, (_, i) =>
      i % 97 === 0
        ? NaN
        : i % 89 === 0
          ? -Infinity
          : i % 83 === 0
            ? Infinity
            : i % 7 === 0
              ? 0
              : Math.round((rnd() - 0.5) * 1e4) / 7,
    );
    keys[5] = -0;
    const expected = (dir: 1 | -1) =>
      [...keys.keys()].sort((a, b) => {
        const x = keys[a];
        const y = keys[b];
        if (Number.isNaN(x) || Number.isNaN(y)) return Number(Number.isNaN(x)) - Number(Number.isNaN(y)) || a - b;
        return (x === y ? 0 : x < y ? -dir : dir) || a - b;
      });
    const asc = [...argsortFloat(keys, 'asc')];
    const desc = [...argsortFloat(keys, 'desc')];
    // -0 sorts just below +0 by bits; compare values (and NaN positions), not indices, around zero.
    assert.deepEqual(
      asc.map((i) => keys[i] || 0),
      expected(1).map((i) => keys[i] || 0),
    );
    assert.deepEqual(
      desc.map((i) => keys[i] || 0),
      expected(-1).map((i) => keys[i] || 0),
    );
    const nonZeroAsc = asc.filter((i) => keys[i] !== 0);
    assert.deepEqual(
      nonZeroAsc,
      expected(1).filter((i) => keys[i] !== 0),
      'stable for equal keys',
    );
  },
);

test('text argsort: code-unit order, both directions stable, nulls last', () => {
  const v = ['b', null, 'a', 'B', 'b', 'é', 'a'];
  assert.deepEqual([...argsortText(v, 'asc')], [3, 2, 6, 0, 4, 5, 1]);
  assert.deepEqual([...argsortText(v, 'desc')], [5, 0, 4, 2, 6, 3, 1]);
});

test(
  'text columns decode the same through the fast path ' +
    '(ASCII chunks, multi-byte chunks, nulls, several ' +
    'batches)',
  () => {
    const a = ['x', null, 'hello', '', 'zz'];
    const b = ['naïve', null, '日本', 'ok'];
    const t1 = new Table({ s: vectorFromArray(a, new LargeUtf8()) });
    const t2 = new Table({ s: vectorFromArray(b, new LargeUtf8()) });
    const both = tableFromIPC(tableToIPC(t1.concat(t2), 'stream'));
    assert.deepEqual(textColumn(both.getChild('s')!), [...a, ...b]);
    const small = makeVector(vectorFromArray(['q', null, 'r'], new Utf8()).data[0]);
    assert.deepEqual(textColumn(small), ['q', null, 'r']);
    assert.deepEqual(
      [...argsortVector(both.getChild('s')!, 'asc')],
      [3, 2, 5, 8, 0, 4, 7, 1, 6],
      "'' hello naïve ok x zz 日本, then the nulls",
    );
  },
);

test('column stats: numeric (Welford mean/std, median, NaN and nulls counted apart), text top values', () => {
  const t = tableFromIPC(
    tableToIPC(
      new Table({
        x: vectorFromArray([1, 2, null, 4, NaN]),
        s: vectorFromArray(['a', 'b', 'a', null, 'a'], new LargeUtf8()),
      }),
      'stream',
    ),
  );
  const x = columnStats(t.getChild('x')!);
  assert.equal(x.kind, 'number');
  if (x.kind === 'number') {
    assert.deepEqual([x.count, x.nulls, x.nan, x.min, x.max, x.median], [5, 1, 1, 1, 4, 2]);
    assert.ok(Math.abs(x.mean - 7 / 3) < 1e-12);
    assert.ok(Math.abs(x.std - Math.sqrt(((1 - 7 / 3) ** 2 + (2 - 7 / 3) ** 2 + (4 - 7 / 3) ** 2) / 2)) < 1e-12);
  }
  assert.deepEqual(columnStats(t.getChild('s')!), {
    kind: 'text',
    count: 5,
    nulls: 1,
    distinct: 2,
    top: [
      ['a', 3],
      ['b', 1],
    ],
  });
  assert.ok(Number.isNaN(numericColumn(t.getChild('x')!)[2]), 'null reads as NaN');
});
