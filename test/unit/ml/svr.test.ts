import { test } from 'node:test';
import assert from 'node:assert/strict';
import { svrFactory } from '../../../core/ml/models/svr';
import { TrainingFailure } from '../../../core/ml/model';
import { assertClose, loadFixture, matrix, maxAbsDiff } from './fixtures';

const fx = loadFixture('regression.json');
const X = matrix(fx.train.columns, fx.names);
const y = Float64Array.from(fx.train.y as number[]);
const Xte = matrix(fx.test.columns, fx.names);
const reg = { seed: 3, task: 'regression' as const };
const tight = { C: 1, epsilon: 0.2, tol: 1e-10, max_iter: 1_000_000 };

for (const [loss, key] of [
  ['epsilon_insensitive', 'svr_l1'],
  ['squared_epsilon_insensitive', 'svr_l2'],
] as const) {
  test(`linear svr (${loss}) matches StandardScaler + LinearSVR when both are run to convergence`, async () => {
    const m = await svrFactory.fit(X, y, { ...tight, loss }, reg);
    const json = m.toJSON() as unknown as { coef: number[]; intercept: number };
    // Both solve the same strictly convex primal; the remaining gap is the solvers' stopping rule.
    assertClose(json.coef, fx[key].coef, 1e-6, 'coef');
    assertClose([json.intercept], [fx[key].intercept], 1e-6, 'intercept');
    assertClose(m.predict(Xte), fx[key].pred, 1e-6, 'predictions');
  });
}

test('rbf svr through Nystroem with every row as basis matches scikit-learn Nystroem + LinearSVR', async () => {
  const m = await svrFactory.fit(
    X,
    y,
    { ...tight, loss: 'epsilon_insensitive', kernel: 'rbf', gamma: 0.3, n_components: 200 },
    reg,
  );
  const pred = m.predict(Xte);
  const d = maxAbsDiff(pred, fx.svr_rbf_full.pred);
  assert.ok(d < 1e-6, `max |difference| ${d}`);
});

test(
  'rbf svr with fewer components is seeded: same seed same model, and it beats the linear fit on a curved ' + 'target',
  async () => {
    const n = 600;
    const x = Float64Array.from({ length: n }, (_, i) => (i / n) * 6 - 3);
    const target = x.map((v) => Math.sin(2 * v));
    const M = { rows: n, columns: [x], names: ['x'] };
    const a = await svrFactory.fit(
      M,
      target,
      { kernel: 'rbf', n_components: 40, gamma: 2, C: 10, epsilon: 0.01, loss: 'squared_epsilon_insensitive' },
      { seed: 5, task: 'regression' },
    );
    const b = await svrFactory.fit(
      M,
      target,
      { kernel: 'rbf', n_components: 40, gamma: 2, C: 10, epsilon: 0.01, loss: 'squared_epsilon_insensitive' },
      { seed: 5, task: 'regression' },
    );
    assert.deepEqual(a.predict(M), b.predict(M));
    const lin = await svrFactory.fit(
      M,
      target,
      { C: 10, epsilon: 0.01, max_iter: 10_000 },
      { seed: 5, task: 'regression' },
    );
    const mse = (p: Float64Array) => p.reduce((s, v, i) => s + (v - target[i]) ** 2, 0) / n;
    assert.ok(
      mse(a.predict(M)) < 0.01 && mse(lin.predict(M)) > 0.2,
      `rbf ${mse(a.predict(M))}, linear ${mse(lin.predict(M))}`,
    );
    const back = svrFactory.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    assert.deepEqual(back.predict(M), a.predict(M));
  },
);

test('svr (L1 loss, dual coordinate descent) that cannot converge within max_iter is a TrainingFailure', async () => {
  await assert.rejects(
    svrFactory.fit(X, y, { loss: 'epsilon_insensitive', C: 100, tol: 1e-12, max_iter: 2 }, reg),
    TrainingFailure,
  );
});

test(
  'the default squared loss (primal Newton) converges ' + 'on a long noisy series where L1 dual descent is slow',
  async () => {
    const n = 20_000;
    const a = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 3);
    const b = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 0.11) + (i % 7) / 7);
    const target = a.map((v, i) => 0.5 * v - 2 * b[i] + Math.sin(i * 1.7));
    const M = { rows: n, columns: [a, b], names: ['a', 'b'] };
    const m = await svrFactory.fit(M, target, {}, reg);
    const json = m.toJSON() as unknown as { coef: number[] };
    assert.ok(Math.abs(json.coef[0] - 0.5) < 0.05 && Math.abs(json.coef[1] + 2) < 0.1, `coef ${json.coef}`);
  },
);
