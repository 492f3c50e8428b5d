// The lineage of a stacking run trained through the kernel (the CodeLens) is a real command line:
// run as it stands, `phasebook <source.cli>` trains the same model with the same scores.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../../core/cli/main';
import { writeDemoCsv } from '../../../core/demo/ohlcv';
import { createLogger } from '../../../core/log';
import { trainStackingArgs } from '../../../core/ml/stacking/reproduce';
import { trainStacking } from '../../../core/ml/stacking/train';

async function cli(cwd: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
    tty: false,
    cwd,
    env: {},
  });
  return { code, out, err };
}

test('trainStackingArgs names defaults implicitly and other roots explicitly', () => {
  const base = { cvRunId: 'cv1', horizon: 5, metaLearner: 'ridge', seed: 9, baseDir: '/p' };
  assert.deepEqual(trainStackingArgs({ ...base, stackingRoot: '/p/data/stacking', runsRoot: 'runs' }), [
    'train',
    '--model',
    'stacking',
    '--horizon',
    '5',
    '--stacking-data',
    'cv1',
    '--meta-learner',
    'ridge',
    '--seed',
    '9',
    '--dir',
    '/p',
  ]);
  assert.deepEqual(trainStackingArgs({ ...base, stackingRoot: 'cv', runsRoot: '/elsewhere/runs' }).slice(-4), [
    '--stacking-root',
    '/p/cv',
    '--runs-root',
    '/elsewhere/runs',
  ]);
});

test(
  'a kernel-trained stacking run records a command ' + 'that reproduces it (same meta-learner, same scores)',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-reproduce-'));
    const elsewhere = mkdtempSync(join(tmpdir(), 'pb-reproduce-cwd-'));
    try {
      writeDemoCsv(join(dir, 'data.csv'), { symbols: 2, bars: 500, seed: 3 });
      const cv = await cli(dir, [
        'cv',
        '--data',
        'data.csv',
        '--models',
        'ridge,logistic',
        '--horizons',
        '5',
        '--n-splits',
        '3',
      ]);
      assert.equal(cv.code, 0, cv.err);
      const cvRunId = /CV Run ID: (\S+)/.exec(cv.out)![1];
      // As the kernel does for the CodeLens, with a notebook whose runs root is not the default.
      const run = {
        stackingRoot: join(dir, 'data/stacking'),
        runsRoot: join(dir, 'nb-runs'),
        cvRunId,
        horizon: 5,
        metaLearner: 'ridge',
        seed: 17,
        baseDir: dir,
      };
      const lens = await trainStacking({
        ...run,
        source: { notebook: join(dir, 'nb.pipeline'), cli: trainStackingArgs(run) },
        log: createLogger([]),
      });
      const recorded = JSON.parse(readFileSync(join(lens.dir, 'run.json'), 'utf8')) as { source: { cli: string[] } };
      assert.notEqual(recorded.source.cli[0], 'codelens');

      const again = await cli(elsewhere, recorded.source.cli); // from another folder: the command says where
      assert.equal(again.code, 0, again.err);
      const runs = readdirSync(run.runsRoot).filter((id) => id.startsWith('stacking_'));
      assert.equal(runs.length, 2, `both runs land in the notebook's runs root: ${runs.join(', ')}`);
      const other = runs.map((id) => join(run.runsRoot, id)).find((d) => d !== lens.dir)!;
      const metrics = (d: string) => JSON.parse(readFileSync(join(d, 'metrics.json'), 'utf8')) as unknown;
      assert.deepEqual(metrics(other), metrics(lens.dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(elsewhere, { recursive: true, force: true });
    }
  },
);
