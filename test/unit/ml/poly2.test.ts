import { test } from 'node:test';
import assert from 'node:assert/strict';
import { poly2Factory, expandedNames } from '../../../core/ml/models/poly2';
import { assertClose, loadFixture, matrix } from './fixtures';

const fx = loadFixture('regression.json');
const X = matrix(fx.train.columns, fx.names);
const y = Float64Array.from(fx.train.y as number[]);
const Xte = matrix(fx.test.columns, fx.names);
const reg = { seed: 1, task: 'regression' as const };

test('expanded columns follow scikit-learn PolynomialFeatures order', () => {
  assert.deepEqual(expandedNames(['a', 'b', 'c']), ['a', 'b', 'c', 'a^2', 'a*b', 'a*c', 'b^2', 'b*c', 'c^2']);
});

test('poly2 with standardize:false matches PolynomialFeatures + Ridge(alpha=0.7)', async () => {
  const m = await poly2Factory.fit(X, y, { alpha: 0.7, standardize: false }, reg);
  const json = m.toJSON() as unknown as { coef: number[][]; intercept: number[] };
  // The raw expansion spans 1e-4 .. 1e6 in scale; compare relative to each coefficient's size.
  const ref = fx.poly2_raw.coef as number[];
  json.coef[0].forEach((c, j) =>
    assert.ok(Math.abs(c - ref[j]) <= 1e-6 * Math.max(1, Math.abs(ref[j])), `coef ${j}: ${c} vs ${ref[j]}`),
  );
  assertClose(m.predict(Xte), fx.poly2_raw.pred, 1e-6, 'predictions');
});

test(
  'poly2 (default standardize) matches StandardScaler -> ' + 'PolynomialFeatures -> StandardScaler -> Ridge to 1e-6',
  async () => {
    const m = await poly2Factory.fit(X, y, { alpha: 0.7 }, reg);
    const json = m.toJSON() as unknown as { coef: number[][]; intercept: number[] };
    assertClose(json.coef[0], fx.poly2_std.coef, 1e-6, 'coef');
    assertClose(json.intercept, [fx.poly2_std.intercept], 1e-6, 'intercept');
    assertClose(m.predict(Xte), fx.poly2_std.pred, 1e-6, 'predictions');
    const back = poly2Factory.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    assert.deepEqual(back.predict(Xte), m.predict(Xte));
  },
);

test('poly2 refuses more features than it can expand, saying how many columns that would be', async () => {
  const cols = Array.from({ length: 41 }, (_, j) => Float64Array.from([1, 2, 3, 4, 5], (v) => v * (j + 1)));
  const wide = { rows: 5, columns: cols, names: cols.map((_, j) => `f${j}`) };
  await assert.rejects(poly2Factory.fit(wide, new Float64Array(5), {}, reg), /41 features would expand to 902 columns/);
});
