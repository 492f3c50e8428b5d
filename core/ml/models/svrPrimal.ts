/**
 * Squared epsilon-insensitive SVR solved in the primal by Newton's method (as liblinear's
 * default SVR solver does with a trust region):
 *   f(w) = 1/2 |w|^2 + C sum_i max(0, |w.a_i - y_i| - eps)^2
 * f is convex, piecewise quadratic and once differentiable; its generalised Hessian
 * I + 2C sum_{|r_i| > eps} a_i a_i^T is positive definite, so each step is one d x d Cholesky
 * solve and a backtracking line search. Converges in a handful of iterations where dual
 * coordinate descent may need thousands of passes on long series.
 */
import { CancelledError } from '../../errors';
import { solveSpd } from '../linalg';

export interface SvrPrimalOptions {
  C: number;
  epsilon: number;
  /** Stop when max |gradient| <= tol x its value at w = 0. */
  tol: number;
  maxIter: number;
  signal?: AbortSignal;
}

function objective(
  A: Float64Array,
  n: number,
  d: number,
  y: Float64Array,
  w: Float64Array,
  C: number,
  eps: number,
  grad?: Float64Array,
): number {
  let f = 0;
  for (let k = 0; k < d; k++) f += 0.5 * w[k] * w[k];
  if (grad) for (let k = 0; k < d; k++) grad[k] = w[k];
  for (let i = 0; i < n; i++) {
    const off = i * d;
    let r = -y[i];
    for (let k = 0; k < d; k++) r += w[k] * A[off + k];
    const excess = Math.abs(r) - eps;
    if (excess <= 0) continue;
    f += C * excess * excess;
    if (grad) {
      const g = 2 * C * excess * (r > 0 ? 1 : -1);
      for (let k = 0; k < d; k++) grad[k] += g * A[off + k];
    }
  }
  return f;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export function solveSvrPrimalL2(
  A: Float64Array,
  n: number,
  d: number,
  y: Float64Array,
  o: SvrPrimalOptions,
): { w: Float64Array; iterations: number; converged: boolean } {
  let w = new Float64Array(d);
  const grad = new Float64Array(d);
  let f = objective(A, n, d, y, w, o.C, o.epsilon, grad);
  const g0 = maxAbs(grad);
  for (let iter = 0; iter < o.maxIter; iter++) {
    const gm = maxAbs(grad);
    if (gm <= o.tol * g0 || gm === 0) return { w, iterations: iter, converged: true };
    if (o.signal?.aborted) throw new CancelledError();
    const H = new Float64Array(d * d);
    for (let k = 0; k < d; k++) H[k * d + k] = 1;
    for (let i = 0; i < n; i++) {
      const off = i * d;
      let r = -y[i];
      for (let k = 0; k < d; k++) r += w[k] * A[off + k];
      if (Math.abs(r) <= o.epsilon) continue;
      for (let a = 0; a < d; a++) {
        const v = 2 * o.C * A[off + a];
        if (v === 0) continue;
        for (let b = 0; b <= a; b++) H[a * d + b] += v * A[off + b];
      }
    }
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) H[b * d + a] = H[a * d + b];
    const solved = solveSpd(H, d, [grad.map((g) => -g)], 1e-15);
    if (!solved.ok) return { w, iterations: iter, converged: false };
    const step = solved.x[0];
    let slope = 0;
    for (let k = 0; k < d; k++) slope += grad[k] * step[k];
    let t = 1;
    const trial = new Float64Array(d);
    let accepted = false;
    for (let halvings = 0; halvings < 50; halvings++) {
      for (let k = 0; k < d; k++) trial[k] = w[k] + t * step[k];
      const ft = objective(A, n, d, y, trial, o.C, o.epsilon);
      if (ft <= f + 1e-4 * t * slope) {
        w = trial;
        f = objective(A, n, d, y, w, o.C, o.epsilon, grad);
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    // No decrease possible any more: we are at the optimum to rounding.
    if (!accepted) return { w, iterations: iter, converged: maxAbs(grad) <= Math.max(o.tol * g0, 1e-10 * g0) };
  }
  return { w, iterations: o.maxIter, converged: maxAbs(grad) <= o.tol * g0 };
}
