import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../core/cli/main';
import type { CliIO } from '../../../core/cli/io';
import { writeDemoCsv } from '../../../core/demo/ohlcv';

interface Captured {
  code: number;
  out: string;
  err: string;
}

async function cli(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Captured> {
  let out = '';
  let err = '';
  const io: CliIO = {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
    tty: false,
    cwd,
    env: { ...env },
  };
  const code = await main(args, io);
  return { code, out, err };
}

const NOTEBOOK = `# %% settings
seed: 11

# %% load prices
source: data.csv

# %% features
returns: close
lags: [1, 2, 3]
rolling: { column: ret, windows: [12], stats: [mean, std] }

# %% labels
horizon: 5

# %% cv
models: [ridge, logistic]
n_splits: 3

# %% stack
meta_learner: logistic
bootstrap: 200
`;

function project(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'pb-cli-'));
  writeDemoCsv(join(dir, 'data.csv'), { symbols: 2, bars: 500, seed: 3 });
  writeFileSync(join(dir, 'nb.pipeline'), NOTEBOOK);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const manifests = (root: string) =>
  readdirSync(root).map((id) => JSON.parse(readFileSync(join(root, id, 'run.json'), 'utf8')));

test('phasebook run: every cell finishes, runs land complete, and a second run is served from the cache', async () => {
  const { dir, cleanup } = project();
  try {
    const first = await cli(dir, ['run', 'nb.pipeline']);
    assert.equal(first.code, 0, first.out + first.err);
    assert.match(first.out, /✓ cv\s/);
    assert.match(first.out, /✓ stack\s/);
    const runs = manifests(join(dir, 'runs'));
    assert.deepEqual(runs.map((r) => r.kind).sort(), ['pipeline', 'stacking']);
    assert.ok(runs.every((r) => r.status === 'complete'));
    const cvRuns = manifests(join(dir, 'data', 'stacking'));
    assert.equal(cvRuns.length, 1);
    assert.equal(cvRuns[0].status, 'complete');
    assert.ok(existsSync(join(dir, 'logs', 'pipeline.log')));

    const second = await cli(dir, ['run', 'nb.pipeline']);
    assert.equal(second.code, 0);
    assert.match(second.out, /5 cached/);
    // Cached cells do not create new CV or stacking runs.
    assert.equal(readdirSync(join(dir, 'data', 'stacking')).length, 1);
  } finally {
    cleanup();
  }
});

test('the same seed gives byte-identical stacking datasets across forced re-runs', async () => {
  const { dir, cleanup } = project();
  try {
    assert.equal((await cli(dir, ['run', 'nb.pipeline', '--cell', 'cv'], { PHASEBOOK_SEED: '5' })).code, 0);
    assert.equal((await cli(dir, ['run', 'nb.pipeline', '--cell', 'cv', '--force'], { PHASEBOOK_SEED: '5' })).code, 0);
    const ids = readdirSync(join(dir, 'data', 'stacking')).sort();
    assert.equal(ids.length, 2);
    const bytes = ids.map((id) =>
      readFileSync(join(dir, 'data', 'stacking', id, 'stacking', 'stacking_dataset_h5.parquet')),
    );
    assert.ok(bytes[0].equals(bytes[1]), 'same seed, same bytes');
    const seeds = manifests(join(dir, 'data', 'stacking')).map((m) => m.seed);
    assert.deepEqual(seeds, [5, 5]);
  } finally {
    cleanup();
  }
});

test(
  'phasebook cv then the printed train command: a ' + 'stacking run with CIs; loader errors list what ' + 'exists',
  async () => {
    const { dir, cleanup } = project();
    try {
      const cv = await cli(dir, [
        'cv',
        '--data',
        'data.csv',
        '--models',
        'ridge,logistic',
        '--horizons',
        '5,10',
        '--n-splits',
        '3',
      ]);
      assert.equal(cv.code, 0, cv.err);
      const cmd = /phasebook (train --model stacking --horizon \d+ --stacking-data \S+)/.exec(cv.out);
      assert.ok(cmd, cv.out);
      const train = await cli(dir, cmd[1].split(' '));
      assert.equal(train.code, 0, train.err);
      assert.match(train.out, /roc_auc\s+\d\.\d{4}\s+\[\d\.\d{4}, \d\.\d{4}\]/);
      const id = /CV Run ID: (\S+)/.exec(cv.out)![1];

      const noRun = await cli(dir, [
        'train',
        '--model',
        'stacking',
        '--horizon',
        '5',
        '--stacking-data',
        'missing_run',
      ]);
      assert.equal(noRun.code, 1);
      assert.match(noRun.err, /CV run not found: missing_run/);
      assert.match(noRun.err, new RegExp(`Available runs: \\[${id}\\]`));
      const noH = await cli(dir, ['train', '--model', 'stacking', '--horizon', '20', '--stacking-data', id]);
      assert.equal(noH.code, 1);
      assert.match(noH.err, /Stacking dataset not found for H20/);
      assert.match(
        noH.err,
        /stacking_dataset_h10\.parquet, stacking_dataset_h5\.parquet|stacking_dataset_h5\.parquet, stacking_dataset_h10\.parquet/,
      );
      const list = await cli(dir, ['cv-runs']);
      assert.match(list.out, new RegExp(id));
    } finally {
      cleanup();
    }
  },
);

test('bad command lines are clear errors with exit 1, never stack traces', async () => {
  const { dir, cleanup } = project();
  try {
    const unknown = await cli(dir, ['frobnicate']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /unknown command 'frobnicate'/);
    const flag = await cli(dir, ['run', 'nb.pipeline', '--celll', 'x']);
    assert.equal(flag.code, 1);
    assert.match(flag.err, /Unknown option '--celll'/);
    assert.doesNotMatch(flag.err, /at .*\.ts:\d+/);
    const cell = await cli(dir, ['run', 'nb.pipeline', '--cell', 'nope']);
    assert.equal(cell.code, 1);
    assert.match(cell.err, /no cell named 'nope'/);
    const missing = await cli(dir, ['run', 'missing.pipeline']);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /missing\.pipeline: notebook not found/);
  } finally {
    cleanup();
  }
});
