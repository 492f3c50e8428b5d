/**
 * Seeded bootstrap confidence intervals for any metric in ./metrics.
 *
 * A resample is a vector of counts (how often each row was drawn), evaluated by the metric's
 * weighted form: no per-resample copies, O(n) per resample even for ROC AUC (rows are sorted
 * once). `block` switches to the moving-block bootstrap for autocorrelated series: blocks of
 * `block` consecutive rows with uniformly drawn starts until n rows are drawn (the last block is
 * cut short). The interval is the percentile interval [alpha/2, 1 - alpha/2] of the resampled
 * metric (linear interpolation, as numpy's default). Resamples where the metric is undefined
 * (e.g. AUC of a resample holding one class) are dropped and counted.
 */
import { UserError } from '../errors';
import { metricName, prepareMetric, type MetricName } from './metrics';
import { mulberry32 } from './rng';

export interface BootstrapOptions {
  /** Resamples (default 1000). */
  n?: number;
  /** Two-sided level: 0.05 gives a 95% interval (default). */
  alpha?: number;
  seed: number;
  /** Block length for the moving-block bootstrap; omit (or 1) for the iid bootstrap. */
  block?: number;
}

export interface BootstrapCI {
  metric: MetricName;
  /** The metric on the data as given. */
  estimate: number;
  low: number;
  high: number;
  /** Resamples drawn. */
  n: number;
  /** Resamples where the metric was undefined, left out of the interval. */
  dropped: number;
  alpha: number;
  seed: number;
  method: 'percentile' | 'moving-block percentile';
  block?: number;
}

/** numpy.quantile(values, q) with the default linear interpolation; `sorted` ascending. */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const m = sorted.length;
  if (m === 0) return NaN;
  const pos = q * (m - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(m - 1, lo + 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * The resampling stream: xoshiro128+ (four 32-bit words, no multiplications: ~1.4x faster than
 * mulberry32 in this loop, which draws n indices per resample), seeded from mulberry32(seed).
 * Only its high bits are used (index = floor(u32 * n / 2^32)), where xoshiro128+ is strong.
 */
function seedState(seed: number): Int32Array {
  const init = mulberry32(seed);
  const s = new Int32Array(4);
  for (let i = 0; i < 4; i++) s[i] = (init() * 4294967296) | 0;
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  return s;
}

/** Adds one iid resample of `rows` draws to `counts`, advancing `st`. */
function drawIid(counts: Uint32Array, rows: number, st: Int32Array): void {
  let s0 = st[0], s1 = st[1], s2 = st[2], s3 = st[3];
  const f = rows / 4294967296;
  for (let i = 0; i < rows; i++) {
    const u = (s0 + s3) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    counts[(u * f) | 0]++;
  }
  st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
}

/** Adds one moving-block resample: blocks of `block` rows from uniform starts until `rows` are drawn. */
function drawBlocks(counts: Uint32Array, rows: number, block: number, st: Int32Array): void {
  let s0 = st[0], s1 = st[1], s2 = st[2], s3 = st[3];
  const f = (rows - block + 1) / 4294967296;
  for (let drawn = 0; drawn < rows; ) {
    const u = (s0 + s3) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    const start = (u * f) | 0;
    const len = Math.min(block, rows - drawn);
    for (let i = start, e = start + len; i < e; i++) counts[i]++;
    drawn += len;
  }
  st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
}

export function bootstrapCI(yTrue: Float64Array, yPred: Float64Array, metric: string, opts: BootstrapOptions): BootstrapCI {
  const name = metricName(metric);
  const resamples = opts.n ?? 1000;
  const alpha = opts.alpha ?? 0.05;
  const rows = yTrue.length;
  if (!Number.isInteger(resamples) || resamples < 1) throw new UserError(`bootstrap: n must be a positive integer, got ${resamples}`, { key: 'n' });
  if (!(alpha > 0 && alpha < 1)) throw new UserError(`bootstrap: alpha must be in (0, 1), got ${alpha}`, { key: 'alpha' });
  const block = opts.block ?? 1;
  if (!Number.isInteger(block) || block < 1 || block > rows) {
    throw new UserError(`bootstrap: block must be an integer between 1 and the number of rows (${rows}), got ${opts.block}`, { key: 'block' });
  }
  const evaluate = prepareMetric(name, yTrue, yPred);
  const counts = new Uint32Array(rows).fill(1);
  const estimate = evaluate(counts);

  const state = seedState(opts.seed);
  const values = new Float64Array(resamples);
  let kept = 0;
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    if (block === 1) drawIid(counts, rows, state);
    else drawBlocks(counts, rows, block, state);
    const v = evaluate(counts);
    if (!Number.isNaN(v)) values[kept++] = v;
  }
  const sorted = values.subarray(0, kept).sort();
  return {
    metric: name,
    estimate,
    low: quantileSorted(sorted, alpha / 2),
    high: quantileSorted(sorted, 1 - alpha / 2),
    n: resamples,
    dropped: resamples - kept,
    alpha,
    seed: opts.seed,
    method: block > 1 ? 'moving-block percentile' : 'percentile',
    ...(block > 1 ? { block } : {}),
  };
}
