/**
 * `svr`: epsilon-insensitive support vector regression, linear (like liblinear / scikit-learn's
 * LinearSVR with a penalised intercept: squared loss by primal Newton, L1 loss by dual
 * coordinate descent) or `kernel: rbf` through a
 * Nystroem approximation: `n_components` rows drawn with the seed as basis, features
 * phi(x) = L^-1 k(x) where L L^T = K_basis, so phi(x).phi(x') = k(x)^T K^-1 k(x'); never an n x n
 * kernel matrix. Features are standardised first by default (`standardize`), like a
 * StandardScaler in front of the estimator. `gamma: 0` means 1 / number of features.
 * The default loss is the squared epsilon-insensitive one (liblinear's default for SVR), solved in
 * a few Newton steps; the L1 loss (scikit-learn's default) needs dual coordinate descent, which
 * can take thousands of passes on long series. `max_iter` counts Newton iterations or passes.
 * Not converging within `max_iter` is a TrainingFailure.
 */
import { choleskyInPlace, toRowMajor } from '../linalg';
import {
  TrainingFailure,
  type FeatureMatrix,
  type FitOptions,
  type ModelFactory,
  type ModelJSON,
  type Params,
  type TrainedModel,
} from '../model';
import { mulberry32, sampleWithoutReplacement } from '../rng';
import {
  alignFeatures,
  checkFeatures,
  checkLabels,
  checkTask,
  columnStats,
  numberParam,
  readNumbers,
  resolveParams,
  toNumbers,
} from './linearInputs';
import { solveSvrDual, type SvrLoss } from './svrDual';
import { solveSvrPrimalL2 } from './svrPrimal';

const KIND = 'svr';
const TASKS = ['regression'] as const;
const DEFAULTS: Params = {
  C: 1.0,
  epsilon: 0.0,
  loss: 'squared_epsilon_insensitive',
  kernel: 'linear',
  n_components: 100,
  gamma: 0,
  tol: 1e-4,
  max_iter: 1000,
  standardize: true,
};
const CHOICES = { loss: ['epsilon_insensitive', 'squared_epsilon_insensitive'], kernel: ['linear', 'rbf'] } as const;

/** Nystroem basis and the map from kernel values to prediction weights. */
interface RbfPart {
  gamma: number;
  /** Row-major m x p basis points, in the standardised space. */
  basis: Float64Array;
  /** Prediction = intercept + sum_a alpha_a exp(-gamma |z - basis_a|^2). */
  alpha: Float64Array;
}

export class SvrModel implements TrainedModel {
  readonly kind = KIND;
  readonly task = 'regression' as const;
  fallback?: { from: string; reason: string };

  /**
   * Linear kernel: `coef` in raw units and `mean`/`scale` unused for prediction.
   * RBF: inputs are standardised with `mean`/`scale`, then the Nystroem part applies.
   */
  constructor(
    readonly features: string[],
    readonly params: Params,
    readonly intercept: number,
    readonly coef: Float64Array | null,
    readonly mean: Float64Array,
    readonly scale: Float64Array,
    readonly rbf: RbfPart | null,
  ) {}

