import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EarlyStopping } from '../../../core/ml/training/earlyStopping';
import { CheckpointManager } from '../../../core/ml/training/checkpoints';
import { MetricComparator } from '../../../core/ml/training/comparator';
import { UserError } from '../../../core/errors';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'phasebook-ckpt-'));
}

test('early stopping on a loss stops exactly `patience` steps after the last real improvement', () => {
  const es = new EarlyStopping({ patience: 3, minDelta: 0.01, metric: 'rmse' });
  const scores = [1.0, 0.8, 0.795, 0.79, 0.5, 0.6, 0.6, 0.6, 0.1];
  const stoppedAt = scores.findIndex((s) => es.step(s));
  // 0.795 and 0.79 are within min_delta of 0.8 (2 steps without improvement); 0.5 resets the
  // count; then 3 steps without improvement stop it before the 0.1 is ever seen.
  assert.equal(stoppedAt, 7);
  assert.equal(es.best, 0.5);
  assert.equal(es.bestStep, 4);
});

test('early stopping on a score that should rise (auc) uses the other direction; NaN is never an improvement', () => {
  const es = new EarlyStopping({ patience: 2, metric: 'auc' });
  assert.equal(es.step(0.6), false);
  assert.equal(es.step(0.7), false);
  assert.equal(es.step(NaN), false);
  assert.equal(es.step(0.65), true);
  assert.equal(es.best, 0.7);
});

test('early stopping rejects a patience of 0 and an unknown metric without direction', () => {
  assert.throws(
    () => new EarlyStopping({ patience: 0, metric: 'rmse' }),
    (e: unknown) => e instanceof UserError && e.location.key === 'patience',
  );
  assert.throws(() => new EarlyStopping({ patience: 2, metric: 'sharpe' }), /unknown metric 'sharpe'/);
  const custom = new EarlyStopping({ patience: 1, metric: 'sharpe', direction: 'max' });
  custom.step(1);
  assert.equal(custom.step(0.5), true);
});

test('the comparator knows each metric direction and sorts best first', () => {
  const loss = new MetricComparator('log_loss');
  const auc = new MetricComparator('roc_auc');
  assert.ok(loss.isBetter(0.3, 0.4) && !loss.isBetter(0.4, 0.3));
  assert.ok(auc.isBetter(0.9, 0.8) && !auc.isBetter(0.8, 0.9));
  assert.ok(!auc.isBetter(0.805, 0.8, 0.01));
  assert.equal(loss.worst(), Infinity);
  assert.equal(auc.bestIndex([0.7, NaN, 0.9, 0.9]), 2);
  assert.deepEqual([0.2, NaN, 0.5, 0.1].sort(loss.compare), [0.1, 0.2, 0.5, NaN]);
  assert.equal(MetricComparator.forTask('regression').metric, 'rmse');
});

test('checkpoints keep exactly the best N files on disk, by score in the metric direction', async () => {
  const dir = tempDir();
  try {
    const cm = new CheckpointManager(dir, { topN: 3, metric: 'rmse' });
    const scores = [0.9, 0.5, 0.7, 0.8, 0.4, 0.6, 1.2];
    const saved = [];
    for (let step = 0; step < scores.length; step++) saved.push(await cm.save({ weights: [step] }, scores[step], step));
    assert.equal(saved[6], null, 'a worse score than the kept three is not written');
    assert.deepEqual(
      cm.list().map((e) => e.step),
      [4, 1, 5],
    );
    const files = readdirSync(dir).sort();
    assert.deepEqual(files, [
      'checkpoint_checkpoints.json',
      'checkpoint_step1.json',
      'checkpoint_step1.json.ok',
      'checkpoint_step4.json',
      'checkpoint_step4.json.ok',
      'checkpoint_step5.json',
      'checkpoint_step5.json.ok',
    ]);
    assert.deepEqual(cm.load(), { weights: [4] });
    const meta = JSON.parse(readFileSync(join(dir, 'checkpoint_checkpoints.json'), 'utf8'));
    assert.deepEqual(
      meta.entries.map((e: { score: number }) => e.score),
      [0.4, 0.5, 0.6],
    );
    assert.equal(meta.direction, 'min');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('checkpoints for a score that rises keep the highest; ties keep the earlier step', async () => {
  const dir = tempDir();
  try {
    const cm = new CheckpointManager(dir, { topN: 2, metric: 'auc', prefix: 'gbdt' });
    for (const [step, s] of [
      [0, 0.7],
      [1, 0.8],
      [2, 0.8],
      [3, 0.6],
    ] as const)
      await cm.save({ step }, s, step);
    assert.deepEqual(
      cm.list().map((e) => e.step),
      [1, 2],
    );
    await cm.save({ step: 4 }, 0.81, 4);
    assert.deepEqual(
      cm.list().map((e) => e.step),
      [4, 1],
    );
    assert.ok(!readdirSync(dir).includes('gbdt_step2.json'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('reopening a folder resumes from complete checkpoints and removes an interrupted one', async () => {
  const dir = tempDir();
  try {
    const first = new CheckpointManager(dir, { topN: 2, metric: 'mse' });
    await first.save({ a: 1 }, 0.3, 1);
    await first.save({ a: 2 }, 0.2, 2);
    writeFileSync(join(dir, 'checkpoint_step3.json'), '{"a": 3'); // crashed before its .ok marker
    const again = new CheckpointManager(dir, { topN: 2, metric: 'mse' });
    assert.deepEqual(
      again.list().map((e) => e.step),
      [2, 1],
    );
    assert.ok(!readdirSync(dir).includes('checkpoint_step3.json'));
    assert.deepEqual(again.load(1), { a: 1 });
    assert.throws(
      () => new CheckpointManager(dir, { topN: 2, metric: 'auc' }),
      /ranked by mse \(min\), not roc_auc \(max\)/,
    );
    writeFileSync(join(dir, 'checkpoint_step2.json'), '{"a": 99}');
    assert.throws(() => again.load(2), /modified after it was saved/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
