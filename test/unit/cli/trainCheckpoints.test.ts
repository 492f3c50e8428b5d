import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, project, readJson } from './cliHarness';

const notebook = (train: string) => `# %% load prices
source: data.csv

# %% features
returns: close
lags: [1, 2, 3]
rolling: { column: ret, windows: [12], stats: [mean, std] }

# %% labels
horizon: 20

# %% split
fractions: [0.6, 0.2, 0.2]

# %% train gb
model: gbdt
${train}
`;
const DATA = { symbols: 3, bars: 1500, seed: 5 };
const PARAMS = 'params: { max_depth: 3, n_estimators: 80, learning_rate: 0.05, early_stopping_rounds: 10 }';

function trainingRuns(dir: string): string[] {
  return readdirSync(join(dir, 'runs'))
    .filter((d) => d.startsWith('gbdt_'))
    .sort();
}

/**
 * The best round under the note's rule: an improvement must beat the best by more than minDelta; stop after `patience`
 * without one.
 */
function expectedBest(loss: number[], patience: number, minDelta: number): { best: number; ran: number } {
  let best = 0;
  for (let r = 1; r < loss.length; r++) {
    if (loss[r] < loss[best] - minDelta) best = r;
    else if (r - best >= patience) return { best, ran: r + 1 };
  }
  return { best, ran: loss.length };
}

test(
  'early stopping: min_delta is accepted, the direction comes from the metric, best round and score reach ' +
    'run.json and the cell summary',
  async () => {
    const { dir, cleanup } = project(notebook(PARAMS), DATA);
    try {
      const plain = await cli(dir, ['run', 'nb.pipeline']);
      assert.equal(plain.code, 0, plain.out + plain.err);
      writeFileSync(
        join(dir, 'nb.pipeline'),
        notebook(PARAMS.replace('early_stopping_rounds: 10', 'early_stopping_rounds: 10, min_delta: 0.0008')),
      );
      const strict = await cli(dir, ['run', 'nb.pipeline']);
      assert.equal(strict.code, 0, strict.out + strict.err);
      const [a, b] = trainingRuns(dir).map((id) => ({
        run: readJson(join(dir, 'runs', id, 'run.json')),
        model: readJson(join(dir, 'runs', id, 'model.json')),
      }));
      for (const [x, delta] of [
        [a, 0],
        [b, 0.0008],
      ] as const) {
        const es = x.run.meta.early_stopping;
        assert.equal(es.metric, 'log_loss');
        assert.equal(es.direction, 'min', 'a loss: lower is better');
        assert.equal(es.min_delta, delta);
        const want = expectedBest(x.model.validLoss, 10, delta);
        assert.equal(es.best_round, want.best);
        assert.equal(es.rounds_run, want.ran);
        assert.equal(es.best_score, x.model.validLoss[es.best_round]);
        assert.equal(x.model.rounds, es.best_round + 1, 'the best round is restored');
      }
      assert.ok(
        b.run.meta.early_stopping.best_round < a.run.meta.early_stopping.best_round,
        `min_delta stops on small gains (${b.run.meta.early_stopping.best_round} < ` +
          `${a.run.meta.early_stopping.best_round})`,
      );
      const es = b.run.meta.early_stopping;
      assert.match(
        strict.out,
        new RegExp(
          `✓ gb .*best_round: ${es.best_round} · rounds_run: ${es.rounds_run} \\(stopped early\\) · ` +
            `best_val_log_loss: ${es.best_score.toFixed(4)}\\b`,
        ),
      );
      writeFileSync(
        join(dir, 'nb.pipeline'),
        notebook(PARAMS.replace('early_stopping_rounds: 10', 'early_stopping_rounds: 10, min_delta: -1')),
      );
      const bad = await cli(dir, ['run', 'nb.pipeline']);
      assert.equal(bad.code, 1);
      assert.match(bad.out + bad.err, /gbdt parameter 'min_delta' must be a number in \[0, Infinity\], got -1/);
    } finally {
      cleanup();
    }
  },
);

