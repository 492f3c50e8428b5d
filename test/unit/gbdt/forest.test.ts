import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../../../core/errors';
import type { TreeModel } from '../../../core/ml/gbdt/trained';
import { forestFactory } from '../../../core/ml/models/forest';
import { accuracy, makeData, rmse } from './data';

test('forest regression averages trees and beats the constant model', async () => {
  const f = (x: number[], r: () => number): number => 2 * x[0] + Math.abs(x[1]) + 0.2 * (r() - 0.5);
  const tr = makeData(2000, 4, 31, f);
  const te = makeData(800, 4, 32, f);
  const m = (await forestFactory.fit(
    tr.X,
    tr.y,
    { n_estimators: 15 },
    { seed: 1, task: 'regression', threads: 1 },
  )) as TreeModel;
  assert.equal(m.trees, 15);
  const mean = tr.y.reduce((s, v) => s + v, 0) / tr.y.length;
  const constant = rmse(new Float64Array(te.y.length).fill(mean), te.y);
  assert.ok(rmse(m.predict(te.X), te.y) < 0.25 * constant);
  const back = forestFactory.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
  assert.deepEqual(back.predict(te.X), m.predict(te.X));
});

test('forest classification gives class shares: binary in [0, 1], multiclass rows sum to 1', async () => {
  const tr = makeData(2000, 4, 33, (x) => (x[0] * x[1] > 0 ? 1 : 0));
  const te = makeData(500, 4, 34, (x) => (x[0] * x[1] > 0 ? 1 : 0));
  const bin = await forestFactory.fit(
    tr.X,
    tr.y,
    { n_estimators: 30 },
    { seed: 1, task: 'classification', threads: 1 },
  );
  const p = bin.predict(te.X);
  assert.ok(p.every((v) => v >= 0 && v <= 1));
  assert.ok(accuracy(p, te.y) > 0.9, `accuracy ${accuracy(p, te.y)}`);
  const y3 = tr.y.map((v, i) => (v ? (tr.X.columns[2][i] > 0 ? 2 : 1) : 0));
  const multi = await forestFactory.fit(
    tr.X,
    y3,
    { n_estimators: 10 },
    { seed: 1, task: 'classification', nClasses: 3, threads: 1 },
  );
  const q = multi.predict(te.X);
  for (let i = 0; i < 500; i++) assert.ok(Math.abs(q[3 * i] + q[3 * i + 1] + q[3 * i + 2] - 1) < 1e-12);
});

test('forest refuses boosting-only parameters by name', async () => {
  const tr = makeData(100, 2, 35, (x) => x[0]);
  await assert.rejects(
    forestFactory.fit(tr.X, tr.y, { learning_rate: 0.1 }, { seed: 1, task: 'regression', threads: 1 }),
    (e: unknown) => e instanceof UserError && e.location.key === 'learning_rate',
  );
});
