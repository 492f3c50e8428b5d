/**
 * L2-penalised logistic regression on standardised rows, the scikit-learn objective:
 *   sum_i loss_i + 1/2 sum_c sum_j lambda_j v_cj^2   (intercepts not penalised)
 * Binary: one output, loss = log(1 + e^eta) - y eta. Multinomial: k outputs (softmax, like
 * scikit-learn's multinomial, with all k coefficient vectors penalised).
 * Solvers: Newton with a backtracking line search (exact, fast for a few dozen parameters) and
 * L-BFGS (for many parameters). Parameters are laid out per output: [b_c, v_c1 .. v_cp].
 */
import { CancelledError } from '../../errors';
import { minimizeLbfgs } from '../lbfgs';
import { solveSpd } from '../linalg';

export interface LogisticProblem {
  /** Row-major n x p standardised features. */
  Z: Float64Array;
  y: Float64Array;
  n: number;
  p: number;
  /** 1 for binary, k for multinomial. */
  outputs: number;
  /** Penalty per feature (1/C, or 1/(C s_j^2) to penalise raw coefficients). */
  lambda: Float64Array;
}

export interface LogisticSolution {
  theta: Float64Array;
  iterations: number;
  converged: boolean;
  gradMax: number;
}

/** Objective and gradient at theta; also fills per-row probabilities when `probs` is given. */
export function logisticObjective(
  P: LogisticProblem,
  theta: Float64Array,
  grad: Float64Array,
  probs?: Float64Array,
): number {
  const { Z, y, n, p, outputs: K, lambda } = P;
  const w = p + 1;
  grad.fill(0);
  let f = 0;
  const eta = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    const zo = i * p;
    for (let c = 0; c < K; c++) {
      const o = c * w;
      let e = theta[o];
      for (let j = 0; j < p; j++) e += theta[o + 1 + j] * Z[zo + j];
      eta[c] = e;
    }
    if (K === 1) {
      const e = eta[0];
      const yi = y[i];
      // One exponential per row: ex = e^-|e| gives both log(1 + e^e) and the probability stably.
      const ex = Math.exp(-Math.abs(e));
      f += (e > 0 ? e : 0) + Math.log1p(ex) - yi * e;
      const pr = e >= 0 ? 1 / (1 + ex) : ex / (1 + ex);
      if (probs) probs[i] = pr;
      const r = pr - yi;
      grad[0] += r;
      for (let j = 0; j < p; j++) grad[1 + j] += r * Z[zo + j];
    } else {
      let mx = -Infinity;
      for (let c = 0; c < K; c++) mx = Math.max(mx, eta[c]);
      let s = 0;
      for (let c = 0; c < K; c++) s += Math.exp(eta[c] - mx);
      const lse = mx + Math.log(s);
      const yi = y[i];
      f += lse - eta[yi];
      for (let c = 0; c < K; c++) {
        const pr = Math.exp(eta[c] - lse);
        if (probs) probs[i * K + c] = pr;
        const r = pr - (c === yi ? 1 : 0);
        const o = c * w;
        grad[o] += r;
        for (let j = 0; j < p; j++) grad[o + 1 + j] += r * Z[zo + j];
      }
    }
  }
  for (let c = 0; c < K; c++) {
    const o = c * w;
    for (let j = 0; j < p; j++) {
      const v = theta[o + 1 + j];
      f += 0.5 * lambda[j] * v * v;
      grad[o + 1 + j] += lambda[j] * v;
    }
  }
  return f;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Hessian of the objective (full symmetric, size (K(p+1))^2) given the row probabilities. */
