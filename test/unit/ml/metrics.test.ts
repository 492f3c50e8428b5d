import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeMetric, computeMetrics, metricDirection, metricName } from '../../../core/ml/metrics';
import { UserError } from '../../../core/errors';
import { loadFixture } from './fixtures';

const fx = loadFixture('metrics.json');
const f64 = (a: number[]) => Float64Array.from(a);

function assertMetric(name: string, y: number[], p: number[], expected: number) {
  const got = computeMetric(name, f64(y), f64(p));
  assert.ok(Math.abs(got - expected) <= 1e-9, `${name}: ${got} vs scikit-learn ${expected}`);
}

test('regression metrics equal scikit-learn to 1e-9', () => {
  const r = fx.regression;
  for (const m of ['mae', 'mse', 'rmse', 'r2']) assertMetric(m, r.y, r.pred, r[m]);
});

test('R^2 of a constant target follows scikit-learn: 1 when perfect, else 0', () => {
  const r = fx.regression_constant;
  assertMetric('r2', r.y, r.pred, r.r2);
  assertMetric('r2', r.y, r.y, r.r2_perfect);
});

test('binary metrics equal scikit-learn to 1e-9 on tied scores and 0/1 probabilities', () => {
  const b = fx.binary;
  for (const m of ['accuracy', 'precision', 'recall', 'f1', 'log_loss', 'roc_auc', 'brier'])
    assertMetric(m, b.y, b.p, b[m]);
});

test('precision and F1 with no positive prediction are 0, like zero_division=0', () => {
  const b = fx.binary_no_positive_prediction;
  assertMetric('precision', b.y, b.p, b.precision);
  assertMetric('f1', b.y, b.p, b.f1);
});

test('multiclass metrics (macro, one-vs-rest AUC) equal scikit-learn to 1e-9', () => {
  const m = fx.multiclass;
  for (const name of ['accuracy', 'precision', 'recall', 'f1', 'log_loss', 'roc_auc'])
    assertMetric(name, m.y, m.p, m[name]);
});

test('AUC with a single class present is NaN, not a crash', () => {
  assert.ok(Number.isNaN(computeMetric('roc_auc', f64([1, 1, 1]), f64([0.2, 0.5, 0.9]))));
});

test('directions: errors and losses are minimised, scores maximised; aliases resolve', () => {
  for (const m of ['mae', 'mse', 'rmse', 'log_loss', 'brier', 'logloss']) assert.equal(metricDirection(m), 'min', m);
  for (const m of ['r2', 'accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'auc'])
    assert.equal(metricDirection(m), 'max', m);
  assert.equal(metricName('AUC'), 'roc_auc');
  assert.throws(
    () => metricDirection('rmsee'),
    (e: unknown) => e instanceof UserError && /did you mean 'rmse'/.test(e.message),
  );
});

test('bad inputs name the row: missing prediction, label out of range, probability above 1', () => {
  assert.throws(() => computeMetric('mae', f64([1, 2, 3]), f64([1, NaN, 3])), /prediction is missing at row 2/);
  assert.throws(
    () => computeMetric('accuracy', f64([0, 3]), f64([0.1, 0.9])),
    /row 2 is 3, expected a class code 0..1/,
  );
  assert.throws(
    () => computeMetric('log_loss', f64([0, 1]), f64([0.1, 1.7])),
    /probabilities in \[0, 1\]; row 2 has 1.7/,
  );
});

test('computeMetrics reports every metric of the task', () => {
  const b = fx.binary;
  const all = computeMetrics('classification', f64(b.y), f64(b.p));
  assert.deepEqual(Object.keys(all), ['accuracy', 'precision', 'recall', 'f1', 'log_loss', 'roc_auc', 'brier']);
  assert.ok(Math.abs(all.roc_auc - b.roc_auc) < 1e-12);
});
