/**
 * `poly2`: degree-2 polynomial expansion (every feature, every square, every pairwise product,
 * in scikit-learn's PolynomialFeatures order) followed by ridge. The expansion is streamed in
 * row blocks into X^T X, never materialised. With `standardize: true` (default) inputs are
 * standardised before expansion and the expanded columns' penalty is scale-free (StandardScaler
 * -> PolynomialFeatures -> StandardScaler -> Ridge); `false` is PolynomialFeatures -> Ridge.
 * Coefficients are stored per expanded column, in the units of the (standardised) inputs.
 */
import { UserError } from '../../errors';
import type { RowFiller } from '../linalg';
import type { FeatureMatrix, FitOptions, ModelFactory, ModelJSON, ModelTask, Params, TrainedModel } from '../model';
import { fitLeastSquares } from './leastSquares';
import {
  alignFeatures,
  checkFeatures,
  checkLabels,
  checkTask,
  classTargets,
  columnStats,
  numberParam,
  readNumbers,
  readRows,
  resolveParams,
  scoresToProbabilities,
  toNumbers,
} from './linearInputs';

const KIND = 'poly2';
const TASKS = ['regression', 'classification'] as const;
const DEFAULTS: Params = { alpha: 1.0, standardize: true };
/** 40 inputs expand to 860 columns; X^T X then costs n * 370k multiply-adds. */
export const POLY2_MAX_FEATURES = 40;

export function expandedNames(names: readonly string[]): string[] {
  const out = [...names];
  for (let a = 0; a < names.length; a++)
    for (let b = a; b < names.length; b++) out.push(a === b ? `${names[a]}^2` : `${names[a]}*${names[b]}`);
  return out;
}

/** Writes [z, z_a z_b for a <= b] into out at offset o. */
function expandInto(z: Float64Array, out: Float64Array, o: number): void {
  const p = z.length;
  let k = o;
  for (let j = 0; j < p; j++) out[k++] = z[j];
  for (let a = 0; a < p; a++) {
    const za = z[a];
    for (let b = a; b < p; b++) out[k++] = za * z[b];
  }
}

function expandedFiller(columns: readonly Float64Array[], mean: Float64Array, scale: Float64Array): RowFiller {
  const p = columns.length;
  const q = p + (p * (p + 1)) / 2;
  const z = new Float64Array(p);
  return (start, end, out) => {
    for (let i = start; i < end; i++) {
      for (let j = 0; j < p; j++) z[j] = (columns[j][i] - mean[j]) / scale[j];
      expandInto(z, out, (i - start) * q);
    }
  };
}

export class Poly2Model implements TrainedModel {
  readonly kind = KIND;
  fallback?: { from: string; reason: string };

  constructor(
    readonly task: ModelTask,
    readonly features: string[],
    readonly params: Params,
    readonly mean: Float64Array,
    readonly scale: Float64Array,
    /** One row per output, over the expanded columns. */
    readonly coef: Float64Array[],
    readonly intercept: number[],
    readonly nClasses?: number,
  ) {}

  predict(X: FeatureMatrix): Float64Array {
    const cols = alignFeatures(KIND, X, this.features);
    const n = X.rows;
    const q = this.coef[0].length;
    const t = this.coef.length;
    const fill = expandedFiller(cols, this.mean, this.scale);
    const row = new Float64Array(q);
    const scores = new Float64Array(n * t);
    for (let i = 0; i < n; i++) {
      fill(i, i + 1, row);
      for (let k = 0; k < t; k++) {
        const w = this.coef[k];
        let s = this.intercept[k];
        for (let j = 0; j < q; j++) s += w[j] * row[j];
        scores[i * t + k] = s;
      }
    }
    return this.task === 'classification' ? scoresToProbabilities(scores, n, this.nClasses ?? 2) : scores;
  }

  toJSON(): ModelJSON {
    return {
      kind: KIND,
      task: this.task,
      ...(this.nClasses !== undefined ? { nClasses: this.nClasses } : {}),
      features: this.features,
      params: this.params,
      expanded: expandedNames(this.features),
      mean: toNumbers(this.mean),
      scale: toNumbers(this.scale),
      coef: this.coef.map((w) => toNumbers(w)),
      intercept: this.intercept,
      ...(this.fallback ? { fallback: this.fallback } : {}),
    };
  }

  static fromJSON(json: ModelJSON): Poly2Model {
    const p = json.features.length;
    const q = p + (p * (p + 1)) / 2;
    const coef = readRows(KIND, json, 'coef', q);
    const m = new Poly2Model(
      json.task,
      json.features,
      (json.params ?? {}) as Params,
      readNumbers(KIND, json, 'mean', p),
      readNumbers(KIND, json, 'scale', p),
      coef,
      Array.from(readNumbers(KIND, json, 'intercept', coef.length)),
      json.nClasses,
    );
    if (json.fallback) m.fallback = json.fallback as { from: string; reason: string };
    return m;
  }
}

export const poly2Factory: ModelFactory = {
  kind: KIND,
  tasks: TASKS,
  defaults: DEFAULTS,
  space: { alpha: [1e-3, 1e3, 'log'] },
  async fit(X: FeatureMatrix, y: Float64Array, params: Params, opts: FitOptions): Promise<TrainedModel> {
    checkTask(KIND, TASKS, opts.task);
    const prm = resolveParams(KIND, DEFAULTS, params);
    const alpha = numberParam(KIND, prm, 'alpha', 0);
    checkFeatures(KIND, X);
    const p = X.columns.length;
    if (p > POLY2_MAX_FEATURES) {
      throw new UserError(
        `model 'poly2': ${p} features would expand to ${p + (p * (p + 1)) / 2} columns; at most ` +
          `${POLY2_MAX_FEATURES} features`,
        { key: 'models' },
        ['select fewer features, or use ridge / gbdt'],
      );
    }
    const k = checkLabels(KIND, y, X.rows, opts);
    const standardize = prm.standardize as boolean;
    const stats = columnStats(X.columns, X.rows);
    const mean = standardize ? stats.mean : new Float64Array(p);
    const scale = standardize ? stats.scale : new Float64Array(p).fill(1);
    const targets = opts.task === 'classification' ? classTargets(y, k) : [y];
    const names = expandedNames(X.names);
    const sol = fitLeastSquares(KIND, X.rows, names, expandedFiller(X.columns, mean, scale), targets, {
      alpha,
      standardize,
    });
    return new Poly2Model(opts.task, [...X.names], prm, mean, scale, sol.coef, sol.intercept, k || undefined);
  },
  fromJSON(json: ModelJSON) {
    return Poly2Model.fromJSON(json);
  },
};
