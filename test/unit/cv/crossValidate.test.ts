import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossValidate } from '../../../core/ml/cv/crossValidate';
import { purgedKFold } from '../../../core/ml/cv/purgedKFold';
import { walkForward } from '../../../core/ml/cv/walkForward';
import type { FeatureMatrix, ModelFactory } from '../../../core/ml/model';
import { CancelledError, UserError } from '../../../core/errors';
import { knnFactory, matrix, randomWalkDataset } from './helpers';

const d = randomWalkDataset(400, 5, 11);
const rowId = Float64Array.from({ length: 400 }, (_, i) => i);
// column 0 is the feature the k-NN uses; column 1 carries the original row number so fits can be audited
const X = matrix({ name: 'past', values: d.past }, { name: 'row', values: rowId });

test(
  "each fit sees only its fold's training rows: never " + 'a test row, never a row whose label overlaps one',
  async () => {
    const folds = purgedKFold(d.times, d.labelEnds, { nSplits: 4, pctEmbargo: 0.02 });
    const seen: Float64Array[] = [];
    const factory = knnFactory((Xf: FeatureMatrix) => seen.push(Float64Array.from(Xf.columns[1])));
    const r = await crossValidate({
      X,
      y: d.y,
      task: 'classification',
      folds,
      models: [{ kind: 'knn', factory, params: { k: 3 } }],
      seed: 1,
    });
    assert.equal(seen.length, 4);
    folds.forEach((f, k) => {
      assert.deepEqual([...seen[k]], [...f.train]);
      for (const i of seen[k])
        for (const j of f.test) {
          assert.ok(
            d.labelEnds[i] < d.times[j] || d.times[i] > d.labelEnds[j],
            `fold ${k}: trained on ${i}, overlapping test row ${j}`,
          );
        }
    });
    assert.ok(r.foldOf.every((k) => k >= 0));
    // every OOF value is what a model trained on exactly that fold's training rows predicts
    for (const f of folds) {
      const take = (rows: Uint32Array): FeatureMatrix => ({
        rows: rows.length,
        names: X.names,
        columns: X.columns.map((c) => Float64Array.from(rows, (i) => c[i])),
      });
      const m = await knnFactory().fit(
        take(f.train),
        Float64Array.from(f.train, (i) => d.y[i]),
        { k: 3 },
        { seed: 1, task: 'classification' },
      );
      const p = m.predict(take(f.test));
      f.test.forEach((row, j) => assert.equal(r.oof.knn[row], p[j]));
      assert.equal(r.foldOf[f.test[0]], f.fold);
    }
    assert.equal(r.perFold.length, 4);
    assert.deepEqual(
      r.perFold.map((p) => p.testRows),
      folds.map((f) => f.test.length),
    );
    assert.ok(r.perFold.every((p) => p.scores.roc_auc >= 0 && p.scores.roc_auc <= 1 && p.scores.log_loss > 0));
  },
);

test('rows never tested keep NaN and fold -1, and the overall score ignores them', async () => {
  const folds = walkForward(d.times, {
    nSplits: 3,
    mode: 'sliding',
    trainSize: 100,
    testSize: 50,
    labelEnds: d.labelEnds,
  });
  const r = await crossValidate({
    X,
    y: d.y,
    task: 'regression',
    folds,
    models: [
      { kind: 'knn', name: 'knn_a', factory: knnFactory(), params: { k: 4 } },
      { kind: 'knn', name: 'knn_b', factory: knnFactory(), params: { k: 9 } },
    ],
    seed: 1,
  });
  const untested = [...r.foldOf].filter((k) => k === -1).length;
  assert.equal(untested, 400 - 150);
  for (let i = 0; i < 400; i++) {
    assert.equal(Number.isNaN(r.oof.knn_a[i]), r.foldOf[i] === -1, `row ${i}`);
  }
  assert.ok(Number.isFinite(r.overall.knn_a.rmse) && Number.isFinite(r.overall.knn_b.r2));
  assert.deepEqual(
    r.perFold.map((p) => `${p.model}:${p.fold}:${p.params.k}`),
    ['knn_a:0:4', 'knn_b:0:9', 'knn_a:1:4', 'knn_b:1:9', 'knn_a:2:4', 'knn_b:2:9'],
  );
});

