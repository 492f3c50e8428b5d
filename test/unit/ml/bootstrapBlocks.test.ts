import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bootstrapCI,
  bootstrapDifference,
  bootstrapMetrics,
  defaultBlock,
  describeBootstrap,
  describeResampling,
  makeSampler,
} from '../../../core/ml/bootstrap';
import { computeMetric, prepareMetric } from '../../../core/ml/metrics';
import { mulberry32 } from '../../../core/ml/rng';
import { UserError } from '../../../core/errors';

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

const HOUR = 3_600_000;

/** `symbols` series of `bars` hourly rows, stored symbol after symbol (as a frame is after per-symbol features). */
function panelTimes(symbols: number, bars: number): Float64Array {
  const t = new Float64Array(symbols * bars);
  for (let s = 0; s < symbols; s++) for (let b = 0; b < bars; b++) t[s * bars + b] = b * HOUR;
  return t;
}

test('the default block is max(label horizon, ceil(bars^(1/3))), capped at the number of bars, and recorded', () => {
  assert.equal(defaultBlock(3195, 20), 20);
  assert.equal(defaultBlock(3195, 1), 15);
  assert.equal(defaultBlock(27, 1), 3);
  assert.equal(defaultBlock(10, 40), 10);
  const times = panelTimes(5, 3195);
  const { info } = describeResampling(times.length, { times, horizon: 20 });
  assert.deepEqual(
    { ...info, blockRule: undefined },
    { method: 'moving_block', block: 20, unit: 'bars', units: 3195, rows: 15975, blockRule: undefined },
  );
  assert.match(info.blockRule ?? '', /max\(horizon 20, ceil\(3195\^\(1\/3\)\) = 15\)/);
  assert.equal(describeResampling(100, {}).info.unit, 'rows');
  assert.equal(describeResampling(100, { method: 'iid' }).info.block, 1);
});

test(
  'rows of one timestamp are drawn together: every symbol of a bar gets the same count, and as many bars are ' +
    'drawn as there are',
  () => {
    const symbols = 5,
      bars = 300;
    const times = panelTimes(symbols, bars);
    const s = makeSampler(times.length, 11, { times, block: 7 });
    const counts = new Uint32Array(times.length);
    for (let r = 0; r < 50; r++) {
      s.draw(counts);
      let total = 0;
      for (let b = 0; b < bars; b++) {
        for (let k = 1; k < symbols; k++) assert.equal(counts[k * bars + b], counts[b], `bar ${b} resample ${r}`);
        total += counts[b];
      }
      assert.equal(total, bars);
    }
  },
);

test('blocks are runs of consecutive bars: a bar drawn is, but for the ends, next to a drawn neighbour', () => {
  const times = panelTimes(2, 400);
  const s = makeSampler(times.length, 3, { times, block: 10 });
  const counts = new Uint32Array(times.length);
  s.draw(counts);
  let isolated = 0;
  for (let b = 1; b < 399; b++) if (counts[b] > 0 && counts[b - 1] === 0 && counts[b + 1] === 0) isolated++;
  assert.equal(isolated, 0);
});

test('the same seed gives the same intervals (several metrics from one set of draws); another seed other ones', () => {
  const r = mulberry32(2);
  const n = 1000;
  const y = Float64Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0));
  const p = Float64Array.from(y, (v) => Math.min(1, Math.max(0, 0.5 + 0.1 * (v - 0.5) + 0.2 * gaussian(r))));
  const times = panelTimes(4, 250);
  const a = bootstrapMetrics(y, p, ['roc_auc', 'brier'], { seed: 42, n: 200, times, horizon: 5 });
  const b = bootstrapMetrics(y, p, ['roc_auc', 'brier'], { seed: 42, n: 200, times, horizon: 5 });
  const c = bootstrapMetrics(y, p, ['roc_auc', 'brier'], { seed: 43, n: 200, times, horizon: 5 });
  assert.deepEqual(a, b);
  assert.notEqual(a.intervals.roc_auc.low, c.intervals.roc_auc.low);
  assert.deepEqual(
    {
      method: a.record.method,
      block: a.record.block,
      unit: a.record.unit,
      units: a.record.units,
      n: a.record.n,
      seed: a.record.seed,
    },
    { method: 'moving_block', block: 7, unit: 'bars', units: 250, n: 200, seed: 42 },
  );
  assert.equal(
    describeBootstrap(a.record),
    '95% moving-block bootstrap, 7-bar blocks over 250 bars, 200 resamples, seed 42',
  );
});

