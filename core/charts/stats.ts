/**
 * Chart-ready aggregates over typed arrays: histograms, 2-D bins, ROC, calibration, drawdown.
 * Pure and DOM-free, so the kernel, the dashboard webview and reports compute them the same way.
 * Non-finite values are skipped everywhere.
 */
import { lttbOf } from './lttb';

export interface Histogram {
  bin_start: Float64Array;
  bin_end: Float64Array;
  count: Float64Array;
}

function finiteRangeOf(values: ArrayLike<number>): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** Equal-width histogram with `bins` bins over the finite range (one bin of width 1 when constant). */
export function histogram(values: ArrayLike<number>, bins = 30): Histogram {
  const range = finiteRangeOf(values);
  if (!range) return { bin_start: new Float64Array(0), bin_end: new Float64Array(0), count: new Float64Array(0) };
  const [lo, hi] = range;
  const k = hi > lo ? Math.max(1, Math.floor(bins)) : 1;
  const width = hi > lo ? (hi - lo) / k : 1;
  const count = new Float64Array(k);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    count[Math.min(k - 1, Math.floor((v - lo) / width))]++;
  }
  const bin_start = new Float64Array(k);
  const bin_end = new Float64Array(k);
  for (let b = 0; b < k; b++) {
    bin_start[b] = lo + b * width;
    bin_end[b] = b === k - 1 && hi > lo ? hi : lo + (b + 1) * width;
  }
  return { bin_start, bin_end, count };
}

export interface Bins2d {
  x_start: Float64Array;
  x_end: Float64Array;
  y_start: Float64Array;
  y_end: Float64Array;
  count: Float64Array;
}

/**
 * Counts of (x, y) pairs on a `bins` x `bins` grid, only non-empty cells. With `sameScale` both
 * axes share one range (pred vs true, so the diagonal is the identity).
 */
export function bins2d(x: ArrayLike<number>, y: ArrayLike<number>, bins = 50, sameScale = false): Bins2d {
  const n = Math.min(x.length, y.length);
  const fx: number[] = [];
  let xr: [number, number] | undefined;
  let yr: [number, number] | undefined;
  {
    let xlo = Infinity,
      xhi = -Infinity,
      ylo = Infinity,
      yhi = -Infinity;
    for (let i = 0; i < n; i++) {
      const a = x[i];
      const b = y[i];
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      fx.push(i);
      if (a < xlo) xlo = a;
      if (a > xhi) xhi = a;
      if (b < ylo) ylo = b;
      if (b > yhi) yhi = b;
    }
    if (fx.length) {
      xr = [xlo, xhi];
      yr = [ylo, yhi];
    }
  }
  const empty = {
    x_start: new Float64Array(0),
    x_end: new Float64Array(0),
    y_start: new Float64Array(0),
    y_end: new Float64Array(0),
    count: new Float64Array(0),
  };
  if (!xr || !yr) return empty;
  if (sameScale) xr = yr = [Math.min(xr[0], yr[0]), Math.max(xr[1], yr[1])];
  const k = Math.max(1, Math.floor(bins));
  const wx = xr[1] > xr[0] ? (xr[1] - xr[0]) / k : 1;
  const wy = yr[1] > yr[0] ? (yr[1] - yr[0]) / k : 1;
  const grid = new Float64Array(k * k);
  for (const i of fx) {
    const bx = Math.min(k - 1, Math.floor((x[i] - xr[0]) / wx));
    const by = Math.min(k - 1, Math.floor((y[i] - yr[0]) / wy));
    grid[bx * k + by]++;
  }
  let cells = 0;
  for (let c = 0; c < grid.length; c++) if (grid[c] > 0) cells++;
  const out = {
    x_start: new Float64Array(cells),
    x_end: new Float64Array(cells),
    y_start: new Float64Array(cells),
    y_end: new Float64Array(cells),
    count: new Float64Array(cells),
  };
  let o = 0;
  for (let c = 0; c < grid.length; c++) {
    if (grid[c] === 0) continue;
    const bx = Math.floor(c / k);
    const by = c % k;
    out.x_start[o] = xr[0] + bx * wx;
    out.x_end[o] = xr[0] + (bx + 1) * wx;
    out.y_start[o] = yr[0] + by * wy;
    out.y_end[o] = yr[0] + (by + 1) * wy;
    out.count[o++] = grid[c];
  }
  return out;
}

export interface RocCurve {
  fpr: Float64Array;
  tpr: Float64Array;
  threshold: Float64Array;
  /** Area under the full (not thinned) curve; NaN when one class is missing. */
  auc: number;
}

/**
 * ROC curve of `score` against `yTrue === positive`, ties collapsed (one point per distinct
 * score, as scikit-learn's roc_curve without drop_intermediate), starting at (0, 0). Thinned to at
 * most `maxPoints` with LTTB; `auc` is computed before thinning.
 */
