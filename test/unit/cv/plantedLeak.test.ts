// A planted leak: labels look 10 bars ahead, so neighbouring rows share most of their label.
// A leaky split (shuffled k-fold) scores near-perfect; purged k-fold scores near chance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossValidate } from '../../../core/ml/cv/crossValidate';
import { purgedKFold } from '../../../core/ml/cv/purgedKFold';
import type { Fold } from '../../../core/ml/cv/types';
import { knnFactory, matrix, randomWalkDataset, shuffledKFold } from './helpers';

const HORIZON = 10;
const ROWS = 1500;
const seeds = [1, 2, 3];

async function auc(feature: Float64Array, y: Float64Array, folds: Fold[]): Promise<number> {
  const r = await crossValidate({
    X: matrix({ name: 'x', values: feature }),
    y,
    task: 'classification',
    folds,
    models: [{ kind: 'knn', factory: knnFactory(), params: { k: 5 } }],
    seed: 7,
  });
  return r.overall.knn.roc_auc;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

test('the forward return leaked into a column scores near-perfect under shuffled k-fold', async () => {
  for (const seed of seeds) {
    const d = randomWalkDataset(ROWS, HORIZON, seed);
    assert.ok((await auc(d.leaked, d.y, shuffledKFold(ROWS, 5, seed))) > 0.97);
  }
});

test('a feature built only from the past scores near chance under purged k-fold', async () => {
  const aucs: number[] = [];
  for (const seed of seeds) {
    const d = randomWalkDataset(ROWS, HORIZON, seed);
    aucs.push(await auc(d.past, d.y, purgedKFold(d.times, d.labelEnds, { nSplits: 5, pctEmbargo: 0.01 })));
  }
  assert.ok(Math.abs(mean(aucs) - 0.5) < 0.05, `mean AUC ${mean(aucs)}`);
  for (const a of aucs) assert.ok(Math.abs(a - 0.5) < 0.1, `AUC ${a}`);
});

test(
  'the same honest feature (the bar number) leaks through overlapping labels under shuffled k-fold, not under ' +
    'purged k-fold',
  async () => {
    const shuffled: number[] = [];
    const purged: number[] = [];
    for (const seed of seeds) {
      const d = randomWalkDataset(ROWS, HORIZON, seed);
      shuffled.push(await auc(d.bar, d.y, shuffledKFold(ROWS, 5, seed)));
      purged.push(await auc(d.bar, d.y, purgedKFold(d.times, d.labelEnds, { nSplits: 5, pctEmbargo: 0.01 })));
    }
    for (const a of shuffled) assert.ok(a > 0.85, `shuffled AUC ${a}`);
    assert.ok(Math.abs(mean(purged) - 0.5) < 0.1, `purged mean AUC ${mean(purged)}`);
    for (const a of purged) assert.ok(a < 0.65, `purged AUC ${a}`);
  },
);