  predict(X: FeatureMatrix): Float64Array {
    const cols = alignFeatures(KIND, X, this.features);
    const n = X.rows;
    const p = cols.length;
    const out = new Float64Array(n).fill(this.intercept);
    if (this.coef) {
      for (let j = 0; j < p; j++) {
        const c = cols[j];
        const wj = this.coef[j];
        for (let i = 0; i < n; i++) out[i] += wj * c[i];
      }
      return out;
    }
    const { gamma, basis, alpha } = this.rbf as RbfPart;
    const m = alpha.length;
    const z = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < p; j++) z[j] = (cols[j][i] - this.mean[j]) / this.scale[j];
      let s = out[i];
      for (let a = 0; a < m; a++) {
        let d2 = 0;
        for (let j = 0, o = a * p; j < p; j++) {
          const t = z[j] - basis[o + j];
          d2 += t * t;
        }
        s += alpha[a] * Math.exp(-gamma * d2);
      }
      out[i] = s;
    }
    return out;
  }

  toJSON(): ModelJSON {
    return {
      kind: KIND,
      task: 'regression',
      features: this.features,
      params: this.params,
      intercept: this.intercept,
      ...(this.coef ? { coef: toNumbers(this.coef) } : {}),
      mean: toNumbers(this.mean),
      scale: toNumbers(this.scale),
      ...(this.rbf
        ? { gamma: this.rbf.gamma, basis: toNumbers(this.rbf.basis), alpha: toNumbers(this.rbf.alpha) }
        : {}),
      ...(this.fallback ? { fallback: this.fallback } : {}),
    };
  }

  static fromJSON(json: ModelJSON): SvrModel {
    const p = json.features.length;
    const intercept = readNumbers(KIND, { intercept: [json.intercept] }, 'intercept', 1)[0];
    const mean = readNumbers(KIND, json, 'mean', p);
    const scale = readNumbers(KIND, json, 'scale', p);
    let coef: Float64Array | null = null;
    let rbf: RbfPart | null = null;
    if (json.coef !== undefined) coef = readNumbers(KIND, json, 'coef', p);
    else {
      const alpha = readNumbers(KIND, json, 'alpha');
      rbf = {
        gamma: readNumbers(KIND, { gamma: [json.gamma] }, 'gamma', 1)[0],
        alpha,
        basis: readNumbers(KIND, json, 'basis', alpha.length * p),
      };
    }
    const m = new SvrModel(json.features, (json.params ?? {}) as Params, intercept, coef, mean, scale, rbf);
    if (json.fallback) m.fallback = json.fallback as { from: string; reason: string };
    return m;
  }
}

/** Nystroem features [phi(z_i), 1] (row-major n x (m + 1)) and the pieces to predict with. */
function nystroem(Z: Float64Array, n: number, p: number, m: number, gamma: number, seed: number) {
  const idx = m >= n ? Uint32Array.from({ length: n }, (_, i) => i) : sampleWithoutReplacement(n, m, mulberry32(seed));
  const mm = idx.length;
  const basis = new Float64Array(mm * p);
  idx.forEach((r, a) => basis.set(Z.subarray(r * p, r * p + p), a * p));
  const kernelRow = (z: Float64Array, zo: number, out: Float64Array) => {
    for (let a = 0; a < mm; a++) {
      let d2 = 0;
      for (let j = 0, o = a * p; j < p; j++) {
        const t = z[zo + j] - basis[o + j];
        d2 += t * t;
      }
      out[a] = Math.exp(-gamma * d2);
    }
  };
  const K = new Float64Array(mm * mm);
  const row = new Float64Array(mm);
  for (let a = 0; a < mm; a++) {
    kernelRow(basis, a * p, row);
    K.set(row, a * mm);
  }
  // Duplicate basis rows make K singular: add the smallest jitter that lets Cholesky through.
  let L: Float64Array | null = null;
  for (let jitter = 1e-10; jitter <= 1e-2 && !L; jitter *= 100) {
    const trial = Float64Array.from(K);
    for (let a = 0; a < mm; a++) trial[a * mm + a] += jitter;
    if (choleskyInPlace(trial, mm, 1e-14).ok) L = trial;
  }
  if (!L)
    throw new TrainingFailure('svr: the Nystroem kernel matrix is not positive definite (too many identical rows?)');
  const F = new Float64Array(n * (mm + 1));
  for (let i = 0; i < n; i++) {
    kernelRow(Z, i * p, row);
    // Forward substitution: phi = L^-1 k.
    const o = i * (mm + 1);
    for (let a = 0; a < mm; a++) {
      let s = row[a];
      for (let b = 0; b < a; b++) s -= L[a * mm + b] * F[o + b];
      F[o + a] = s / L[a * mm + a];
    }
    F[o + mm] = 1;
  }
  return { F, basis, L, mm };
}