export function rocCurve(yTrue: ArrayLike<number>, score: ArrayLike<number>, maxPoints = 400, positive = 1): RocCurve {
  const n = Math.min(yTrue.length, score.length);
  let np = 0;
  let nn = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(score[i]) || !Number.isFinite(yTrue[i])) continue;
    if (yTrue[i] === positive) np++;
    else nn++;
  }
  const pos = new Float64Array(np);
  const neg = new Float64Array(nn);
  np = nn = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(score[i]) || !Number.isFinite(yTrue[i])) continue;
    if (yTrue[i] === positive) pos[np++] = score[i];
    else neg[nn++] = score[i];
  }
  pos.sort();
  neg.sort();
  const fpr: number[] = [0];
  const tpr: number[] = [0];
  const thr: number[] = [Infinity];
  let ip = np - 1;
  let ineg = nn - 1;
  let tp = 0;
  let fp = 0;
  let auc = 0;
  while (ip >= 0 || ineg >= 0) {
    const t = Math.max(ip >= 0 ? pos[ip] : -Infinity, ineg >= 0 ? neg[ineg] : -Infinity);
    const tp0 = tp;
    const fp0 = fp;
    while (ip >= 0 && pos[ip] === t) {
      tp++;
      ip--;
    }
    while (ineg >= 0 && neg[ineg] === t) {
      fp++;
      ineg--;
    }
    auc += ((fp - fp0) * (tp + tp0)) / 2;
    fpr.push(nn ? fp / nn : NaN);
    tpr.push(np ? tp / np : NaN);
    thr.push(t);
  }
  const fa = Float64Array.from(fpr);
  const ta = Float64Array.from(tpr);
  const ha = Float64Array.from(thr);
  const all = new Uint32Array(fa.length);
  for (let i = 0; i < all.length; i++) all[i] = i;
  const keep = np && nn ? lttbOf(all, fa, ta, maxPoints) : all;
  const pick = (a: Float64Array): Float64Array => Float64Array.from(keep, (i) => a[i]);
  return { fpr: pick(fa), tpr: pick(ta), threshold: pick(ha), auc: np && nn ? auc / (np * nn) : NaN };
}

export interface Calibration {
  mean_predicted: Float64Array;
  fraction_positive: Float64Array;
  count: Float64Array;
}

/**
 * Reliability diagram as scikit-learn's calibration_curve(strategy='uniform'): `bins` equal bins
 * on [0, 1], a probability on an inner edge belongs to the lower bin; only non-empty bins.
 */
export function calibration(yTrue: ArrayLike<number>, prob: ArrayLike<number>, bins = 10, positive = 1): Calibration {
  const k = Math.max(1, Math.floor(bins));
  const sumP = new Float64Array(k);
  const sumY = new Float64Array(k);
  const cnt = new Float64Array(k);
  // Inner edges as numpy.linspace(0, 1, k + 1)[1:-1] computes them (j * step).
  const step = 1 / k;
  const edges = Float64Array.from({ length: k - 1 }, (_, j) => (j + 1) * step);
  const n = Math.min(yTrue.length, prob.length);
  for (let i = 0; i < n; i++) {
    const p = prob[i];
    if (!Number.isFinite(p) || !Number.isFinite(yTrue[i])) continue;
    // Number of inner edges strictly below p (numpy.searchsorted(edges, p, 'left')).
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid] < p) lo = mid + 1;
      else hi = mid;
    }
    const b = lo;
    sumP[b] += p;
    sumY[b] += yTrue[i] === positive ? 1 : 0;
    cnt[b]++;
  }
  const used: number[] = [];
  for (let b = 0; b < k; b++) if (cnt[b] > 0) used.push(b);
  return {
    mean_predicted: Float64Array.from(used, (b) => sumP[b] / cnt[b]),
    fraction_positive: Float64Array.from(used, (b) => sumY[b] / cnt[b]),
    count: Float64Array.from(used, (b) => cnt[b]),
  };
}

/**
 * Drawdown of an equity curve: `equity / running max - 1` when every value is positive (a
 * fraction, <= 0), else `equity - running max` (a P&L curve). Non-finite values stay NaN.
 */
export function drawdown(equity: ArrayLike<number>): { drawdown: Float64Array; relative: boolean } {
  let relative = true;
  for (let i = 0; i < equity.length; i++) if (Number.isFinite(equity[i]) && equity[i] <= 0) relative = false;
  const out = new Float64Array(equity.length);
  let peak = -Infinity;
  for (let i = 0; i < equity.length; i++) {
    const v = equity[i];
    if (!Number.isFinite(v)) {
      out[i] = NaN;
      continue;
    }
    if (v > peak) peak = v;
    out[i] = relative ? v / peak - 1 : v - peak;
  }
  return { drawdown: out, relative };
}

/** Differences `a - b` (NaN where either is not finite). */
export function differences(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const n = Math.min(a.length, b.length);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Number.isFinite(a[i]) && Number.isFinite(b[i]) ? a[i] - b[i] : NaN;
  return out;
}

/** Number of indices where both arrays are finite. */
export function finitePairs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let c = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (Number.isFinite(a[i]) && Number.isFinite(b[i])) c++;
  return c;
}
