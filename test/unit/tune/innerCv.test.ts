import { test } from 'node:test';
import assert from 'node:assert/strict';
import { innerCvObjective, tuneOnFolds } from '../../../core/ml/tune/innerCv';
import { crossValidate } from '../../../core/ml/cv/crossValidate';
import { purgedKFold } from '../../../core/ml/cv/purgedKFold';
import type { FeatureMatrix, ModelFactory } from '../../../core/ml/model';
import { ridgeFactory } from '../../../core/ml/models/ridge';
import { SeededRng } from '../../../core/ml/rng';
import { knnFactory, matrix, randomWalkDataset } from '../cv/helpers';

const d = randomWalkDataset(600, 5, 21);
const X = matrix(
  { name: 'past', values: d.past },
  { name: 'row', values: Float64Array.from({ length: 600 }, (_, i) => i) },
);
const outer = purgedKFold(d.times, d.labelEnds, { nSplits: 4, pctEmbargo: 0.02 });

/** k-NN that logs the row numbers (column 1) of everything it is fitted on or asked to predict. */
function auditedKnn(log: Set<number>): ModelFactory {
  const inner = knnFactory();
  return {
    ...inner,
    async fit(Xf, y, params, opts) {
      for (const r of Xf.columns[1]) log.add(r);
      const m = await inner.fit(Xf, y, params, opts);
      return {
        ...m,
        predict: (Q: FeatureMatrix) => {
          for (const r of Q.columns[1]) log.add(r);
          return m.predict(Q);
        },
      };
    },
  };
}

test('tuning by inner CV fits and predicts only the outer training rows, never the outer test rows', async () => {
  for (const fold of outer) {
    const touched = new Set<number>();
    const tuner = tuneOnFolds({
      X,
      y: d.y,
      task: 'classification',
      times: d.times,
      labelEnds: d.labelEnds,
      nSplits: 3,
      pctEmbargo: 0.02,
      factory: auditedKnn(touched),
      space: { k: [1, 40, 'int'] },
      nTrials: 8,
      method: 'tpe',
      nStartup: 4,
      seed: 5,
    });
    const params = await tuner.params(fold);
    const train = new Set(fold.train);
    assert.ok(touched.size > 0);
    for (const r of touched)
      assert.ok(train.has(r), `fold ${fold.fold}: tuning touched row ${r}, not an outer training row`);
    for (const r of fold.test) assert.ok(!touched.has(r), `fold ${fold.fold}: tuning touched outer test row ${r}`);
    const result = tuner.results.get(fold.fold);
    assert.equal(result?.trials.length, 8);
    assert.deepEqual(params, result?.best.params);
  }
});

test('inner folds are purged like outer ones and stay inside the outer training rows', () => {
  const fold = outer[1]; // a middle fold: its training rows have a hole where the test block was
  const inner = innerCvObjective({
    X,
    y: d.y,
    task: 'classification',
    rows: fold.train,
    times: d.times,
    labelEnds: d.labelEnds,
    nSplits: 3,
    pctEmbargo: 0,
    factory: knnFactory(),
    seed: 1,
  });
  assert.equal(inner.metric, 'roc_auc');
  assert.equal(inner.direction, 'max');
  const train = new Set(fold.train);
  const testedInside = new Set<number>();
  for (const f of inner.folds) {
    for (const i of [...f.train, ...f.test]) assert.ok(train.has(i));
    for (const j of f.test) testedInside.add(j);
    for (const i of f.train)
      for (const j of f.test) assert.ok(d.labelEnds[i] < d.times[j] || d.times[i] > d.labelEnds[j]);
  }
  assert.equal(testedInside.size, fold.train.length, 'every outer training row is tested once inside');
});

test("nested CV end to end: crossValidate uses each fold's tuned params", async () => {
  const tuner = tuneOnFolds({
    X,
    y: d.y,
    task: 'classification',
    times: d.times,
    labelEnds: d.labelEnds,
    nSplits: 3,
    pctEmbargo: 0.01,
    factory: knnFactory(),
    baseParams: { k: 5, extra: 'kept' },
    space: { k: [1, 40, 'int'] },
    nTrials: 6,
    method: 'random',
    seed: 5,
  });
  const r = await crossValidate({
    X,
    y: d.y,
    task: 'classification',
    folds: outer,
    seed: 5,
    models: [{ kind: 'knn', factory: knnFactory(), params: tuner.params }],
  });
  for (const pf of r.perFold) {
    assert.deepEqual(pf.params, { k: tuner.results.get(pf.fold)?.best.params.k, extra: 'kept' });
    assert.ok(pf.paramSeconds > 0);
  }
});

test('the real ridge: purged CV of a linear signal scores well and tuning rejects heavy shrinkage', async () => {
  const rng = new SeededRng(3);
  const n = 500;
  const x1 = Float64Array.from({ length: n }, () => rng.normal());
  const x2 = Float64Array.from({ length: n }, () => rng.normal());
  const y = Float64Array.from({ length: n }, (_, i) => 2 * x1[i] - x2[i] + 0.3 * rng.normal());
  const times = Float64Array.from({ length: n }, (_, i) => d.times[0] + i * 3_600_000);
  const ends = Float64Array.from(times, (t) => t + 5 * 3_600_000);
  const Xr = matrix({ name: 'x1', values: x1 }, { name: 'x2', values: x2 });
  const folds = purgedKFold(times, ends, { nSplits: 5, pctEmbargo: 0.01 });
  const tuner = tuneOnFolds({
    X: Xr,
    y,
    task: 'regression',
    times,
    labelEnds: ends,
    nSplits: 3,
    pctEmbargo: 0.01,
    factory: ridgeFactory,
    baseParams: ridgeFactory.defaults,
    space: ridgeFactory.space ?? {},
    nTrials: 15,
    method: 'tpe',
    nStartup: 6,
    seed: 1,
  });
  const r = await crossValidate({
    X: Xr,
    y,
    task: 'regression',
    folds,
    seed: 1,
    models: [{ kind: 'ridge', factory: ridgeFactory, params: tuner.params }],
  });
  assert.ok(r.overall.ridge.r2 > 0.95, `R^2 ${r.overall.ridge.r2}`);
  assert.ok(r.overall.ridge.rmse < 0.4, `RMSE ${r.overall.ridge.rmse}`);
  for (const pf of r.perFold) assert.ok(Number(pf.params.alpha) < 30, `fold ${pf.fold} alpha ${pf.params.alpha}`);
  assert.ok(r.foldOf.every((k) => k >= 0));
});
