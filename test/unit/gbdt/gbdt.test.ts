import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../../../core/errors';
import { trainEnsemble } from '../../../core/ml/gbdt/booster';
import { logistic, squaredError } from '../../../core/ml/gbdt/objectives';
import { parseGbdtParams } from '../../../core/ml/gbdt/params';
import type { TreeModel } from '../../../core/ml/gbdt/trained';
import { gbdtFactory } from '../../../core/ml/models/gbdt';
import { accuracy, makeData, matrix, rmse } from './data';

const xor = (x: number[]): number => (x[0] > 0 !== x[1] > 0 ? 1 : 0);

test('learns an XOR interaction that no single feature explains', async () => {
  const tr = makeData(3000, 5, 1, xor);
  const te = makeData(2000, 5, 2, xor);
  const m = await gbdtFactory.fit(
    tr.X,
    tr.y,
    { n_estimators: 30, max_depth: 3, learning_rate: 0.3 },
    { seed: 1, task: 'classification', threads: 1 },
  );
  assert.ok(accuracy(m.predict(te.X), te.y) > 0.97);
  const imp = m.importance?.() ?? {};
  assert.ok(imp.f0 + imp.f1 > 0.9, JSON.stringify(imp));
});

test('regression beats the constant model by a clear margin', async () => {
  const f = (x: number[], r: () => number): number => Math.sin(3 * x[0]) + x[1] * x[2] + 0.1 * (r() - 0.5);
  const tr = makeData(3000, 4, 3, f);
  const te = makeData(1000, 4, 4, f);
  const m = await gbdtFactory.fit(
    tr.X,
    tr.y,
    { n_estimators: 100, max_depth: 4 },
    { seed: 1, task: 'regression', threads: 1 },
  );
  const mean = tr.y.reduce((s, v) => s + v, 0) / tr.y.length;
  const constant = rmse(new Float64Array(te.y.length).fill(mean), te.y);
  assert.ok(rmse(m.predict(te.X), te.y) < 0.3 * constant, `${rmse(m.predict(te.X), te.y)} vs ${constant}`);
});

test('training loss never goes up, round after round', async () => {
  const tr = makeData(2000, 4, 5, (x, r) => (x[0] + x[1] * x[2] + 0.5 * (r() - 0.5) > 0 ? 1 : 0));
  for (const objective of [squaredError, logistic]) {
    const params = parseGbdtParams({ n_estimators: 40, max_depth: 3, learning_rate: 0.3 });
    const t = await trainEnsemble(tr.X, tr.y, params, objective, 'boost', {
      seed: 1,
      threads: 1,
      recordTrainLoss: true,
    });
    assert.equal(t.trainLoss.length, 40);
    t.trainLoss.forEach(
      (l, i) =>
        i && assert.ok(l <= t.trainLoss[i - 1] + 1e-12, `${objective.name} round ${i}: ${l} > ${t.trainLoss[i - 1]}`),
    );
    assert.ok(t.trainLoss[39] < 0.8 * t.trainLoss[0]);
  }
});

test('early stopping stops on a noise label and keeps the best round', async () => {
  const noise = (_x: number[], r: () => number): number => (r() < 0.5 ? 1 : 0);
  const tr = makeData(1500, 4, 6, noise);
  const va = makeData(800, 4, 7, noise);
  const m = (await gbdtFactory.fit(
    tr.X,
    tr.y,
    { n_estimators: 500, max_depth: 4, learning_rate: 0.3, early_stopping_rounds: 5 },
    {
      seed: 1,
      task: 'classification',
      threads: 1,
      valid: va,
    },
  )) as TreeModel;
  const losses = m.validLoss;
  assert.ok(losses.length < 60, `ran ${losses.length} rounds`);
  assert.equal(losses.length, m.rounds + 5);
  assert.equal(m.rounds, losses.indexOf(Math.min(...losses)) + 1);
  assert.equal(m.trees, m.rounds);
});

test('a feature that is NaN exactly when the label is 1 is used, and NaN rows go to the learned side', async () => {
  const make = (n: number, seed: number) => {
    const d = makeData(n, 3, seed, (_x, r) => (r() < 0.4 ? 1 : 0));
    const f0 = d.X.columns[0];
    for (let i = 0; i < n; i++) if (d.y[i] === 1) f0[i] = NaN;
    return d;
  };
  const tr = make(2000, 8);
  const te = make(500, 9);
  const m = await gbdtFactory.fit(
    tr.X,
    tr.y,
    { n_estimators: 20, max_depth: 2, learning_rate: 0.5 },
    { seed: 1, task: 'classification', threads: 1 },
  );
  const p = m.predict(te.X);
  for (let i = 0; i < te.y.length; i++)
    assert.ok(te.y[i] === 1 ? p[i] > 0.95 : p[i] < 0.05, `row ${i}: y ${te.y[i]} p ${p[i]}`);
  assert.ok((m.importance?.() ?? {}).f0 > 0.99);
});

