// One fan-out branch from the command line (`--scenario` / `--model`) and cell keys overridden for
// one run (`--config FILE.yaml`), recorded in the pipeline run's run.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, project, readJson } from './cliHarness';

const NOTEBOOK = `# %% load prices
source: data.csv

# %% features
returns: close
lags: [1, 2]

# %% preprocess
scenarios: [mean_impute, median_impute]

# %% labels
horizon: 5
task: regression

# %% split
fractions: [0.7, 0.15, 0.15]

# %% train
models: [ridge, linear]
task: regression

# %% scenario_compare
from: train
rank_by: rmse
`;

/** The newest pipeline run's run.json. */
function lastPipelineRun(dir: string) {
  const id = readdirSync(join(dir, 'runs'))
    .filter((d) => d.startsWith('pipeline_'))
    .sort()
    .pop();
  assert.ok(id, 'no pipeline run recorded');
  return readJson(join(dir, 'runs', id, 'run.json'));
}

/** The training runs on disk (one per trained branch). */
const trainingRuns = (dir: string) => readdirSync(join(dir, 'runs')).filter((d) => !d.startsWith('pipeline_'));

test('--cell train --scenario S --model M runs that one branch and what it needs, nothing else', async () => {
  const { dir, cleanup } = project(NOTEBOOK, { symbols: 2 });
  try {
    const r = await cli(dir, [
      'run',
      'nb.pipeline',
      '--cell',
      'train',
      '--scenario',
      'median_impute',
      '--model',
      'ridge',
      '--jobs',
      '1',
    ]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /train\[median_impute\]\[ridge\]/);
    assert.doesNotMatch(r.out, /mean_impute\]|\[linear\]|scenario_compare/, 'another branch ran');
    assert.equal(trainingRuns(dir).length, 1, `one training run expected: ${trainingRuns(dir).join(', ')}`);
    const run = lastPipelineRun(dir);
    assert.deepEqual(run.config.branch, { scenario: 'median_impute', model: 'ridge' });
    assert.deepEqual(run.config.cells, [
      'prices',
      'features',
      'preprocess[median_impute]',
      'labels[median_impute]',
      'split[median_impute]',
      'train[median_impute][ridge]',
    ]);
  } finally {
    cleanup();
  }
});

test('without --cell, a branch runs all its cells; cells that gather every branch are left out and named', async () => {
  const { dir, cleanup } = project(NOTEBOOK, { symbols: 2 });
  try {
    const r = await cli(dir, ['run', 'nb.pipeline', '--model', 'linear', '--jobs', '1']);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /\(scenario_compare gathers every branch: not run for one branch\)/);
    assert.match(r.out, /train\[mean_impute\]\[linear\]/);
    assert.match(r.out, /train\[median_impute\]\[linear\]/);
    assert.doesNotMatch(r.out, /\[ridge\]/);
  } finally {
    cleanup();
  }
});

test(
  'an unknown branch value, a key nothing fans out over, or a collecting cell asked for one branch: the flag ' +
    'is named, nothing runs',
  async () => {
    const { dir, cleanup } = project(NOTEBOOK);
    try {
      const cases: [string[], RegExp][] = [
        [
          ['--scenario', 'median_imput'],
          /--scenario median_imput: not a scenario of this notebook \(did you mean 'median_impute'\?\); scenarios: mean_impute, median_impute/,
        ],
        [['--model', 'xgb'], /--model xgb: not a model of this notebook.*models: ridge, linear/],
        [
          ['--cell', 'scenario_compare', '--model', 'ridge'],
          /cell 'scenario_compare' gathers every branch: it cannot run for one branch \(drop --model\)/,
        ],
      ];
      for (const [flags, message] of cases) {
        const r = await cli(dir, ['run', 'nb.pipeline', ...flags]);
        assert.equal(r.code, 1, r.out + r.err);
        assert.match(r.err, message);
        assert.doesNotMatch(r.err, / {4}at |node:internal/);
      }
      assert.deepEqual(
        readdirSync(dir).filter((f) => f === 'runs'),
        [],
        'something ran',
      );
      const flat = project(NOTEBOOK.replace('scenarios: [mean_impute, median_impute]', 'scenario: mean_impute'));
      try {
        const r = await cli(flat.dir, ['run', 'nb.pipeline', '--scenario', 'mean_impute']);
        assert.equal(r.code, 1);
        assert.match(r.err, /--scenario mean_impute: no cell of this notebook fans out over scenarios/);
      } finally {
        flat.cleanup();
      }
    } finally {
      cleanup();
    }
  },
);

test(
  '--config FILE.yaml overrides cell keys for one run: the run uses them, run.json records them, the notebook ' +
    'is unchanged',
  async () => {
    const { dir, cleanup } = project(NOTEBOOK, { symbols: 2 });
    try {
      writeFileSync(join(dir, 'short.yaml'), 'labels:\n  horizon: 2\ntrain:\n  models: [ridge]\n');
      const r = await cli(dir, [
        'run',
        'nb.pipeline',
        '--cell',
        'train',
        '--scenario',
        'mean_impute',
        '--config',
        'short.yaml',
      ]);
      assert.equal(r.code, 0, r.out + r.err);
      assert.match(r.out, /horizons: 2 /, 'the labels cell did not use the overridden horizon');
      assert.match(r.out, /train\[mean_impute\]\[ridge\].*horizon: 2/);
      const run = lastPipelineRun(dir);
      assert.deepEqual(run.config.overrides, {
        file: 'short.yaml',
        cells: { labels: { horizon: 2 }, train: { models: ['ridge'] } },
      });
      // The same cells without the overrides are not served from the overridden results.
      const plain = await cli(dir, ['run', 'nb.pipeline', '--cell', 'labels', '--scenario', 'mean_impute']);
      assert.match(plain.out, /horizons: 5 /);
      assert.doesNotMatch(plain.out, /labels\[mean_impute\]\s+cached/);
    } finally {
      cleanup();
    }
  },
);

test('a bad overrides file is an error at its line in the file, with "did you mean"; nothing runs', async () => {
  const { dir, cleanup } = project(NOTEBOOK);
  try {
    const cases: [string, RegExp][] = [
      [
        'labels:\n  horizn: 3\n',
        /bad\.yaml:2:3 cell 'labels' key 'horizn': unknown key 'horizn' for cell 'labels' \(did you mean 'horizon'\?\)/,
      ],
      ['labels:\n  horizon: three\n', /bad\.yaml:2:3 cell 'labels' key 'horizon': expected a whole number/],
      ['\nlabls:\n  horizon: 3\n', /bad\.yaml:2:1: no cell named 'labls' \(did you mean 'labels'\?\)/],
      ['train:\n  from: labels\n', /bad\.yaml:2:3 cell 'train' key 'from': 'from' cannot be overridden/],
      ['- labels\n', /bad\.yaml:1:1: expected a mapping of cell names to keys/],
      ['labels: [1\n', /bad\.yaml:\d+:\d+: invalid YAML/],
    ];
    for (const [text, message] of cases) {
      writeFileSync(join(dir, 'bad.yaml'), text);
      const r = await cli(dir, ['run', 'nb.pipeline', '--config', 'bad.yaml']);
      assert.equal(r.code, 1, r.out + r.err);
      assert.match(r.err, message);
      assert.doesNotMatch(r.err, / {4}at |node:internal/);
    }
    const missing = await cli(dir, ['run', 'nb.pipeline', '--config', 'nope.yaml']);
    assert.match(missing.err, /nope\.yaml: overrides file not found/);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f === 'runs'),
      [],
      'something ran',
    );
  } finally {
    cleanup();
  }
});