test(
  'top-N checkpoints: exactly the N best rounds by val_loss are kept in the run folder, recorded in run.json ' +
    'and its artifacts',
  async () => {
    const { dir, cleanup } = project(notebook(`${PARAMS}\ncheckpoints: { top_n: 3, metric: val_loss }`), DATA);
    try {
      const r = await cli(dir, ['run', 'nb.pipeline']);
      assert.equal(r.code, 0, r.out + r.err);
      const [id] = trainingRuns(dir);
      const runDir = join(dir, 'runs', id);
      const run = readJson(join(runDir, 'run.json'));
      const loss: number[] = readJson(join(runDir, 'model.json')).validLoss;
      assert.ok(loss.length > run.meta.early_stopping.best_round + 1, 'training ran past its best round');
      // Independent ranking of every round that ran (rounds past the best included).
      const want = loss
        .map((l, step) => ({ step, l }))
        .sort((x, y) => x.l - y.l || x.step - y.step)
        .slice(0, 3)
        .map((x) => x.step);
      const ck = run.meta.checkpoints;
      assert.deepEqual(
        ck.kept.map((k: { step: number }) => k.step),
        want,
      );
      assert.equal(ck.candidates, loss.length);
      assert.deepEqual(
        ck.kept.map((k: { score: number }) => k.score),
        want.map((s) => loss[s]),
      );
      const files = readdirSync(join(runDir, 'checkpoints'))
        .filter((f) => f.endsWith('.json') && f.includes('_step'))
        .sort();
      assert.deepEqual(files, want.map((s) => `checkpoint_step${s}.json`).sort(), 'worse ones are not on disk');
      const artifacts = run.artifacts.map((x: { path: string }) => x.path);
      for (const f of files) assert.ok(artifacts.includes(`checkpoints/${f}`), `${f} in the run's artifacts`);
      // Each checkpoint is the model after its round: that many trees.
      for (const s of want)
        assert.equal(readJson(join(runDir, 'checkpoints', `checkpoint_step${s}.json`)).rounds, s + 1);
      assert.match(r.out, /checkpoints: 3 kept \(steps \d+, \d+, \d+\) in checkpoints\//);
    } finally {
      cleanup();
    }
  },
);

test('phasebook train --top-n and --from-checkpoint: a kept checkpoint is used instead of fitting', async () => {
  const { dir, cleanup } = project(notebook(PARAMS), DATA);
  try {
    const kept = await cli(dir, ['train', '--pipeline', 'nb.pipeline', '--top-n', '2']);
    assert.equal(kept.code, 0, kept.out + kept.err);
    const [id] = trainingRuns(dir);
    const run = readJson(join(dir, 'runs', id, 'run.json'));
    assert.equal(run.meta.checkpoints.top_n, 2);
    assert.equal(run.meta.checkpoints.kept.length, 2);
    assert.equal(readFileSync(join(dir, 'nb.pipeline'), 'utf8'), notebook(PARAMS), 'the notebook file is not changed');
    const second = run.meta.checkpoints.kept[1].step as number;
    // The run names its notebook and cell: no --pipeline needed.
    const used = await cli(dir, ['train', '--from-checkpoint', `${id}@${second}`]);
    assert.equal(used.code, 0, used.out + used.err);
    assert.match(used.out, new RegExp(`✓ gb .*from_checkpoint: step ${second}`));
    const next = trainingRuns(dir).find((x) => x !== id)!;
    const m = readJson(join(dir, 'runs', next, 'run.json'));
    assert.equal(m.config.from_checkpoint, `${id}@${second}`);
    assert.equal(m.meta.from_checkpoint.step, second);
    assert.equal(m.meta.early_stopping, undefined, 'nothing was fitted');
    assert.deepEqual(
      readJson(join(dir, 'runs', next, 'model.json')).trees,
      readJson(join(dir, 'runs', id, 'checkpoints', `checkpoint_step${second}.json`)).trees,
    );
    // A step that was not kept, and a run without checkpoints, are named.
    const missing = await cli(dir, ['train', '--from-checkpoint', `${id}@9999`]);
    assert.equal(missing.code, 1);
    assert.match(missing.out, /no checkpoint for step 9999 .*\n\s+kept steps: \d+, \d+/);
    const none = await cli(dir, ['train', '--from-checkpoint', 'no_such_run', '--pipeline', 'nb.pipeline']);
    assert.equal(none.code, 1);
    assert.match(none.out, /cell 'gb' key 'from_checkpoint': no checkpoints for 'no_such_run'/);
    assert.ok(!existsSync(join(dir, 'runs', 'no_such_run')));
  } finally {
    cleanup();
  }
});
