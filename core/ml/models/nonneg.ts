/**
 * `nonneg`: the default stacking meta-learner. A non-negative, L2-regularised linear combination
 * of base-model outputs (./nonnegSolver):
 * - binary classification: logistic regression on the logits of the base probabilities,
 *   p = sigmoid(b + sum_j w_j logit(p_j)), w_j >= 0. A weight of 1 on one calibrated base
 *   reproduces it; weights near 1/k on k similar bases average them on the logit scale.
 * - regression: least squares on the base predictions, y = b + sum_j w_j f_j, w_j >= 0
 *   (Breiman's 1996 stacked regression, with a ridge penalty).
 * Non-negativity is what keeps collinear bases from trading huge opposite weights (+26 / -22 on the
 * demo with an unconstrained logistic meta-learner); the penalty `l2` (on standardised weights)
 * makes the split between near-identical bases unique. Multi-class stacking uses `logistic`.
 */
import { UserError } from '../../errors';
import type { FeatureMatrix, FitOptions, ModelFactory, ModelJSON, ModelTask, Params, TrainedModel } from '../model';
import {
  alignFeatures,
  checkFeatures,
  checkLabels,
  checkTask,
  numberParam,
  readNumbers,
  resolveParams,
  toNumbers,
} from './linearInputs';
import { solveNonneg } from './nonnegSolver';

const KIND = 'nonneg';
const TASKS = ['classification', 'regression'] as const;
const DEFAULTS: Params = { l2: 0.001 };
/** Probabilities are clipped to [EPS, 1 - EPS] before the logit. */
const EPS = 1e-6;

function logitColumn(name: string, c: Float64Array): Float64Array {
  const out = new Float64Array(c.length);
  for (let i = 0; i < c.length; i++) {
    const v = c[i];
    if (v < -1e-9 || v > 1 + 1e-9) {
      throw new UserError(
        `model '${KIND}': column '${name}' holds ${v} at row ${i + 1}, not a probability; for classification ` +
          `its inputs are base-model probabilities`,
        { dataColumn: name, row: i + 1 },
      );
    }
    const p = Math.min(1 - EPS, Math.max(EPS, v));
    out[i] = Math.log(p / (1 - p));
  }
  return out;
}

class NonnegModel implements TrainedModel {
  fallback?: { from: string; reason: string };
  readonly kind = KIND;

  constructor(
    readonly task: ModelTask,
    readonly features: string[],
    readonly params: Params,
    readonly weights: Float64Array,
    readonly intercept: number,
  ) {}

  get nClasses(): number | undefined {
    return this.task === 'classification' ? 2 : undefined;
  }

  predict(X: FeatureMatrix): Float64Array {
    const cols = alignFeatures(KIND, X, this.features);
    const z = this.task === 'classification' ? cols.map((c, j) => logitColumn(this.features[j], c)) : cols;
    const out = new Float64Array(X.rows).fill(this.intercept);
    z.forEach((c, j) => {
      const w = this.weights[j];
      if (w !== 0) for (let i = 0; i < X.rows; i++) out[i] += w * c[i];
    });
    if (this.task === 'classification') for (let i = 0; i < out.length; i++) out[i] = 1 / (1 + Math.exp(-out[i]));
    return out;
  }

  importance(): Record<string, number> {
    return Object.fromEntries(this.features.map((f, j) => [f, this.weights[j]]));
  }

  toJSON(): ModelJSON {
    return {
      kind: KIND,
      task: this.task,
      ...(this.nClasses ? { nClasses: this.nClasses } : {}),
      features: this.features,
      params: this.params,
      link: this.task === 'classification' ? 'logit of base probabilities' : 'identity',
      coef: toNumbers(this.weights),
      intercept: this.intercept,
      ...(this.fallback ? { fallback: this.fallback } : {}),
    };
  }
}

export const nonnegFactory: ModelFactory = {
  kind: KIND,
  tasks: TASKS,
  defaults: DEFAULTS,
  space: { l2: [1e-4, 1, 'log'] },
  async fit(X: FeatureMatrix, y: Float64Array, params: Params, opts: FitOptions) {
    checkTask(KIND, TASKS, opts.task);
    const p = resolveParams(KIND, DEFAULTS, params);
    const l2 = numberParam(KIND, p, 'l2', 0, false);
    checkFeatures(KIND, X);
    const k = checkLabels(KIND, y, X.rows, opts);
    if (k > 2)
      throw new UserError(
        `model '${KIND}' combines binary classifiers and regressors; for ${k} classes use meta_learner: logistic`,
        { key: 'meta_learner' },
      );
    const classification = opts.task === 'classification';
    const z = classification ? X.columns.map((c, j) => logitColumn(X.names[j], c)) : X.columns;
    const sol = solveNonneg({ z, y, loss: classification ? 'logistic' : 'squared', l2 });
    return new NonnegModel(opts.task, [...X.names], p, sol.weights, sol.intercept);
  },
  fromJSON(json: ModelJSON) {
    const weights = readNumbers(KIND, json, 'coef', json.features.length);
    const intercept = typeof json.intercept === 'number' ? json.intercept : NaN;
    if (!Number.isFinite(intercept))
      throw new UserError(`model '${KIND}': model.json has no numeric 'intercept'`, { key: 'intercept' });
    const m = new NonnegModel(json.task, json.features, (json.params ?? {}) as Params, weights, intercept);
    if (json.fallback) m.fallback = json.fallback as { from: string; reason: string };
    return m;
  },
};
