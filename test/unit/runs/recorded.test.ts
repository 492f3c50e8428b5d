import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  fromCheckpointLine,
  recordedCheckpoints,
  recordedNotebook,
  trainFromCheckpointArgs,
} from '../../../core/runs/recorded';

const dir = join('/w', 'proj', 'runs', 'gbdt_h20_20261202_101010_000001_abcd');

test('checkpoints of a run.json: best first with rank, paths inside the run folder; none -> undefined', () => {
  const manifest = {
    id: 'gbdt_x',
    meta: {
      checkpoints: {
        metric: 'val_loss',
        direction: 'min',
        top_n: 2,
        dir: 'checkpoints',
        candidates: 80,
        kept: [
          { step: 41, score: 0.61, file: 'checkpoint_step41.json', sha256: 'aa' },
          { step: 39, score: 0.62, file: 'checkpoint_step39.json', sha256: 'bb' },
        ],
      },
    },
  };
  const r = recordedCheckpoints(dir, manifest);
  assert.deepEqual(
    r?.kept.map((k) => [k.rank, k.step, k.score, k.path]),
    [
      [1, 41, 0.61, join(dir, 'checkpoints', 'checkpoint_step41.json')],
      [2, 39, 0.62, join(dir, 'checkpoints', 'checkpoint_step39.json')],
    ],
  );
  assert.equal(r?.metric, 'val_loss');
  assert.equal(recordedCheckpoints(dir, { meta: {} }), undefined);
  assert.equal(recordedCheckpoints(dir, { meta: { checkpoints: { kept: [{ step: 'x' }] } } }), undefined);
  // A file name cannot point outside the checkpoints folder.
  assert.equal(
    recordedCheckpoints(dir, { meta: { checkpoints: { kept: [{ step: 1, score: 1, file: '../../run.json' }] } } })
      ?.kept[0].path,
    join(dir, 'checkpoints', 'run.json'),
  );
});

test('how to train from a checkpoint: the cell line, and the CLI args with --dir for a run under runs/', () => {
  assert.equal(fromCheckpointLine('gbdt_x', 41), 'from_checkpoint: gbdt_x@41');
  assert.deepEqual(trainFromCheckpointArgs(dir, 'gbdt_x', 41), [
    'train',
    '--from-checkpoint',
    'gbdt_x@41',
    '--dir',
    join('/w', 'proj'),
  ]);
  assert.deepEqual(trainFromCheckpointArgs(join('/w', 'elsewhere', 'r1'), 'r1', 3), [
    'train',
    '--from-checkpoint',
    'r1@3',
  ]);
});

test("a pipeline run's stored notebook and today's file; other runs and old runs say why not", () => {
  const pdir = join('/w', 'proj', 'runs', 'pipeline_1');
  const m = {
    id: 'pipeline_1',
    kind: 'pipeline',
    config: { notebook: 'nb/demo.pipeline' },
    meta: { reproduce: { base_dir: '../..', notebook_sha256: 'ff' } },
  };
  assert.deepEqual(recordedNotebook(pdir, m, true), {
    stored: join(pdir, 'notebook.pipeline'),
    current: join('/w', 'proj', 'nb', 'demo.pipeline'),
    name: 'nb/demo.pipeline',
    sha256: 'ff',
  });
  assert.match(
    (recordedNotebook(pdir, m, false) as { missing: string }).missing,
    /run pipeline_1 has no notebook\.pipeline: it was recorded before/,
  );
  assert.match(
    (recordedNotebook(pdir, { ...m, kind: 'training' }, true) as { missing: string }).missing,
    /is a training run: only pipeline runs/,
  );
  assert.equal((recordedNotebook(pdir, { ...m, meta: {} }, true) as { current?: string }).current, undefined);
});