function hessian(P: LogisticProblem, probs: Float64Array): Float64Array {
  const { Z, n, p, outputs: K, lambda } = P;
  const w = p + 1;
  const dim = K * w;
  const H = new Float64Array(dim * dim);
  const zt = new Float64Array(w);
  const A = new Float64Array(K * K);
  zt[0] = 1;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) zt[1 + j] = Z[i * p + j];
    if (K === 1) A[0] = probs[i] * (1 - probs[i]);
    else {
      for (let c = 0; c < K; c++) {
        const pc = probs[i * K + c];
        for (let d = 0; d <= c; d++) A[c * K + d] = (c === d ? pc : 0) - pc * probs[i * K + d];
      }
    }
    for (let c = 0; c < K; c++) {
      for (let a = 0; a < w; a++) {
        const I = c * w + a;
        const za = zt[a];
        if (za === 0) continue;
        const rowI = I * dim;
        for (let d = 0; d <= c; d++) {
          const acd = A[c * K + d] * za;
          if (acd === 0) continue;
          const bEnd = d === c ? a : w - 1;
          const base = rowI + d * w;
          for (let b = 0; b <= bEnd; b++) H[base + b] += acd * zt[b];
        }
      }
    }
  }
  for (let I = 0; I < dim; I++) for (let J = 0; J < I; J++) H[J * dim + I] = H[I * dim + J];
  for (let c = 0; c < K; c++) for (let j = 0; j < p; j++) H[(c * w + 1 + j) * (dim + 1)] += lambda[j];
  if (K > 1) {
    // Softmax is unchanged when every intercept moves by the same amount: a null direction of
    // the Hessian. The gradient is orthogonal to it, so a small damping removes the null space
    // without moving the optimum; steps are projected so the intercepts stay centred.
    for (let c = 0; c < K; c++) {
      const I = c * w;
      H[I * dim + I] += 1e-7 * Math.max(H[I * dim + I], 1);
    }
  }
  return H;
}

/** Removes the common shift of the k intercepts (it changes no probability). */
function centreIntercepts(theta: Float64Array, K: number, w: number): void {
  let m = 0;
  for (let c = 0; c < K; c++) m += theta[c * w];
  m /= K;
  for (let c = 0; c < K; c++) theta[c * w] -= m;
}

export function solveNewton(P: LogisticProblem, maxIter: number, tol: number, signal?: AbortSignal): LogisticSolution {
  const dim = P.outputs * (P.p + 1);
  let theta = new Float64Array(dim);
  const grad = new Float64Array(dim);
  const gTrial = new Float64Array(dim);
  let probs = new Float64Array(P.n * P.outputs);
  let trialProbs = new Float64Array(P.n * P.outputs);
  let f = logisticObjective(P, theta, grad, probs);
  const gtol = tol * P.n;
  for (let iter = 0; iter < maxIter; iter++) {
    const gm = maxAbs(grad);
    if (gm <= gtol) return { theta, iterations: iter, converged: true, gradMax: gm / P.n };
    if (signal?.aborted) throw new CancelledError();
    const H = hessian(P, probs);
    const minusG = grad.map((g) => -g);
    const solved = solveSpd(H, dim, [minusG], 1e-14);
    if (!solved.ok) return { theta, iterations: iter, converged: false, gradMax: gm / P.n };
    const d = solved.x[0];
    if (P.outputs > 1) centreIntercepts(d, P.outputs, P.p + 1);
    let slope = 0;
    for (let i = 0; i < dim; i++) slope += grad[i] * d[i];
    let t = 1;
    let accepted = false;
    const trial = new Float64Array(dim);
    for (let halvings = 0; halvings < 50; halvings++) {
      for (let i = 0; i < dim; i++) trial[i] = theta[i] + t * d[i];
      const fTrial = logisticObjective(P, trial, gTrial, trialProbs);
      if (fTrial <= f + 1e-4 * t * slope || (Math.abs(fTrial - f) <= 1e-15 * Math.abs(f) && maxAbs(gTrial) <= gm)) {
        // The accepted trial's objective, gradient and probabilities become the current ones.
        theta = trial;
        f = fTrial;
        grad.set(gTrial);
        [probs, trialProbs] = [trialProbs, probs];
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted) return { theta, iterations: iter, converged: maxAbs(grad) <= gtol, gradMax: maxAbs(grad) / P.n };
  }
  const gm = maxAbs(grad);
  return { theta, iterations: maxIter, converged: gm <= gtol, gradMax: gm / P.n };
}

export function solveLbfgs(P: LogisticProblem, maxIter: number, tol: number, signal?: AbortSignal): LogisticSolution {
  const dim = P.outputs * (P.p + 1);
  const r = minimizeLbfgs((x, g) => logisticObjective(P, x, g), new Float64Array(dim), {
    maxIter,
    gtol: tol * P.n,
    m: 20,
    signal,
  });
  return { theta: r.x, iterations: r.iterations, converged: r.converged, gradMax: r.gradMax / P.n };
}
