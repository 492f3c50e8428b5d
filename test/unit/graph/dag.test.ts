import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../notebook/testPhases';
import { buildGraph } from '../../../core/notebook/dag';
import { parseNotebook } from '../../../core/notebook/parse';

const nb = (...lines: string[]): string => lines.join('\n') + '\n';
const graphOf = (text: string) => buildGraph(parseNotebook(text).cells);

// prices ─┬─ feats ── split
//         └──────────── joined (ts, reads feats + prices)
// other (a second source, declared below but read first by `early`)
const text = nb(
  '# %% md',
  '# %% t_features early',
  'from: other',
  '# %% t_load prices',
  'source: a.csv',
  '# %% settings',
  '# %% t_features feats',
  '# %% t_split split',
  '# %% ts joined',
  '// from: feats, prices',
  '# %% t_load other',
  'source: b.csv',
);

test('nodes are the phase and ts cells; edges come from from: and the nearest phase cell above', () => {
  const g = graphOf(text);
  assert.deepEqual(g.nodes, ['early', 'prices', 'feats', 'split', 'joined', 'other']);
  assert.deepEqual(g.parents('joined'), ['feats', 'prices']);
  assert.deepEqual(g.parents('feats'), ['prices']);
  assert.deepEqual(g.children('prices'), ['feats', 'joined']);
  assert.equal(g.has('settings'), false);
  assert.equal(g.has('md'), false);
});

test('topological order puts upstreams first and otherwise keeps cell order', () => {
  const g = graphOf(text);
  assert.deepEqual(g.order, ['prices', 'feats', 'split', 'joined', 'other', 'early']);
  for (const n of g.order)
    for (const p of g.parents(n)) assert.ok(g.order.indexOf(p) < g.order.indexOf(n), `${p} before ${n}`);
});

test('ancestors and descendants are transitive and in execution order', () => {
  const g = graphOf(text);
  assert.deepEqual(g.descendants('prices'), ['feats', 'split', 'joined']);
  assert.deepEqual(g.descendants('feats'), ['split', 'joined']);
  assert.deepEqual(g.descendants('split'), []);
  assert.deepEqual(g.ancestors('joined'), ['prices', 'feats']);
  assert.deepEqual(g.ancestors('early'), ['other']);
});

test('cycles are found once each and their cells are left out of the order', () => {
  const g = graphOf(
    nb(
      '# %% t_load src',
      'source: a.csv',
      '# %% t_features a',
      'from: [src, c]',
      '# %% t_features b',
      'from: a',
      '# %% t_split c',
      'from: b',
      '# %% t_split after',
      'from: c',
      '# %% t_split fine',
      'from: src',
    ),
  );
  assert.deepEqual(g.cycles, [['a', 'b', 'c', 'a']]);
  assert.deepEqual(g.order, ['src', 'fine']);
  assert.deepEqual(g.descendants('a'), ['b', 'c', 'after']);
});

test('a long chain builds and orders quickly (no recursion limits)', () => {
  const lines = ['# %% t_load c0', 'source: a.csv'];
  for (let i = 1; i < 3000; i++) lines.push(`# %% t_features c${i}`);
  lines.push('# %% t_features back', 'from: c2999', '# %% t_features c_loop', 'from: c_loop');
  const started = performance.now();
  const g = graphOf(nb(...lines));
  assert.equal(g.order.length, 3001);
  assert.equal(g.order[2999], 'c2999');
  assert.deepEqual(g.cycles, [['c_loop', 'c_loop']]);
  assert.equal(g.descendants('c0').length, 3000);
  assert.ok(performance.now() - started < 2000);
});
