import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearFactory } from '../../../core/ml/models/linear';
import { ridgeFactory } from '../../../core/ml/models/ridge';
import { TrainingFailure } from '../../../core/ml/model';
import { UserError } from '../../../core/errors';
import { assertClose, loadFixture, matrix } from './fixtures';

const fx = loadFixture('regression.json');
const X = matrix(fx.train.columns, fx.names);
const y = Float64Array.from(fx.train.y as number[]);
const Xte = matrix(fx.test.columns, fx.names);
const reg = { seed: 1, task: 'regression' as const };

test('linear matches scikit-learn LinearRegression to 1e-6 (coefficients, intercept, predictions)', async () => {
  const m = await linearFactory.fit(X, y, {}, reg);
  const json = m.toJSON() as unknown as { coef: number[][]; intercept: number[] };
  assertClose(json.coef[0], fx.linear.coef, 1e-6, 'coef');
  assertClose(json.intercept, [fx.linear.intercept], 1e-6, 'intercept');
  assertClose(m.predict(Xte), fx.linear.pred, 1e-6, 'predictions');
});

test('ridge with standardize:false matches scikit-learn Ridge(alpha=2.5) to 1e-6', async () => {
  const m = await ridgeFactory.fit(X, y, { alpha: 2.5, standardize: false }, reg);
  const json = m.toJSON() as unknown as { coef: number[][]; intercept: number[] };
  assertClose(json.coef[0], fx.ridge_raw.coef, 1e-6, 'coef');
  assertClose(json.intercept, [fx.ridge_raw.intercept], 1e-6, 'intercept');
  assertClose(m.predict(Xte), fx.ridge_raw.pred, 1e-6, 'predictions');
});

test('ridge (default standardize) matches StandardScaler + Ridge to 1e-6, coefficients in raw units', async () => {
  const m = await ridgeFactory.fit(X, y, { alpha: 2.5 }, reg);
  const json = m.toJSON() as unknown as { coef: number[][]; intercept: number[] };
  assertClose(json.coef[0], fx.ridge_std.coef, 1e-6, 'coef');
  assertClose(json.intercept, [fx.ridge_std.intercept], 1e-6, 'intercept');
  assertClose(m.predict(Xte), fx.ridge_std.pred, 1e-6, 'predictions');
});

test('a saved linear model reloads with identical predictions', async () => {
  const m = await ridgeFactory.fit(X, y, { alpha: 0.3 }, reg);
  const back = ridgeFactory.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
  assert.deepEqual(back.predict(Xte), m.predict(Xte));
});

test('a duplicated column makes OLS fail with a TrainingFailure naming the column; ridge fits it', async () => {
  const dup = { rows: X.rows, columns: [...X.columns, X.columns[1]], names: [...X.names, 'b_copy'] };
  await assert.rejects(
    linearFactory.fit(dup, y, {}, reg),
    (e: unknown) => e instanceof TrainingFailure && /'b_copy'/.test((e as Error).message),
  );
  const r = await ridgeFactory.fit(dup, y, { alpha: 1 }, reg);
  assert.ok(Number.isFinite(r.predict(dup)[0]));
});

test('a missing value is rejected with the feature column and row', async () => {
  const cols = X.columns.map((c) => Float64Array.from(c));
  cols[2][4] = NaN;
  await assert.rejects(ridgeFactory.fit({ ...X, columns: cols }, y, {}, reg), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.equal(e.location.dataColumn, 'c');
    assert.equal(e.location.row, 5);
    return true;
  });
});

test('a misspelt parameter is a UserError with a suggestion', async () => {
  await assert.rejects(ridgeFactory.fit(X, y, { alpah: 1 }, reg), /no parameter 'alpah' \(did you mean 'alpha'\?\)/);
});

test('prediction matches features by name and names the missing ones', async () => {
  const m = await linearFactory.fit(X, y, {}, reg);
  const reversed = { rows: Xte.rows, columns: [...Xte.columns].reverse(), names: [...Xte.names].reverse() };
  assert.deepEqual(m.predict(reversed), m.predict(Xte));
  const dropped = { rows: Xte.rows, columns: Xte.columns.slice(1), names: Xte.names.slice(1) };
  assert.throws(() => m.predict(dropped), /missing here: a/);
});

test('ridge as a classifier gives probabilities in [0, 1] that rank the classes', async () => {
  const n = 400;
  const x = new Float64Array(n);
  const lab = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = (i % 40) / 10 - 2;
    lab[i] = x[i] + 0.7 * Math.sin(i) > 0 ? 1 : 0;
  }
  const m = await ridgeFactory.fit(
    { rows: n, columns: [x], names: ['x'] },
    lab,
    {},
    { seed: 1, task: 'classification', nClasses: 2 },
  );
  const p = m.predict({ rows: 2, columns: [Float64Array.from([-3, 3])], names: ['x'] });
  assert.ok(p[0] >= 0 && p[0] < 0.2 && p[1] > 0.8 && p[1] <= 1, `got ${p[0]}, ${p[1]}`);
});