test(
  'on overlapping labels (horizon 20) and a persistent signal the block interval of AUC is much wider than the ' +
    'iid one',
  () => {
    const n = 6000,
      h = 20;
    const r = mulberry32(8);
    const shock = Float64Array.from({ length: n + h }, () => gaussian(r));
    // a slowly moving signal, as rolling-window features are
    const signal = new Float64Array(n);
    for (let i = 1; i < n; i++) signal[i] = 0.95 * signal[i - 1] + Math.sqrt(1 - 0.95 ** 2) * gaussian(r);
    const y = new Float64Array(n);
    const p = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let fwd = 0;
      for (let j = 1; j <= h; j++) fwd += shock[i + j];
      y[i] = fwd + 0.8 * signal[i] > 0 ? 1 : 0;
      p[i] = 1 / (1 + Math.exp(-signal[i]));
    }
    const iid = bootstrapCI(y, p, 'roc_auc', { seed: 1, n: 400, method: 'iid' });
    const block = bootstrapCI(y, p, 'roc_auc', { seed: 1, n: 400, horizon: h });
    assert.equal(block.block, 20);
    const ratio = (block.high - block.low) / (iid.high - iid.low);
    assert.ok(ratio > 2, `block/iid width ${ratio.toFixed(2)}`);
    assert.equal(block.estimate, computeMetric('roc_auc', y, p));
  },
);

test(
  'the block interval of a mean of AR(1) errors matches its long-run standard error; iid misses it by ' +
    'sqrt((1+phi)/(1-phi))',
  () => {
    const n = 20000,
      phi = 0.8;
    const r = mulberry32(12);
    const e = new Float64Array(n);
    for (let i = 1; i < n; i++) e[i] = phi * e[i - 1] + gaussian(r);
    const zero = new Float64Array(n);
    // mae of (e + c) for c large is the mean of e + c: a plain mean whose variance theory knows.
    const shifted = Float64Array.from(e, (v) => v + 50);
    const longRunSe = Math.sqrt(1 / (1 - phi) ** 2 / n);
    const block = bootstrapCI(shifted, zero, 'mae', { seed: 4, n: 800, block: 150 });
    const iid = bootstrapCI(shifted, zero, 'mae', { seed: 4, n: 800, method: 'iid' });
    const blockSe = (block.high - block.low) / (2 * 1.96);
    const iidSe = (iid.high - iid.low) / (2 * 1.96);
    assert.ok(Math.abs(blockSe / longRunSe - 1) < 0.2, `block se ${blockSe} vs long-run ${longRunSe}`);
    assert.ok(Math.abs(longRunSe / iidSe - Math.sqrt((1 + phi) / (1 - phi))) < 0.6, `ratio ${longRunSe / iidSe}`);
  },
);

test('symbols sharing a shock at each timestamp: resampling bars is sqrt(symbols) wider than resampling rows', () => {
  const symbols = 5,
    bars = 2000;
  const times = panelTimes(symbols, bars);
  const r = mulberry32(21);
  const common = Float64Array.from({ length: bars }, () => gaussian(r));
  const err = Float64Array.from(times, (_, i) => common[i % bars] + 0.05 * gaussian(r) + 50);
  const zero = new Float64Array(err.length);
  const rows = bootstrapCI(err, zero, 'mae', { seed: 5, n: 800, method: 'iid' });
  const barsCi = bootstrapCI(err, zero, 'mae', { seed: 5, n: 800, times, block: 1 });
  const ratio = (barsCi.high - barsCi.low) / (rows.high - rows.low);
  assert.ok(Math.abs(ratio - Math.sqrt(symbols)) < 0.35, `ratio ${ratio}`);
});

