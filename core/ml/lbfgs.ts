/**
 * Limited-memory BFGS for smooth convex objectives (logistic regression with many parameters).
 * Backtracking Armijo line search (a step within rounding of f that shrinks the gradient is also
 * taken); curvature pairs with s.y <= 0 are skipped, which keeps the inverse-Hessian estimate
 * positive definite.
 */
import { CancelledError } from '../errors';

/** Returns f(x) and writes the gradient into g. */
export type ObjectiveWithGradient = (x: Float64Array, g: Float64Array) => number;

export interface LbfgsOptions {
  maxIter: number;
  /** Converged when max |gradient| <= gtol. */
  gtol: number;
  /** History size. */
  m?: number;
  signal?: AbortSignal;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  iterations: number;
  converged: boolean;
  gradMax: number;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export function minimizeLbfgs(fg: ObjectiveWithGradient, x0: Float64Array, opts: LbfgsOptions): LbfgsResult {
  const n = x0.length;
  const m = opts.m ?? 10;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let f = fg(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const d = new Float64Array(n);
  const alpha = new Float64Array(m);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  let iter = 0;
  for (; iter < opts.maxIter; iter++) {
    const gm = maxAbs(g);
    if (gm <= opts.gtol) return { x, f, iterations: iter, converged: true, gradMax: gm };
    if (opts.signal?.aborted) throw new CancelledError();
    // Two-loop recursion: d = -H g.
    for (let i = 0; i < n; i++) d[i] = -g[i];
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], d);
      const yk = Y[k];
      for (let i = 0; i < n; i++) d[i] -= alpha[k] * yk[i];
    }
    const gamma = S.length
      ? dot(S[S.length - 1], Y[Y.length - 1]) / dot(Y[Y.length - 1], Y[Y.length - 1])
      : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let i = 0; i < n; i++) d[i] *= gamma;
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k] * dot(Y[k], d);
      const sk = S[k];
      for (let i = 0; i < n; i++) d[i] += (alpha[k] - beta) * sk[i];
    }
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i] / Math.max(1, Math.sqrt(dot(g, g)));
      slope = dot(g, d);
    }
    let t = 1;
    let fNew: number;
    for (let halvings = 0; ; halvings++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + t * d[i];
      fNew = fg(xNew, gNew);
      if (fNew <= f + 1e-4 * t * slope) break;
      // Near the optimum f changes below its rounding error: accept a step that does not raise
      // f beyond rounding and shrinks the gradient, instead of halving the step to nothing.
      if (fNew - f <= 1e-12 * Math.abs(f) && maxAbs(gNew) < gm) break;
      if (halvings >= 60) return { x, f, iterations: iter, converged: false, gradMax: gm };
      t *= 0.5;
    }
    const s = new Float64Array(n);
    const yv = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      yv[i] = gNew[i] - g[i];
    }
    const sy = dot(s, yv);
    if (sy > 1e-300) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
    }
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    f = fNew;
  }
  const gm = maxAbs(g);
  return { x, f, iterations: iter, converged: gm <= opts.gtol, gradMax: gm };
}
