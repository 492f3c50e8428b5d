// `phasebook reproduce RUN`: a pipeline run keeps its notebook, inputs and configs, and re-running it
// in a scratch folder gives the same artifacts, byte for byte; a changed input file is named, with
// the first artifact that then differs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, project, readJson } from './cliHarness';

const NOTEBOOK = `# %% settings
seed: 11

# %% load prices
source: data.csv

# %% validate
contract: ohlcv

# %% features
returns: close
lags: [1, 2, 3]
rolling:
  - { column: ret, windows: [12], stats: [mean, std] }

# %% labels
horizon: 4
task: regression

# %% split
fractions: [0.7, 0.15, 0.15]

# %% scale
method: standard

# %% train
model: ridge
task: regression
`;

/** Runs the CLI from `dir` as a user would (data paths in artifacts are relative to the working folder). */
async function cliIn(dir: string, args: string[]) {
  const before = process.cwd();
  process.chdir(dir);
  try {
    return await cli(dir, args);
  } finally {
    process.chdir(before);
  }
}

test(
  'a pipeline run keeps the notebook text, its sha256, ' + "the inputs' hashes, each cell's config and artifacts",
  async () => {
    const { dir, cleanup } = project(NOTEBOOK, { symbols: 2 });
    try {
      const r = await cliIn(dir, ['run', 'nb.pipeline']);
      assert.equal(r.code, 0, r.out + r.err);
      const id = readdirSync(join(dir, 'runs')).find((d) => d.startsWith('pipeline_')) as string;
      const runDir = join(dir, 'runs', id);
      assert.equal(readFileSync(join(runDir, 'notebook.pipeline'), 'utf8'), NOTEBOOK);
      const m = readJson(join(runDir, 'run.json'));
      assert.equal(m.meta.reproduce.base_dir, join('..', '..'));
      assert.deepEqual(
        m.meta.reproduce.inputs.map((i: { path: string; cell: string }) => [i.cell, i.path]),
        [['prices', 'data.csv']],
      );
      assert.equal(m.meta.reproduce.cell_configs.labels.horizon, 4);
      const train = m.meta.cells.find((c: { cell: string }) => c.cell === 'train');
      assert.ok(train.run, 'the train cell names its run');
      const scale = m.meta.cells.find((c: { cell: string }) => c.cell === 'scale');
      assert.match(scale.artifacts[0].path, /^artifacts\/scaler_[0-9a-f]+\.json$/);
      assert.match(scale.artifacts[0].sha256, /^[0-9a-f]{64}$/);
    } finally {
      cleanup();
    }
  },
);

test(
  'reproduce re-runs the stored notebook in a scratch ' +
    'folder: every artifact equal; the original runs ' +
    'untouched',
  async () => {
    const { dir, cleanup } = project(NOTEBOOK, { symbols: 2 });
    try {
      assert.equal((await cliIn(dir, ['run', 'nb.pipeline'])).code, 0);
      const runsBefore = readdirSync(join(dir, 'runs')).sort();
      const id = runsBefore.find((d) => d.startsWith('pipeline_')) as string;
      const r = await cliIn(dir, ['reproduce', id]);
      assert.equal(r.code, 0, r.out + r.err);
      assert.match(r.out, /reproduced: \d+ artifacts of 7 cells: \d+ with the same sha256/);
      assert.deepEqual(readdirSync(join(dir, 'runs')).sort(), runsBefore, 'reproduce wrote into the project');
      // A run a cell made is reproduced through its pipeline run, that cell alone.
      const training = runsBefore.find((d) => d.startsWith('ridge_')) as string;
      const one = await cliIn(dir, ['reproduce', training]);
      assert.equal(one.code, 0, one.out + one.err);
      assert.match(one.out, new RegExp(`reproducing ${id} \\(cell 'train'\\)`));
      const scratch = /in (\S+)\n/.exec(one.out)?.[1] as string;
      assert.equal(existsSync(scratch), false, 'the scratch folder was left behind');
    } finally {
      cleanup();
    }
  },
);

test(
  'an input file changed since the run: reproduce ' + 'names it and the first artifact that differs, exit ' + '2',
  async () => {
    const { dir, cleanup } = project(NOTEBOOK, { symbols: 2 });
    try {
      assert.equal((await cliIn(dir, ['run', 'nb.pipeline'])).code, 0);
      const id = readdirSync(join(dir, 'runs')).find((d) => d.startsWith('pipeline_')) as string;
      const lines = readFileSync(join(dir, 'data.csv'), 'utf8').trim().split('\n');
      const last = (lines.at(-1) as string).split(',');
      const hour = 3_600_000;
      last[0] = new Date(Date.parse(last[0] as string) + hour).toISOString();
      appendFileSync(join(dir, 'data.csv'), `\n${last.join(',')}\n`);
      const r = await cliIn(dir, ['reproduce', id]);
      assert.equal(r.code, 2, r.out + r.err);
      assert.match(r.out, /input changed: data\.csv \(read by 'prices'\): sha256 [0-9a-f]{12} then, [0-9a-f]{12} now/);
      assert.match(
        r.out,
        /not reproduced: cell '[a-z]+' (run \S+ )?artifact \S+: sha256 [0-9a-f]{12} recorded, ([0-9a-f]{12}|not written) now/,
      );
    } finally {
      cleanup();
    }
  },
);

test('reproduce of a run that does not exist, or of a run without a recipe, says so without a stack', async () => {
  const { dir, cleanup } = project(NOTEBOOK);
  try {
    const r = await cliIn(dir, ['reproduce', 'pipeline_nope']);
    assert.equal(r.code, 1);
    assert.match(r.err, /no run 'pipeline_nope'/);
    assert.doesNotMatch(r.err, / {4}at |node:internal/);
  } finally {
    cleanup();
  }
});