test(
  'the paired difference of two models on the same rows: zero for a model against itself, positive when one is ' +
    'better',
  () => {
    const n = 2000;
    const r = mulberry32(30);
    const y = Float64Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0));
    const good = Float64Array.from(y, (v) => 1 / (1 + Math.exp(-(1.2 * (v - 0.5) + gaussian(r)))));
    const weak = Float64Array.from(y, (v) => 1 / (1 + Math.exp(-(0.2 * (v - 0.5) + gaussian(r)))));
    const self = bootstrapDifference(y, good, good, 'roc_auc', { seed: 1, n: 200 });
    assert.deepEqual([self.interval.estimate, self.interval.low, self.interval.high], [0, 0, 0]);
    const d = bootstrapDifference(y, good, weak, 'roc_auc', { seed: 1, n: 300 });
    assert.ok(d.interval.low > 0, `[${d.interval.low}, ${d.interval.high}]`);
    assert.ok(
      Math.abs(d.interval.estimate - (computeMetric('roc_auc', y, good) - computeMetric('roc_auc', y, weak))) < 1e-12,
    );
  },
);

test(
  'the AUC read from bar counts equals the AUC of the same counts expanded to rows, binary and multiclass, ' +
    'ties included',
  () => {
    const r = mulberry32(17);
    const times = panelTimes(4, 300);
    const n = times.length;
    const y = Float64Array.from({ length: n }, () => (r() < 0.4 ? 1 : 0));
    // Scores rounded to 2 decimals: many ties, which the AUC takes by tie group.
    const p = Float64Array.from(y, (v) => Math.round((0.3 * v + 0.7 * r()) * 100) / 100);
    const y3 = Float64Array.from({ length: n }, () => Math.floor(r() * 3));
    const p3 = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) {
      const raw = [r(), r(), r() + (y3[i] === 2 ? 0.3 : 0)];
      const sum = raw[0] + raw[1] + raw[2];
      for (let c = 0; c < 3; c++) p3[3 * i + c] = Math.round((raw[c] / sum) * 50) / 50;
    }
    const sampler = makeSampler(n, 5, { times, horizon: 10 });
    const bars = sampler.bars;
    assert.ok(bars, 'a bar resampling exposes its bar counts');
    const counts = new Uint32Array(n);
    for (const metric of [prepareMetric('roc_auc', y, p), prepareMetric('roc_auc', y3, p3)]) {
      assert.ok(metric.byBar, 'the AUC has a bar path');
      for (let k = 0; k < 20; k++) {
        const barCounts: Uint32Array = bars.draw();
        for (let i = 0; i < n; i++) counts[i] = barCounts[bars.barOf[i]];
        assert.equal(metric.byBar(barCounts, bars.barOf), metric(counts));
      }
    }
  },
);

test('bad resampling options are user errors naming the key', () => {
  const y = new Float64Array(10);
  const times = panelTimes(2, 5);
  assert.throws(
    () => bootstrapCI(y, y, 'mae', { seed: 1, times, block: 6 }),
    (e: unknown) => e instanceof UserError && e.location.key === 'block' && /number of bars \(5\)/.test(e.message),
  );
  assert.throws(
    () => bootstrapCI(y, y, 'mae', { seed: 1, method: 'iid', block: 3 }),
    (e: unknown) => e instanceof UserError && e.location.key === 'block',
  );
  assert.throws(
    () => bootstrapCI(y, y, 'mae', { seed: 1, method: 'bars' as never }),
    (e: unknown) => e instanceof UserError && e.location.key === 'bootstrap_method',
  );
});