export const svrFactory: ModelFactory = {
  kind: KIND,
  tasks: TASKS,
  defaults: DEFAULTS,
  space: { C: [1e-3, 1e2, 'log'], epsilon: [0, 0.5, 'linear'] },
  async fit(X: FeatureMatrix, y: Float64Array, params: Params, opts: FitOptions): Promise<TrainedModel> {
    checkTask(KIND, TASKS, opts.task);
    const prm = resolveParams(KIND, DEFAULTS, params, CHOICES);
    const C = numberParam(KIND, prm, 'C', 0, false);
    const epsilon = numberParam(KIND, prm, 'epsilon', 0);
    const tol = numberParam(KIND, prm, 'tol', 0, false);
    const maxIter = numberParam(KIND, prm, 'max_iter', 1);
    checkFeatures(KIND, X);
    checkLabels(KIND, y, X.rows, opts);
    const n = X.rows;
    const p = X.columns.length;
    const stats = columnStats(X.columns, n);
    const mean = prm.standardize ? stats.mean : new Float64Array(p);
    const scale = prm.standardize ? stats.scale : new Float64Array(p).fill(1);
    const Z = toRowMajor(X.columns, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) Z[i * p + j] = (Z[i * p + j] - mean[j]) / scale[j];
    const rng = mulberry32(opts.seed);
    const squared = prm.loss === 'squared_epsilon_insensitive';
    const solve = (A: Float64Array, d: number) => {
      const r = squared
        ? solveSvrPrimalL2(A, n, d, y, { C, epsilon, tol, maxIter, signal: opts.signal })
        : solveSvrDual(A, n, d, y, { C, epsilon, loss: prm.loss as SvrLoss, tol, maxIter, rng, signal: opts.signal });
      if (!r.converged) {
        throw new TrainingFailure(
          squared
            ? `svr: Newton did not converge in ${maxIter} iterations (raise max_iter or tol)`
            : `svr: dual coordinate descent did not converge in ${maxIter} passes (raise max_iter or tol, or ` +
                `use loss: squared_epsilon_insensitive)`,
        );
      }
      return r.w;
    };
    if (prm.kernel === 'linear') {
      const A = new Float64Array(n * (p + 1));
      for (let i = 0; i < n; i++) {
        A.set(Z.subarray(i * p, i * p + p), i * (p + 1));
        A[i * (p + 1) + p] = 1;
      }
      const w = solve(A, p + 1);
      const coef = new Float64Array(p);
      let b = w[p];
      for (let j = 0; j < p; j++) {
        coef[j] = w[j] / scale[j];
        b -= coef[j] * mean[j];
      }
      return new SvrModel([...X.names], prm, b, coef, mean, scale, null);
    }
    const m = numberParam(KIND, prm, 'n_components', 1);
    const gamma = (prm.gamma as number) > 0 ? (prm.gamma as number) : 1 / p;
    const ny = nystroem(Z, n, p, Math.floor(m), gamma, opts.seed);
    const w = solve(ny.F, ny.mm + 1);
    // w.phi(z) = w.L^-1 k(z) = (L^-T w).k(z): back substitution gives the kernel weights.
    const alpha = w.slice(0, ny.mm);
    for (let a = ny.mm - 1; a >= 0; a--) {
      let s = alpha[a];
      for (let b = a + 1; b < ny.mm; b++) s -= ny.L[b * ny.mm + a] * alpha[b];
      alpha[a] = s / ny.L[a * ny.mm + a];
    }
    return new SvrModel([...X.names], prm, w[ny.mm], null, mean, scale, { gamma, basis: ny.basis, alpha });
  },
  fromJSON(json: ModelJSON) {
    return SvrModel.fromJSON(json);
  },
};
