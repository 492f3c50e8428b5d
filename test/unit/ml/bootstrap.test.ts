import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapCI, quantileSorted } from '../../../core/ml/bootstrap';
import { computeMetric } from '../../../core/ml/metrics';
import { mulberry32 } from '../../../core/ml/rng';
import { UserError } from '../../../core/errors';

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

function noisy(n: number, seed: number) {
  const r = mulberry32(seed);
  const y = Float64Array.from({ length: n }, () => gaussian(r));
  const p = new Float64Array(n);
  return { y, p };
}

test('the same seed gives the same interval, another seed another one; the seed is stored', () => {
  const { y, p } = noisy(500, 1);
  const a = bootstrapCI(y, p, 'mae', { seed: 42, n: 200 });
  const b = bootstrapCI(y, p, 'mae', { seed: 42, n: 200 });
  const c = bootstrapCI(y, p, 'mae', { seed: 43, n: 200 });
  assert.deepEqual(a, b);
  assert.notEqual(a.low, c.low);
  assert.equal(a.seed, 42);
  assert.equal(a.method, 'moving_block');
  assert.equal(a.estimate, computeMetric('mae', y, p));
});

test('the interval for a mean error agrees with normal theory (mean +- 1.96 sd / sqrt(n)) within 10%', () => {
  const n = 4000;
  const { y, p } = noisy(n, 2);
  const abs = y.map(Math.abs);
  const mean = abs.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(abs.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const ci = bootstrapCI(y, p, 'mae', { seed: 3, n: 2000, method: 'iid' });
  const half = (1.96 * sd) / Math.sqrt(n);
  assert.ok(ci.low < ci.estimate && ci.estimate < ci.high);
  assert.ok(Math.abs(ci.high - ci.low - 2 * half) < 0.1 * 2 * half, `width ${ci.high - ci.low} vs ${2 * half}`);
  assert.ok(Math.abs((ci.low + ci.high) / 2 - mean) < 0.1 * half);
});

test('a larger alpha gives a narrower interval', () => {
  const { y, p } = noisy(1000, 4);
  const wide = bootstrapCI(y, p, 'rmse', { seed: 1, n: 500, alpha: 0.05 });
  const narrow = bootstrapCI(y, p, 'rmse', { seed: 1, n: 500, alpha: 0.5 });
  assert.ok(narrow.high - narrow.low < 0.6 * (wide.high - wide.low));
});

test('moving-block bootstrap widens the interval for autocorrelated errors, iid does not see it', () => {
  const n = 3000;
  const r = mulberry32(5);
  const y = new Float64Array(n);
  for (let i = 1; i < n; i++) y[i] = 0.9 * y[i - 1] + gaussian(r);
  const p = new Float64Array(n);
  const iid = bootstrapCI(y, p, 'mse', { seed: 1, n: 400, method: 'iid' });
  const blocked = bootstrapCI(y, p, 'mse', { seed: 1, n: 400, block: 100 });
  assert.equal(iid.method, 'iid');
  assert.equal(blocked.method, 'moving_block');
  assert.equal(blocked.block, 100);
  assert.ok(
    blocked.high - blocked.low > 2 * (iid.high - iid.low),
    `block ${blocked.high - blocked.low}, iid ${iid.high - iid.low}`,
  );
});

test('resamples where AUC is undefined are dropped and counted, the interval still comes out', () => {
  const y = Float64Array.from({ length: 30 }, (_, i) => (i === 3 ? 1 : 0));
  const p = Float64Array.from({ length: 30 }, (_, i) => (i === 3 ? 0.9 : i / 40));
  const ci = bootstrapCI(y, p, 'roc_auc', { seed: 1, n: 300 });
  assert.ok(ci.dropped > 50 && ci.dropped < 200, `dropped ${ci.dropped}`);
  assert.ok(Number.isFinite(ci.low) && Number.isFinite(ci.high));
});

test('multiclass metrics bootstrap too, with the interval around the estimate', () => {
  const r = mulberry32(6);
  const n = 600;
  const y = Float64Array.from({ length: n }, () => Math.floor(r() * 3));
  const P = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    const raw = [r(), r(), r()];
    raw[y[i]] += 0.8;
    const s = raw[0] + raw[1] + raw[2];
    for (let c = 0; c < 3; c++) P[3 * i + c] = raw[c] / s;
  }
  for (const m of ['roc_auc', 'f1', 'log_loss']) {
    const ci = bootstrapCI(y, P, m, { seed: 9, n: 200 });
    assert.ok(ci.low <= ci.estimate && ci.estimate <= ci.high, m);
  }
});

test('bad options are user errors naming the option', () => {
  const { y, p } = noisy(10, 7);
  assert.throws(
    () => bootstrapCI(y, p, 'mae', { seed: 1, block: 11 }),
    (e: unknown) => e instanceof UserError && e.location.key === 'block',
  );
  assert.throws(() => bootstrapCI(y, p, 'mae', { seed: 1, alpha: 1.5 }), /alpha must be in \(0, 1\)/);
});

test('quantiles interpolate linearly like numpy', () => {
  const s = Float64Array.from([1, 2, 3, 4]);
  assert.equal(quantileSorted(s, 0.5), 2.5);
  assert.equal(quantileSorted(s, 0.025), 1.075);
});
