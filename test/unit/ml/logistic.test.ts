import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logisticFactory } from '../../../core/ml/models/logistic';
import { TrainingFailure } from '../../../core/ml/model';
import { assertClose, loadFixture, matrix, type Json } from './fixtures';

interface Saved {
  coef: number[][];
  intercept: number[];
}

function setup(name: string) {
  const fx: Json = loadFixture(name);
  const X = matrix(fx.train.columns, fx.names);
  const y = Float64Array.from(fx.train.y as number[]);
  const Xte = matrix(fx.test.columns, fx.names);
  return { fx, X, y, Xte, opts: { seed: 1, task: 'classification' as const, nClasses: fx.k as number } };
}

for (const [file, label] of [
  ['logistic_binary.json', 'binary'],
  ['logistic_multinomial.json', 'multinomial'],
] as const) {
  for (const solver of ['newton', 'lbfgs'] as const) {
    test(
      `${label} logistic (${solver}) reaches scikit-learn's ` + `exact optimum to 1e-6, raw and standardised penalty`,
      async () => {
        const { fx, X, y, Xte, opts } = setup(file);
        for (const [standardize, ref] of [
          [false, fx.logistic_raw],
          [true, fx.logistic_std],
        ] as const) {
          const m = await logisticFactory.fit(X, y, { C: 0.5, standardize, solver }, opts);
          const json = m.toJSON() as unknown as Saved;
          assertClose(json.coef.flat(), (ref.coef as number[][]).flat(), 1e-6, `coef (standardize ${standardize})`);
          assertClose(json.intercept, ref.intercept, 1e-6, `intercept (standardize ${standardize})`);
          assertClose(m.predict(Xte), ref.proba, 1e-7, `probabilities (standardize ${standardize})`);
        }
      },
    );
  }

  test(
    `${label} logistic matches scikit-learn's default ` +
      `lbfgs fit (StandardScaler + LogisticRegression) to ` +
      `1e-4`,
    async () => {
      const { fx, X, y, Xte, opts } = setup(file);
      const m = await logisticFactory.fit(X, y, { C: 0.5 }, opts);
      const json = m.toJSON() as unknown as Saved;
      assertClose(json.coef.flat(), (fx.logistic_std_lbfgs.coef as number[][]).flat(), 1e-4, 'coef');
      assertClose(json.intercept, fx.logistic_std_lbfgs.intercept, 1e-4, 'intercept');
      assertClose(m.predict(Xte), fx.logistic_std_lbfgs.proba, 1e-4, 'probabilities');
    },
  );
}

test('multinomial probabilities are row-major and sum to 1; reload gives identical predictions', async () => {
  const { X, y, Xte, opts } = setup('logistic_multinomial.json');
  const m = await logisticFactory.fit(X, y, {}, opts);
  const p = m.predict(Xte);
  assert.equal(p.length, Xte.rows * 3);
  for (let i = 0; i < Xte.rows; i++) assert.ok(Math.abs(p[3 * i] + p[3 * i + 1] + p[3 * i + 2] - 1) < 1e-12);
  const back = logisticFactory.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
  assert.deepEqual(back.predict(Xte), p);
});

test(
  'a fit that has not converged within max_iter ' + '(separable classes, almost no penalty) is a ' + 'TrainingFailure',
  async () => {
    const n = 100;
    const x = Float64Array.from({ length: n }, (_, i) => i - 49.5);
    const y = x.map((v) => (v > 0 ? 1 : 0));
    await assert.rejects(
      logisticFactory.fit(
        { rows: n, columns: [x], names: ['x'] },
        y,
        { C: 1e12, max_iter: 3 },
        { seed: 1, task: 'classification', nClasses: 2 },
      ),
      (e: unknown) => e instanceof TrainingFailure && /separable/.test((e as Error).message),
    );
  },
);

test('logistic refuses a regression task', async () => {
  const { X, y } = setup('logistic_binary.json');
  await assert.rejects(logisticFactory.fit(X, y, {}, { seed: 1, task: 'regression' }), /does not support regression/);
});