test('multiclass: one tree per class per round, probabilities sum to 1 and are accurate', async () => {
  const cls = (x: number[]): number => (x[0] > 0.3 ? 2 : x[1] > 0 ? 1 : 0);
  const tr = makeData(2000, 4, 10, cls);
  const te = makeData(600, 4, 11, cls);
  const m = (await gbdtFactory.fit(
    tr.X,
    tr.y,
    { n_estimators: 15, max_depth: 3 },
    { seed: 1, task: 'classification', nClasses: 3, threads: 1 },
  )) as TreeModel;
  assert.equal(m.trees, 45);
  const p = m.predict(te.X);
  assert.equal(p.length, 600 * 3);
  let correct = 0;
  for (let i = 0; i < 600; i++) {
    const row = Array.from(p.subarray(i * 3, i * 3 + 3));
    assert.ok(Math.abs(row[0] + row[1] + row[2] - 1) < 1e-12);
    if (row.indexOf(Math.max(...row)) === te.y[i]) correct++;
  }
  assert.ok(correct / 600 > 0.95, `accuracy ${correct / 600}`);
});

test('leaf-wise growth respects max_leaves', async () => {
  const tr = makeData(2000, 4, 12, (x) => Math.sin(4 * x[0]) + x[1]);
  const m = await gbdtFactory.fit(
    tr.X,
    tr.y,
    { n_estimators: 5, max_leaves: 7, max_depth: 0 },
    { seed: 1, task: 'regression', threads: 1 },
  );
  const trees = m.toJSON().trees as { trees: number; nodes: number };
  assert.equal(trees.trees, 5);
  assert.equal(trees.nodes, 5 * (2 * 7 - 1));
});

test('JSON round trip gives identical predictions; columns are matched by name', async () => {
  const tr = makeData(1500, 4, 13, (x, r) => (x[0] * x[1] + 0.2 * r() > 0 ? 1 : 0));
  tr.X.columns[2][5] = NaN;
  const m = await gbdtFactory.fit(
    tr.X,
    tr.y,
    { n_estimators: 25, max_depth: 4, subsample: 0.8, colsample_bytree: 0.75 },
    { seed: 3, task: 'classification', threads: 1 },
  );
  const back = gbdtFactory.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
  assert.deepEqual(back.predict(tr.X), m.predict(tr.X));
  assert.deepEqual(back.importance?.(), m.importance?.());
  const reordered = matrix(
    [tr.X.columns[3], tr.X.columns[1], tr.X.columns[0], tr.X.columns[2]],
    ['f3', 'f1', 'f0', 'f2'],
  );
  assert.deepEqual(back.predict(reordered), m.predict(tr.X));
  const missing = matrix([tr.X.columns[0], tr.X.columns[1], tr.X.columns[2]], ['f0', 'f1', 'f2']);
  assert.throws(
    () => back.predict(missing),
    (e: unknown) => e instanceof UserError && /'f3'/.test(e.message),
  );
});

test('bad parameters and labels are user errors naming the key or row', async () => {
  const tr = makeData(50, 2, 14, (x) => (x[0] > 0 ? 1 : 0));
  const opts = { seed: 1, task: 'classification' as const, threads: 1 };
  await assert.rejects(
    gbdtFactory.fit(tr.X, tr.y, { max_dept: 3 }, opts),
    (e: unknown) => e instanceof UserError && /did you mean 'max_depth'/.test(e.message),
  );
  await assert.rejects(
    gbdtFactory.fit(tr.X, tr.y, { subsample: 0 }, opts),
    (e: unknown) => e instanceof UserError && e.location.key === 'subsample',
  );
  await assert.rejects(
    gbdtFactory.fit(tr.X, tr.y, { max_bin: 300 }, opts),
    (e: unknown) => e instanceof UserError && /max_bin/.test(e.message),
  );
  const y = tr.y.slice();
  y[7] = 0.5;
  await assert.rejects(
    gbdtFactory.fit(tr.X, y, {}, opts),
    (e: unknown) => e instanceof UserError && e.location.row === 8,
  );
});

test('seeded sampling: same seed same model, other seed other model', async () => {
  const tr = makeData(1000, 5, 15, (x, r) => x[0] + x[1] * x[2] + 0.3 * r());
  const params = { n_estimators: 10, subsample: 0.7, colsample_bytree: 0.6, colsample_bynode: 0.5 };
  const fit = (seed: number) =>
    gbdtFactory
      .fit(tr.X, tr.y, params, { seed, task: 'regression', threads: 1 })
      .then((m) => JSON.stringify(m.toJSON()));
  assert.equal(await fit(4), await fit(4));
  assert.notEqual(await fit(4), await fit(5));
});

test('an aborted signal cancels training', async () => {
  const tr = makeData(200, 2, 16, (x) => x[0]);
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(
    gbdtFactory.fit(tr.X, tr.y, {}, { seed: 1, task: 'regression', threads: 1, signal: ac.signal }),
    /cancelled/,
  );
});
