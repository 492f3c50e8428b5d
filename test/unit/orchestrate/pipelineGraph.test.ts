import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../../core/phases/register';
import { parseNotebook } from '../../../core/notebook/parse';
import { cellsToRun, pipelineGraph } from '../../../core/orchestrate/pipelineGraph';

const FANNED = `# %% settings
mode: lazy

# %% md
Notes are not nodes.

# %% load prices
source: data.csv

# %% preprocess
scenarios: [mean_impute, median_impute]

# %% features
returns: close
lags: [1]

# %% labels
horizon: 2

# %% split
fractions: [0.6, 0.2, 0.2]

# %% train
models: [ridge, linear]
task: regression

# %% evaluate

# %% scenario_compare
from: evaluate
`;

const parse = (text: string) => parseNotebook(text, { file: 'nb.pipeline' });

test('nodes are the executable cells in cell order; edges follow from; markdown and settings are left out', () => {
  const g = pipelineGraph(parse(FANNED));
  assert.deepEqual(
    g.nodes.map((n) => n.name),
    ['prices', 'preprocess', 'features', 'labels', 'split', 'train', 'evaluate', 'scenario_compare'],
  );
  assert.deepEqual(g.nodes[0], {
    name: 'prices',
    kind: 'load',
    index: 2,
    branches: [],
    fansOut: false,
    blockedByCycle: false,
  });
  assert.deepEqual(g.edges.slice(0, 3), [
    { from: 'prices', to: 'preprocess' },
    { from: 'preprocess', to: 'features' },
    { from: 'features', to: 'labels' },
  ]);
  assert.deepEqual(g.edges.at(-1), { from: 'evaluate', to: 'scenario_compare' });
  assert.deepEqual(g.cycles, []);
});

test('a fanned-out cell groups its branches; descendants inherit them; the collecting cell has none', () => {
  const g = pipelineGraph(parse(FANNED));
  const node = (n: string) => g.nodes.find((x) => x.name === n)!;
  assert.deepEqual(node('preprocess').branches, [
    { name: 'preprocess[mean_impute]', label: 'mean_impute' },
    { name: 'preprocess[median_impute]', label: 'median_impute' },
  ]);
  assert.equal(node('preprocess').fansOut, true);
  assert.equal(node('features').fansOut, false);
  assert.equal(node('features').branches.length, 2);
  assert.equal(node('train').fansOut, true);
  assert.deepEqual(
    node('train').branches.map((b) => b.label),
    ['mean_impute · ridge', 'mean_impute · linear', 'median_impute · ridge', 'median_impute · linear'],
  );
  assert.deepEqual(node('scenario_compare').branches, []);
  assert.deepEqual(node('prices').branches, []);
});

test('cells on a cycle, and below one, are marked; the cycle is listed once', () => {
  const g = pipelineGraph(
    parse(`# %% load a
source: x.csv

# %% features b
from: c
returns: close

# %% labels c
from: b
horizon: 1

# %% split d
from: c
fractions: [0.6, 0.2, 0.2]
`),
  );
  assert.deepEqual(
    g.nodes.map((n) => [n.name, n.blockedByCycle]),
    [
      ['a', false],
      ['b', true],
      ['c', true],
      ['d', true],
    ],
  );
  assert.deepEqual(g.cycles, [['b', 'c', 'b']]);
});

test(
  'run to here is the cell and its ancestors; run from ' + 'here the cell and its descendants, in execution order',
  () => {
    const p = parse(FANNED);
    assert.deepEqual(cellsToRun(p, 'labels', 'to'), ['prices', 'preprocess', 'features', 'labels']);
    assert.deepEqual(cellsToRun(p, 'train', 'from'), ['train', 'evaluate', 'scenario_compare']);
    assert.deepEqual(cellsToRun(p, 'prices', 'to'), ['prices']);
    assert.deepEqual(cellsToRun(p, 'scenario_compare', 'from'), ['scenario_compare']);
    assert.deepEqual(cellsToRun(p, 'settings', 'to'), [], 'the settings cell is not a node');
    assert.deepEqual(cellsToRun(p, 'nope', 'from'), []);
  },
);
