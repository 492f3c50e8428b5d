/**
 * The fit of the `nonneg` combiner: minimise
 *   L(b, w) = mean_i loss(y_i, b + sum_j w_j z_ij) + (l2 / 2) sum_j s_j^2 w_j^2,   w_j >= 0,
 * with loss = logistic log-loss (classification) or half squared error (regression), z the
 * (transformed) base predictions, s_j their standard deviation (so l2 means the same whatever
 * the scale of a base's output) and the intercept b free. Convex and, with l2 > 0, strictly
 * convex in w: a unique solution even when two bases are collinear (they share the weight).
 *
 * Projected Newton (Bertsekas 1982): weights at their bound whose gradient pushes outwards are
 * held at 0; a Newton step on the others, projected back onto w >= 0, with an Armijo backtracking
 * line search along the projection arc. A handful of features, so dense (k+1)^2 algebra.
 */
import { TrainingFailure } from '../model';
import { solveSpd } from '../linalg';

export interface NonnegProblem {
  /** Column-major transformed base predictions. */
  z: readonly Float64Array[];
  y: Float64Array;
  loss: 'logistic' | 'squared';
  l2: number;
  maxIter?: number;
}

export interface NonnegSolution {
  intercept: number;
  weights: Float64Array;
  iterations: number;
  /** Objective at the solution. */
  objective: number;
}

function sigmoid(t: number): number {
  return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
}

/** log(1 + exp(t)) without overflow. */
function softplus(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

export function solveNonneg(pr: NonnegProblem): NonnegSolution {
  const { z, y, loss, l2 } = pr;
  const k = z.length;
  const n = y.length;
  const m = k + 1; // theta = [b, w_1..w_k]
  const pen = new Float64Array(m);
  for (let j = 0; j < k; j++) {
    let s = 0,
      ss = 0;
    for (let i = 0; i < n; i++) {
      s += z[j][i];
      ss += z[j][i] * z[j][i];
    }
    const v = ss / n - (s / n) ** 2;
    pen[j + 1] = l2 * Math.max(v, 1e-12);
  }
  const eta = new Float64Array(n);
  const linear = (th: Float64Array): void => {
    eta.fill(th[0]);
    for (let j = 0; j < k; j++) {
      const w = th[j + 1];
      if (w === 0) continue;
      const c = z[j];
      for (let i = 0; i < n; i++) eta[i] += w * c[i];
    }
  };
  const objective = (th: Float64Array): number => {
    linear(th);
    let f = 0;
    if (loss === 'logistic') for (let i = 0; i < n; i++) f += softplus(eta[i]) - y[i] * eta[i];
    else for (let i = 0; i < n; i++) f += 0.5 * (eta[i] - y[i]) ** 2;
    f /= n;
    for (let j = 1; j < m; j++) f += 0.5 * pen[j] * th[j] * th[j];
    return f;
  };
  /** Gradient and Hessian at th (eta must be current). */
  const derivatives = (th: Float64Array, g: Float64Array, H: Float64Array): void => {
    g.fill(0);
    H.fill(0);
    const x = new Float64Array(m);
    x[0] = 1;
    for (let i = 0; i < n; i++) {
      let r: number, c: number;
      if (loss === 'logistic') {
        const p = sigmoid(eta[i]);
        r = p - y[i];
        c = Math.max(p * (1 - p), 1e-12);
      } else {
        r = eta[i] - y[i];
        c = 1;
      }
      for (let j = 0; j < k; j++) x[j + 1] = z[j][i];
      for (let a = 0; a < m; a++) {
        g[a] += r * x[a];
        const cx = c * x[a];
        for (let b = 0; b <= a; b++) H[a * m + b] += cx * x[b];
      }
    }
    for (let a = 0; a < m; a++) {
      g[a] = g[a] / n + pen[a] * th[a];
      for (let b = 0; b <= a; b++) {
        H[a * m + b] /= n;
        H[b * m + a] = H[a * m + b];
      }
      H[a * m + a] += pen[a];
    }
  };

  let th = new Float64Array(m);
  if (loss === 'squared') th[0] = y.reduce((s, v) => s + v, 0) / n;
  else {
    const mean = Math.min(1 - 1e-9, Math.max(1e-9, y.reduce((s, v) => s + v, 0) / n));
    th[0] = Math.log(mean / (1 - mean));
  }
  let f = objective(th);
  const g = new Float64Array(m);
  const H = new Float64Array(m * m);
  const maxIter = pr.maxIter ?? 100;
  let it = 0;
  for (; it < maxIter; it++) {
    linear(th);
    derivatives(th, g, H);
    const free: number[] = [0];
    let pg = Math.abs(g[0]);
    for (let j = 1; j < m; j++) {
      if (th[j] <= 0 && g[j] > 0) continue;
      free.push(j);
      pg = Math.max(pg, Math.abs(g[j]));
    }
    if (pg < 1e-10) break;
    const q = free.length;
    const Hf = new Float64Array(q * q);
    const rhs = new Float64Array(q);
    free.forEach((a, ia) => {
      rhs[ia] = -g[a];
      free.forEach((b, ib) => (Hf[ia * q + ib] = H[a * m + b]));
    });
    const sol = solveSpd(Hf, q, [rhs]);
    if (!sol.ok)
      throw new TrainingFailure(
        `non-negative combiner: the base predictions are degenerate (singular Hessian at ` +
          `${free[sol.index] === 0 ? 'the intercept' : `base ${free[sol.index]}`})`,
      );
    const d = sol.x[0];
    let t = 1;
    let accepted = false;
    for (let ls = 0; ls < 40; ls++, t /= 2) {
      const next = Float64Array.from(th);
      free.forEach((a, ia) => (next[a] = th[a] + t * d[ia]));
      for (let j = 1; j < m; j++) if (next[j] < 0) next[j] = 0;
      let decrease = 0;
      for (let a = 0; a < m; a++) decrease += g[a] * (next[a] - th[a]);
      const fNext = objective(next);
      if (fNext <= f + 1e-4 * decrease) {
        const done = f - fNext < 1e-15 * Math.max(1, Math.abs(f));
        th = next;
        f = fNext;
        accepted = !done;
        break;
      }
    }
    if (!accepted) break;
  }
  return { intercept: th[0], weights: th.slice(1), iterations: it, objective: f };
}
