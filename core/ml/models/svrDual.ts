/**
 * Linear epsilon-insensitive support vector regression by dual coordinate descent with
 * shrinking: liblinear's solver for L2-regularised L1-loss / L2-loss SVR (Ho & Lin 2012).
 *   min_w 1/2 |w|^2 + C sum_i max(0, |y_i - w.a_i| - eps)      (L1 loss, 'epsilon_insensitive')
 *   min_w 1/2 |w|^2 + C sum_i max(0, |y_i - w.a_i| - eps)^2    (L2 loss, 'squared_epsilon_insensitive')
 * Rows `a_i` are row-major; a caller wanting an intercept appends a constant column (which is
 * then penalised, as in liblinear / scikit-learn's LinearSVR with intercept_scaling).
 */
import { CancelledError } from '../../errors';
import type { Rng } from '../rng';

export type SvrLoss = 'epsilon_insensitive' | 'squared_epsilon_insensitive';

export interface SvrDualOptions {
  C: number;
  epsilon: number;
  loss: SvrLoss;
  /** Stop when the summed violation falls below tol x its value in the first pass (liblinear's eps). */
  tol: number;
  maxIter: number;
  rng: Rng;
  signal?: AbortSignal;
}

export interface SvrDualResult {
  w: Float64Array;
  iterations: number;
  converged: boolean;
}

/** Rows visited together: a window's rows are contiguous in memory (the data is shuffled once). */
const WINDOW = 256;

export function solveSvrDual(
  A0: Float64Array,
  n: number,
  d: number,
  y0: Float64Array,
  o: SvrDualOptions,
): SvrDualResult {
  const l1 = o.loss === 'epsilon_insensitive';
  const lambda = l1 ? 0 : 0.5 / o.C;
  const upper = l1 ? o.C : Infinity;
  const p = o.epsilon;
  const rng = o.rng;
  // Liblinear visits rows in a fresh random order every pass, which on 100k rows is a cache miss
  // per row. Instead the rows are shuffled once into a copy; each pass visits windows of
  // neighbouring (hence random) rows in random order, shuffled within, so memory stays local.
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  const A = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    A.set(A0.subarray(perm[r] * d, perm[r] * d + d), r * d);
    y[r] = y0[perm[r]];
  }
  const w = new Float64Array(d);
  const beta = new Float64Array(n);
  const QD = new Float64Array(n);
  const active = new Uint32Array(n);
  const keep = new Uint8Array(n);
  const windows = new Uint32Array(Math.ceil(n / WINDOW));
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = i * d, e = k + d; k < e; k++) s += A[k] * A[k];
    QD[i] = s;
    active[i] = i;
  }
  let activeSize = n;
  let gmaxOld = Infinity;
  let gnorm1Init = -1;
  let iter = 0;
  while (iter < o.maxIter) {
    if (o.signal?.aborted) throw new CancelledError();
    let gmaxNew = 0;
    let gnorm1New = 0;
    active.subarray(0, activeSize).sort();
    const nWin = Math.ceil(activeSize / WINDOW);
    for (let k = 0; k < nWin; k++) windows[k] = k;
    for (let k = nWin - 1; k > 0; k--) {
      const j = Math.floor(rng() * (k + 1));
      const t = windows[k];
      windows[k] = windows[j];
      windows[j] = t;
    }
    for (let wi = 0; wi < nWin; wi++) {
      const from = windows[wi] * WINDOW;
      const to = Math.min(from + WINDOW, activeSize);
      for (let s = to - 1; s > from; s--) {
        const j = from + Math.floor(rng() * (s - from + 1));
        const t = active[s];
        active[s] = active[j];
        active[j] = t;
      }
      for (let s = from; s < to; s++) {
        const i = active[s];
        keep[s] = 1;
        const off = i * d;
        let wa = 0;
        for (let k = 0; k < d; k++) wa += w[k] * A[off + k];
        const G = -y[i] + lambda * beta[i] + wa;
        const H = QD[i] + lambda;
        const Gp = G + p;
        const Gn = G - p;
        let violation = 0;
        const b = beta[i];
        // Shrinking: a row at a bound whose gradient points well outside stays there.
        if (b === 0) {
          if (Gp < 0) violation = -Gp;
          else if (Gn > 0) violation = Gn;
          else if (Gp > gmaxOld && Gn < -gmaxOld) {
            keep[s] = 0;
            continue;
          }
        } else if (b >= upper) {
          if (Gp > 0) violation = Gp;
          else if (Gp < -gmaxOld) {
            keep[s] = 0;
            continue;
          }
        } else if (b <= -upper) {
          if (Gn < 0) violation = -Gn;
          else if (Gn > gmaxOld) {
            keep[s] = 0;
            continue;
          }
        } else if (b > 0) violation = Math.abs(Gp);
        else violation = Math.abs(Gn);
        if (violation > gmaxNew) gmaxNew = violation;
        gnorm1New += violation;

        // One-variable Newton step on the piecewise quadratic, then clip to the box.
        if (H === 0) continue;
        let step: number;
        if (Gp < H * b) step = -Gp / H;
        else if (Gn > H * b) step = -Gn / H;
        else step = -b;
        if (Math.abs(step) < 1e-12) continue;
        const nb = Math.min(Math.max(b + step, -upper), upper);
        const delta = nb - b;
        beta[i] = nb;
        if (delta !== 0) for (let k = 0; k < d; k++) w[k] += delta * A[off + k];
      }
    }
    let kept = 0;
    for (let s = 0; s < activeSize; s++) if (keep[s]) active[kept++] = active[s];
    activeSize = kept;
    if (iter === 0) gnorm1Init = gnorm1New;
    iter++;
    if (gnorm1New <= o.tol * gnorm1Init) {
      if (activeSize === n) return { w, iterations: iter, converged: true };
      for (let i = 0; i < n; i++) active[i] = i;
      activeSize = n;
      gmaxOld = Infinity;
      continue;
    }
    gmaxOld = gmaxNew;
  }
  return { w, iterations: iter, converged: false };
}