test('multiclass OOF holds one probability per class per row; params may be chosen per fold', async () => {
  const y3 = Float64Array.from(d.past, (v) => (v < -1 ? 0 : v < 1 ? 1 : 2));
  // predicts the class frequencies of its training rows
  const prior: ModelFactory = {
    kind: 'prior',
    tasks: ['classification'],
    defaults: {},
    async fit(_X, y, params, opts) {
      const k = opts.nClasses ?? 2;
      const freq = new Float64Array(k);
      for (const v of y) freq[v] += 1 / y.length;
      return {
        kind: 'prior',
        task: 'classification',
        nClasses: k,
        features: [],
        toJSON: () => ({ kind: 'prior', task: 'classification', features: [] }),
        predict: (Q) => Float64Array.from({ length: Q.rows * k }, (_, i) => freq[i % k] + 0 * Number(params.fold)),
      };
    },
    fromJSON() {
      throw new Error('unused');
    },
  };
  const folds = purgedKFold(d.times, d.labelEnds, { nSplits: 3, pctEmbargo: 0 });
  const r = await crossValidate({
    X,
    y: y3,
    task: 'classification',
    nClasses: 3,
    folds,
    seed: 1,
    models: [{ kind: 'prior', factory: prior, params: async (f) => ({ fold: f.fold }) }],
  });
  assert.equal(r.width, 3);
  assert.equal(r.oof.prior.length, 400 * 3);
  for (const f of folds) {
    const counts = [0, 0, 0];
    for (const i of f.train) counts[y3[i]]++;
    const row = f.test[5];
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(r.oof.prior[row * 3 + c] - counts[c] / f.train.length) < 1e-12);
  }
  assert.deepEqual(
    r.perFold.map((p) => p.params.fold),
    [0, 1, 2],
  );
  assert.ok(r.overall.prior.log_loss > 0 && r.overall.prior.accuracy > 0);
});

test('progress runs to 1, and an aborted signal cancels before the next fit', async () => {
  const folds = purgedKFold(d.times, d.labelEnds, { nSplits: 3, pctEmbargo: 0 });
  const fractions: number[] = [];
  await crossValidate({
    X,
    y: d.y,
    task: 'classification',
    folds,
    seed: 1,
    models: [{ kind: 'knn', factory: knnFactory(), params: {} }],
    onProgress: (p) => fractions.push(p.fraction),
  });
  assert.equal(fractions[fractions.length - 1], 1);
  assert.ok(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]));
  const ctrl = new AbortController();
  let fits = 0;
  const factory = knnFactory(() => {
    if (++fits === 2) ctrl.abort();
  });
  await assert.rejects(
    crossValidate({
      X,
      y: d.y,
      task: 'classification',
      folds,
      seed: 1,
      signal: ctrl.signal,
      models: [{ kind: 'knn', factory, params: {} }],
    }),
    CancelledError,
  );
  assert.equal(fits, 2);
});

test('a missing label or a repeated model name is a user error that says where', async () => {
  const folds = purgedKFold(d.times, d.labelEnds, { nSplits: 3, pctEmbargo: 0 });
  const y = Float64Array.from(d.y);
  y[41] = NaN;
  await assert.rejects(
    crossValidate({
      X,
      y,
      task: 'classification',
      folds,
      seed: 1,
      models: [{ kind: 'knn', factory: knnFactory(), params: {} }],
    }),
    (e: unknown) => e instanceof UserError && e.location.row === 42 && /drop rows without a label/.test(e.message),
  );
  await assert.rejects(
    crossValidate({
      X,
      y: d.y,
      task: 'classification',
      folds,
      seed: 1,
      models: [
        { kind: 'knn', factory: knnFactory(), params: {} },
        { kind: 'knn', factory: knnFactory(), params: {} },
      ],
    }),
    (e: unknown) => e instanceof UserError && e.location.key === 'models' && /'knn' is listed twice/.test(e.message),
  );
});
