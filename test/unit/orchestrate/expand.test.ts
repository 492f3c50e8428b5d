import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../../core/phases/register';
import { buildGraph } from '../../../core/notebook/dag';
import { computeCellKeys } from '../../../core/graph/keys';
import { parseNotebook } from '../../../core/notebook/parse';
import { resolveRoots } from '../../../core/runs/roots';
import { expandNotebook, INPUTS_KEY, type CollectedInput } from '../../../core/orchestrate/expand';
import { jobStem, originOf, splitVirtualName } from '../../../core/orchestrate/branch';

const NB = `# %% load prices
source: data.csv

# %% preprocess
scenarios: [mean_impute, median_impute, outlier_treatment]

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

function expand(text: string) {
  const parsed = parseNotebook(text, { file: 'nb.pipeline' });
  return { parsed, x: expandNotebook(parsed, buildGraph(parsed.cells)) };
}

test(
  'scenarios x models: one virtual cell per branch, ' + 'descendants replicated, the collector takes every ' + 'branch',
  () => {
    const { parsed, x } = expand(NB);
    assert.deepEqual(
      parsed.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
      [],
    );
    const names = x.graph.order;
    assert.deepEqual(x.copies.get('preprocess'), [
      'preprocess[mean_impute]',
      'preprocess[median_impute]',
      'preprocess[outlier_treatment]',
    ]);
    assert.equal(x.copies.get('split')?.length, 3);
    assert.equal(x.copies.get('train')?.length, 6);
    assert.ok(names.includes('train[median_impute][ridge]'));
    assert.ok(names.includes('evaluate[outlier_treatment][linear]'));
    assert.deepEqual(x.copies.get('prices'), ['prices']);
    // Each branch is wired to its own upstream copy.
    assert.deepEqual(x.graph.parents('train[median_impute][ridge]'), ['split[median_impute]']);
    assert.deepEqual(x.graph.parents('evaluate[median_impute][ridge]'), ['train[median_impute][ridge]']);
    assert.deepEqual(x.graph.parents('preprocess[mean_impute]'), ['prices']);
    // The branch value replaces the fan-out list in the config.
    const cell = (n: string) => x.cells.find((c) => c.name === n)!;
    assert.equal(cell('preprocess[median_impute]').config.scenario, 'median_impute');
    assert.equal('scenarios' in cell('preprocess[median_impute]').config, false);
    assert.equal(cell('train[outlier_treatment][linear]').config.model, 'linear');
    // Virtual cells keep the notebook index, so errors point at the cell the user wrote.
    assert.equal(cell('train[mean_impute][ridge]').index, parsed.cells.find((c) => c.name === 'train')!.index);
    const compare = cell('scenario_compare');
    assert.equal(compare.from.length, 6);
    const inputs = compare.config[INPUTS_KEY] as CollectedInput[];
    assert.deepEqual(inputs[0], {
      cell: 'evaluate[mean_impute][ridge]',
      origin: 'evaluate',
      branch: { scenario: 'mean_impute', model: 'ridge' },
    });
    assert.deepEqual(
      inputs.map((i) => `${i.branch.scenario}/${i.branch.model}`),
      [
        'mean_impute/ridge',
        'mean_impute/linear',
        'median_impute/ridge',
        'median_impute/linear',
        'outlier_treatment/ridge',
        'outlier_treatment/linear',
      ],
    );
  },
);

test('cache keys differ per branch and equal those of a cell written without fan-out', async () => {
  const { parsed, x } = expand(NB);
  const ctx = { baseDir: '/tmp/pb-expand', roots: resolveRoots('/tmp/pb-expand'), seed: 42 };
  const keys = await computeCellKeys({ ...parsed, cells: x.cells }, x.graph, ctx);
  const branches = x.copies.get('evaluate')!.map((n) => keys.get(n));
  assert.equal(new Set(branches).size, 6);
  assert.ok(branches.every(Boolean));
  const plain = expand(
    NB.replace('scenarios: [mean_impute, median_impute, outlier_treatment]', 'scenario: median_impute'),
  );
  const plainKeys = await computeCellKeys({ ...plain.parsed, cells: plain.x.cells }, plain.x.graph, ctx);
  assert.equal(keys.get('preprocess[median_impute]'), plainKeys.get('preprocess'));
  assert.equal(keys.get('split[median_impute]'), plainKeys.get('split'));
});

test('a notebook without fan-out expands to itself', () => {
  const { parsed, x } = expand(
    NB.replace('scenarios: [mean_impute, median_impute, outlier_treatment]', 'scenario: mean_impute').replace(
      'models: [ridge, linear]',
      'model: ridge',
    ),
  );
  assert.equal(x.fannedOut, false);
  assert.deepEqual(
    x.graph.order.filter((n) => n !== 'scenario_compare'),
    buildGraph(parsed.cells).order.filter((n) => n !== 'scenario_compare'),
  );
  const kept = x.cells.filter((c) => c.name !== 'scenario_compare');
  assert.ok(kept.every((c) => parsed.cells.includes(c)));
});

test('two parents that share a fan-out cell join on the same value (no cross product)', () => {
  const text = `# %% load
source: a.csv

# %% preprocess
scenarios: [a, b]

# %% features f1
from: preprocess
returns: close

# %% features f2
from: preprocess
returns: open

# %% ts both
// from: f1, f2
export default (x) => x;
`;
  const { x } = expand(text.replace('scenarios: [a, b]', 'scenarios: [mean_impute, median_impute]'));
  assert.deepEqual(x.copies.get('both'), ['both[mean_impute]', 'both[median_impute]']);
  assert.deepEqual(x.graph.parents('both[median_impute]'), ['f1[median_impute]', 'f2[median_impute]']);
});

test('the parser accepts a fan-out key in place of the required key, and rejects both or bad values', () => {
  const ok = parseNotebook('# %% load\nsource: a.csv\n\n# %% preprocess\nscenarios: [mean_impute]\n');
  assert.deepEqual(
    ok.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  const both = parseNotebook(
    '# %% load\nsource: a.csv\n\n# %% preprocess\nscenario: mean_impute\nscenarios: [mean_impute]\n',
  );
  assert.match(
    both.diagnostics.map((d) => d.message).join('\n'),
    /'scenarios' fans the cell out over 'scenario' values/,
  );
  const badValue = parseNotebook('# %% load\nsource: a.csv\n\n# %% preprocess\nscenarios: [mean_impute, median]\n');
  const d = badValue.diagnostics.find((x) => x.severity === 'error')!;
  assert.equal(d.key, 'scenarios');
  assert.equal(d.range.start.line, 4);
  const missing = parseNotebook('# %% load\nsource: a.csv\n\n# %% preprocess\nmethod: iqr\n');
  assert.match(missing.diagnostics.map((x) => x.message).join('\n'), /missing required key 'scenario'/);
  const dup = expand('# %% load\nsource: a.csv\n\n# %% train\nmodels: [ridge, ridge]\n');
  assert.match(dup.x.diagnostics[0].message, /lists 'ridge' twice/);
});

test('virtual names map back to their notebook cell and to checkpoint / log file stems', () => {
  assert.deepEqual(splitVirtualName('train[median_impute][ridge]'), {
    origin: 'train',
    values: ['median_impute', 'ridge'],
  });
  assert.equal(originOf('evaluate[a][b]'), 'evaluate');
  assert.equal(originOf('load'), 'load');
  assert.equal(jobStem('train[median_impute][ridge]'), 'train_median_impute_ridge');
  assert.equal(jobStem('validate'), 'validate');
});
