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

export function solveSvrDual(A: Float64Array, n: number, d: number, y: Float64Array, o: SvrDualOptions): SvrDualResult {
  const l1 = o.loss === 'epsilon_insensitive';
  const lambda = l1 ? 0 : 0.5 / o.C;
  const upper = l1 ? o.C : Infinity;
  const p = o.epsilon;
  const w = new Float64Array(d);
  const beta = new Float64Array(n);
  const QD = new Float64Array(n);
  const index = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = i * d, e = k + d; k < e; k++) s += A[k] * A[k];
    QD[i] = s;
    index[i] = i;
  }
  let activeSize = n;
  let gmaxOld = Infinity;
  let gnorm1Init = -1;
  let iter = 0;
  while (iter < o.maxIter) {
    if (o.signal?.aborted) throw new CancelledError();
    let gmaxNew = 0;
    let gnorm1New = 0;
    for (let i = 0; i < activeSize; i++) {
      const j = i + Math.floor(o.rng() * (activeSize - i));
      const t = index[i];
      index[i] = index[j];
      index[j] = t;
    }
    for (let s = 0; s < activeSize; s++) {
      const i = index[s];
      const off = i * d;
      let wa = 0;
      for (let k = 0; k < d; k++) wa += w[k] * A[off + k];
      const G = -y[i] + lambda * beta[i] + wa;
      const H = QD[i] + lambda;
      const Gp = G + p;
      const Gn = G - p;
      let violation = 0;
      const b = beta[i];
      if (b === 0) {
        if (Gp < 0) violation = -Gp;
        else if (Gn > 0) violation = Gn;
        else if (Gp > gmaxOld && Gn < -gmaxOld) {
          activeSize--;
          index[s] = index[activeSize];
          index[activeSize] = i;
          s--;
          continue;
        }
      } else if (b >= upper) {
        if (Gp > 0) violation = Gp;
        else if (Gp < -gmaxOld) {
          activeSize--;
          index[s] = index[activeSize];
          index[activeSize] = i;
          s--;
          continue;
        }
      } else if (b <= -upper) {
        if (Gn < 0) violation = -Gn;
        else if (Gn > gmaxOld) {
          activeSize--;
          index[s] = index[activeSize];
          index[activeSize] = i;
          s--;
          continue;
        }
      } else if (b > 0) violation = Math.abs(Gp);
      else violation = Math.abs(Gn);
      if (violation > gmaxNew) gmaxNew = violation;
      gnorm1New += violation;

      // One-variable Newton step on the piecewise quadratic, then clip to the box.
      let step: number;
      if (Gp < H * b) step = -Gp / H;
      else if (Gn > H * b) step = -Gn / H;
      else step = -b;
      if (Math.abs(step) < 1e-12 || H === 0) continue;
      const nb = Math.min(Math.max(b + step, -upper), upper);
      const delta = nb - b;
      beta[i] = nb;
      if (delta !== 0) for (let k = 0; k < d; k++) w[k] += delta * A[off + k];
    }
    if (iter === 0) gnorm1Init = gnorm1New;
    iter++;
    if (gnorm1New <= o.tol * gnorm1Init) {
      if (activeSize === n) return { w, iterations: iter, converged: true };
      activeSize = n;
      gmaxOld = Infinity;
      continue;
    }
    gmaxOld = gmaxNew;
  }
  return { w, iterations: iter, converged: false };
}
