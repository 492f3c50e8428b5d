// The files the explorer's "Open checkpoint…" and "Open notebook at this run" read, as the CLI
// really writes them: core/runs/recorded.ts finds the kept checkpoints and the stored notebook
// (and today's file) of runs made by `phasebook run`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  fromCheckpointLine,
  recordedCheckpoints,
  recordedNotebook,
  STORED_NOTEBOOK,
  trainFromCheckpointArgs,
} from '../../../core/runs/recorded';
import { cli, project, readJson } from './cliHarness';

const NOTEBOOK = `# %% load prices
source: data.csv

# %% features
returns: close
lags: [1, 2]

# %% labels
horizon: 5

# %% split
fractions: [0.6, 0.2, 0.2]

# %% train gb
model: gbdt
params: { max_depth: 2, n_estimators: 12, learning_rate: 0.1 }
checkpoints: { top_n: 2, metric: val_loss }
`;

test(
  "a CLI run: the training run's kept checkpoints (best first, files on disk) and the pipeline run's stored " +
    "notebook and today's file",
  async () => {
    const { dir, cleanup } = project(NOTEBOOK, { symbols: 2, bars: 400, seed: 3 });
    try {
      const r = await cli(dir, ['run', 'nb.pipeline']);
      assert.equal(r.code, 0, r.out + r.err);
      const runs = readdirSync(join(dir, 'runs'));
      const trainId = runs.find((d) => d.startsWith('gbdt_'))!;
      const trainDir = join(dir, 'runs', trainId);
      const ck = recordedCheckpoints(trainDir, readJson(join(trainDir, 'run.json')));
      assert.equal(ck?.kept.length, 2);
      assert.ok(ck!.kept[0].score <= ck!.kept[1].score, 'best (lowest val_loss) first');
      for (const k of ck!.kept) assert.ok(existsSync(k.path), `${k.path} exists`);
      assert.equal(fromCheckpointLine(trainId, ck!.kept[0].step), `from_checkpoint: ${trainId}@${ck!.kept[0].step}`);
      const pipeDir = join(
        dir,
        'runs',
        runs.find((d) => d.startsWith('pipeline_'))!,
      );
      // The CLI command the explorer copies trains from that checkpoint, from any working folder.
      const args = trainFromCheckpointArgs(trainDir, trainId, ck!.kept[1].step);
      const again = await cli(tmpdir(), args);
      assert.equal(again.code, 0, `phasebook ${args.join(' ')}: ${again.out}${again.err}`);
      assert.match(again.out, new RegExp(`from_checkpoint: step ${ck!.kept[1].step}`));
      const nb = recordedNotebook(
        pipeDir,
        readJson(join(pipeDir, 'run.json')),
        existsSync(join(pipeDir, STORED_NOTEBOOK)),
      );
      assert.ok(!('missing' in nb), JSON.stringify(nb));
      if ('missing' in nb) return;
      assert.equal(nb.current, join(dir, 'nb.pipeline'));
      assert.equal(readFileSync(nb.stored, 'utf8'), readFileSync(join(dir, 'nb.pipeline'), 'utf8'));
    } finally {
      cleanup();
    }
  },
);
