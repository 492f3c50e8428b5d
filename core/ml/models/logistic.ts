/**
 * `logistic`: L2-penalised logistic regression with scikit-learn's `C` (larger C = weaker
 * penalty), binary and multinomial. Fitted on standardised features for conditioning; with
 * `standardize: true` (default) the penalty is on standardised coefficients (StandardScaler +
 * LogisticRegression), with `false` on raw ones (plain LogisticRegression). Stored coefficients
 * are always in raw feature units. `solver: auto` uses Newton up to 24 parameters, else L-BFGS
 * (which gets 10x `max_iter`). Non-convergence (e.g. separable classes with a huge C) or a class
 * without training rows is a TrainingFailure.
 */
import { toRowMajor } from '../linalg';
import {
  TrainingFailure,
  type FeatureMatrix,
  type FitOptions,
  type ModelFactory,
  type ModelJSON,
  type Params,
  type TrainedModel,
} from '../model';
import {
  alignFeatures,
  checkFeatures,
  checkLabels,
  checkTask,
  columnStats,
  numberParam,
  readNumbers,
  readRows,
  resolveParams,
  toNumbers,
} from './linearInputs';
import { solveLbfgs, solveNewton, type LogisticProblem } from './logisticSolver';

const KIND = 'logistic';
const TASKS = ['classification'] as const;
const DEFAULTS: Params = { C: 1.0, standardize: true, max_iter: 100, tol: 1e-8, solver: 'auto' };
const CHOICES = { solver: ['auto', 'newton', 'lbfgs'] } as const;
const NEWTON_MAX_PARAMS = 24;

export class LogisticModel implements TrainedModel {
  readonly kind = KIND;
  readonly task = 'classification' as const;
  fallback?: { from: string; reason: string };

  /** coef: one row per output (1 for binary, k for multinomial), raw units. */
  constructor(
    readonly features: string[],
    readonly nClasses: number,
    readonly params: Params,
    readonly coef: Float64Array[],
    readonly intercept: number[],
  ) {}

  predict(X: FeatureMatrix): Float64Array {
    const cols = alignFeatures(KIND, X, this.features);
    const n = X.rows;
    const K = this.coef.length;
    const eta = new Float64Array(n * K);
    for (let c = 0; c < K; c++) {
      const w = this.coef[c];
      for (let i = 0; i < n; i++) eta[i * K + c] = this.intercept[c];
      for (let j = 0; j < cols.length; j++) {
        const col = cols[j];
        const wj = w[j];
        for (let i = 0; i < n; i++) eta[i * K + c] += wj * col[i];
      }
    }
    if (K === 1) return eta.map((e) => (e >= 0 ? 1 / (1 + Math.exp(-e)) : Math.exp(e) / (1 + Math.exp(e))));
    for (let i = 0; i < n; i++) {
      let mx = -Infinity;
      for (let c = 0; c < K; c++) mx = Math.max(mx, eta[i * K + c]);
      let s = 0;
      for (let c = 0; c < K; c++) s += eta[i * K + c] = Math.exp(eta[i * K + c] - mx);
      for (let c = 0; c < K; c++) eta[i * K + c] /= s;
    }
    return eta;
  }

  toJSON(): ModelJSON {
    return {
      kind: KIND,
      task: 'classification',
      nClasses: this.nClasses,
      features: this.features,
      params: this.params,
      coef: this.coef.map((w) => toNumbers(w)),
      intercept: this.intercept,
      ...(this.fallback ? { fallback: this.fallback } : {}),
    };
  }

  static fromJSON(json: ModelJSON): LogisticModel {
    const coef = readRows(KIND, json, 'coef', json.features.length);
    const intercept = readNumbers(KIND, json, 'intercept', coef.length);
    const m = new LogisticModel(
      json.features,
      json.nClasses ?? 2,
      (json.params ?? {}) as Params,
      coef,
      Array.from(intercept),
    );
    if (json.fallback) m.fallback = json.fallback as { from: string; reason: string };
    return m;
  }
}

export const logisticFactory: ModelFactory = {
  kind: KIND,
  tasks: TASKS,
  defaults: DEFAULTS,
  space: { C: [1e-3, 1e2, 'log'] },
  async fit(X: FeatureMatrix, y: Float64Array, params: Params, opts: FitOptions): Promise<TrainedModel> {
    checkTask(KIND, TASKS, opts.task);
    const prm = resolveParams(KIND, DEFAULTS, params, CHOICES);
    const C = numberParam(KIND, prm, 'C', 0, false);
    const maxIter = numberParam(KIND, prm, 'max_iter', 1);
    const tol = numberParam(KIND, prm, 'tol', 0, false);
    checkFeatures(KIND, X);
    const k = checkLabels(KIND, y, X.rows, opts);
    const counts = new Array<number>(k).fill(0);
    for (let i = 0; i < y.length; i++) counts[y[i]]++;
    const empty = counts.findIndex((c) => c === 0);
    if (empty >= 0) throw new TrainingFailure(`logistic: class ${empty} has no training rows`);

    const n = X.rows;
    const p = X.columns.length;
    const { mean, scale } = columnStats(X.columns, n);
    const Z = toRowMajor(X.columns, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) Z[i * p + j] = (Z[i * p + j] - mean[j]) / scale[j];
    const lambda = new Float64Array(p);
    for (let j = 0; j < p; j++) lambda[j] = prm.standardize ? 1 / C : 1 / (C * scale[j] * scale[j]);
    const problem: LogisticProblem = { Z, y, n, p, outputs: k === 2 ? 1 : k, lambda };
    const dim = problem.outputs * (p + 1);
    const useNewton = prm.solver === 'newton' || (prm.solver === 'auto' && dim <= NEWTON_MAX_PARAMS);
    const sol = useNewton
      ? solveNewton(problem, maxIter, tol, opts.signal)
      : solveLbfgs(problem, 10 * maxIter, tol, opts.signal);
    if (!sol.converged || !sol.theta.every(Number.isFinite)) {
      throw new TrainingFailure(
        `logistic: did not converge in ${sol.iterations} ${useNewton ? 'Newton' : 'L-BFGS'} iterations (mean ` +
          `gradient ${sol.gradMax.toExponential(2)} > tol ${tol}); ` +
          'the classes may be perfectly separable: lower C',
      );
    }
    // Back to raw units: v_j z_j = v_j (x_j - mu_j) / s_j.
    const coef: Float64Array[] = [];
    const intercept: number[] = [];
    for (let c = 0; c < problem.outputs; c++) {
      const o = c * (p + 1);
      const w = new Float64Array(p);
      let b = sol.theta[o];
      for (let j = 0; j < p; j++) {
        w[j] = sol.theta[o + 1 + j] / scale[j];
        b -= w[j] * mean[j];
      }
      coef.push(w);
      intercept.push(b);
    }
    return new LogisticModel([...X.names], k, prm, coef, intercept);
  },
  fromJSON(json: ModelJSON) {
    return LogisticModel.fromJSON(json);
  },
};
