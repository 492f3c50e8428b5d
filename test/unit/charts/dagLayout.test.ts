import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutDag, type DagLayout } from '../../../core/charts/dagLayout';

const box = (id: string, height = 40) => ({ id, width: 100, height });
const at = (l: DagLayout, id: string) => l.nodes.find((n) => n.id === id)!;

/** Pairs of edges between the same two layers whose ends are in opposite orders. */
function crossings(l: DagLayout): number {
  let n = 0;
  for (const a of l.edges)
    for (const b of l.edges) {
      if (a === b || at(l, a.from).layer !== at(l, b.from).layer || at(l, a.to).layer !== at(l, b.to).layer) continue;
      if ((a.x1 - b.x1) * (a.x2 - b.x2) < 0) n++;
    }
  return n / 2;
}

test('a node sits on the layer of its longest path from a source, below every parent', () => {
  const l = layoutDag(
    ['a', 'b', 'c', 'd'].map((id) => box(id)),
    [
      { from: 'a', to: 'b' },
      { from: 'b', to: 'c' },
      { from: 'a', to: 'c' },
      { from: 'c', to: 'd' },
    ],
  );
  assert.deepEqual(
    l.nodes.map((n) => [n.id, n.layer]),
    [
      ['a', 0],
      ['b', 1],
      ['c', 2],
      ['d', 3],
    ],
  );
  for (const e of l.edges) assert.ok(e.y1 < e.y2, `${e.from} -> ${e.to} points down`);
  assert.equal(at(l, 'b').y, at(l, 'a').y + 40 + 40, 'layers are the tallest node plus the gap apart');
});

test('nodes of a layer never overlap, taller nodes push the next layer down, the drawing is centred', () => {
  const l = layoutDag(
    [box('root'), box('x', 120), box('y'), box('z'), box('leaf')],
    [
      { from: 'root', to: 'x' },
      { from: 'root', to: 'y' },
      { from: 'root', to: 'z' },
      { from: 'y', to: 'leaf' },
    ],
    { gapX: 10, gapY: 30, margin: 5 },
  );
  const row = ['x', 'y', 'z'].map((id) => at(l, id)).sort((a, b) => a.x - b.x);
  for (let i = 1; i < row.length; i++) assert.ok(row[i].x >= row[i - 1].x + 100 + 10, 'no overlap');
  assert.equal(at(l, 'leaf').y, at(l, 'x').y + 120 + 30);
  assert.equal(l.width, 3 * 100 + 2 * 10 + 2 * 5);
  assert.equal(at(l, 'root').x + 50, l.width / 2, 'a lone node is centred on the widest layer');
  assert.equal(l.height, at(l, 'leaf').y + 40 + 5);
});

test('barycentre sweeps untangle edges the input order would cross', () => {
  // Input order puts b2's child first although b2 is drawn second: naive placement crosses twice.
  const nodes = ['a', 'b1', 'b2', 'c2', 'c1'].map((id) => box(id));
  const edges = [
    { from: 'a', to: 'b1' },
    { from: 'a', to: 'b2' },
    { from: 'b1', to: 'c1' },
    { from: 'b2', to: 'c2' },
  ];
  assert.equal(crossings(layoutDag(nodes, edges, { sweeps: 0 })), 1);
  const l = layoutDag(nodes, edges);
  assert.equal(crossings(l), 0);
  assert.ok(at(l, 'c1').x < at(l, 'c2').x);
});

test('the same input gives the same drawing; cycle members go on one layer below the rest', () => {
  const nodes = ['s', 'p', 'q', 'r'].map((id) => box(id));
  const edges = [
    { from: 's', to: 'p' },
    { from: 'p', to: 'q' },
    { from: 'q', to: 'p' },
    { from: 'q', to: 'r' },
    { from: 'ghost', to: 's' },
  ];
  const l = layoutDag(nodes, edges);
  assert.deepEqual(l, layoutDag(nodes, edges));
  assert.deepEqual(
    l.nodes.map((n) => [n.id, n.layer]),
    [
      ['s', 0],
      ['p', 1],
      ['q', 1],
      ['r', 1],
    ],
  );
  assert.equal(l.edges.length, 4, 'edges to unknown nodes are dropped');
  assert.deepEqual(layoutDag([], []), { nodes: [], edges: [], width: 24, height: 24 });
});
