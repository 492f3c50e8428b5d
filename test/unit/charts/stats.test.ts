import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bins2d, calibration, drawdown, histogram, rocCurve } from '../../../core/charts/stats';

const ref = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'reference.json'), 'utf8')) as {
  y: number[];
  score: number[];
  roc: { fpr: number[]; tpr: number[]; auc: number };
  calibration: { prob_true: number[]; prob_pred: number[] };
  histogram: { values: number[]; counts: number[]; edges: number[] };
};

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12): void => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `index ${i}: ${a[i]} vs ${b[i]}`);
};

test('ROC matches scikit-learn roc_curve (ties collapsed) and roc_auc_score', () => {
  const roc = rocCurve(ref.y, ref.score, 1e9);
  close(roc.fpr, ref.roc.fpr);
  close(roc.tpr, ref.roc.tpr);
  assert.ok(Math.abs(roc.auc - ref.roc.auc) < 1e-12);
  const thin = rocCurve(ref.y, ref.score, 20);
  assert.equal(thin.fpr.length, 20);
  assert.deepEqual([thin.fpr[0], thin.tpr[0], thin.fpr[19], thin.tpr[19]], [0, 0, 1, 1]);
  assert.ok(Number.isNaN(rocCurve([1, 1, 1], [0.2, 0.3, 0.4]).auc), 'one class only: no AUC');
});

test('calibration matches scikit-learn calibration_curve (uniform bins, edge values included)', () => {
  const c = calibration(ref.y, ref.score, 10);
  close(c.fraction_positive, ref.calibration.prob_true, 1e-12);
  close(c.mean_predicted, ref.calibration.prob_pred, 1e-12);
});

test('histogram matches numpy.histogram', () => {
  const h = histogram(ref.histogram.values, 25);
  close(h.count, ref.histogram.counts, 0);
  close(h.bin_start, ref.histogram.edges.slice(0, -1), 1e-12);
  assert.ok(Math.abs(h.bin_end[24] - ref.histogram.edges[25]) < 1e-12);
  assert.deepEqual([...histogram([3, 3, NaN, 3]).count], [3], 'a constant column is one bin');
});

test('2-D bins count every finite pair once, only non-empty cells, shared scale on request', () => {
  const x = [0, 0.1, 1, 1, NaN];
  const y = [0, 0.1, 2, 2, 5];
  const b = bins2d(x, y, 2, true);
  assert.equal(
    [...b.count].reduce((s, v) => s + v, 0),
    4,
  );
  assert.equal(b.count.length, 2);
  assert.deepEqual([b.x_start[0], b.x_end[1], b.y_end[1]], [0, 2, 2]);
});

test('drawdown: fraction below the running peak, or P&L below it when the curve crosses zero', () => {
  const d = drawdown([100, 120, 90, 130, NaN, 65]);
  assert.equal(d.relative, true);
  close(
    [...d.drawdown].map((v) => (Number.isNaN(v) ? -9 : v)),
    [0, 0, -0.25, 0, -9, -0.5],
  );
  const p = drawdown([0, 5, -5, 10]);
  assert.equal(p.relative, false);
  assert.deepEqual([...p.drawdown], [0, 0, -10, 0]);
});
