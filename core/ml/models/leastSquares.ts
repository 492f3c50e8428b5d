/**
 * Penalised least squares on a streamed design: the engine of `linear`, `ridge` and `poly2`.
 * Centres X and y (so the intercept is never penalised), accumulates X^T X in one pass over row
 * blocks, adds alpha * s_j^2 (standardised) or alpha (raw) to the diagonal, and solves by an
 * equilibrated Cholesky. A singular system is a TrainingFailure naming the offending column.
 */
import { accumulateGram, designMeans, solveSpd, type RowFiller } from '../linalg';
import {
  TrainingFailure,
  type FeatureMatrix,
  type ModelJSON,
  type ModelTask,
  type Params,
  type TrainedModel,
} from '../model';
import { alignFeatures, readNumbers, readRows, scoresToProbabilities, toNumbers } from './linearInputs';

export interface LeastSquaresOptions {
  alpha: number;
  /** Penalise coefficients of standardised columns (scale-free alpha) instead of raw ones. */
  standardize: boolean;
}

export interface LeastSquaresSolution {
  /** coef[t][j]: coefficient of design column j for target t, in the design's own units. */
  coef: Float64Array[];
  intercept: number[];
}

export function fitLeastSquares(
  kind: string,
  rows: number,
  names: readonly string[],
  fill: RowFiller,
  targets: readonly Float64Array[],
  opts: LeastSquaresOptions,
): LeastSquaresSolution {
  const width = names.length;
  const means = designMeans(rows, width, fill);
  const targetMeans = targets.map((t) => {
    let s = 0;
    for (let i = 0; i < rows; i++) s += t[i];
    return s / rows;
  });
  const { gram, cross } = accumulateGram(rows, width, fill, means, targets, targetMeans);
  if (opts.alpha > 0) {
    for (let j = 0; j < width; j++) {
      const variance = gram[j * width + j] / rows;
      const s2 = opts.standardize && variance > 1e-300 ? variance : 1;
      gram[j * width + j] += opts.alpha * s2;
    }
  }
  const solved = solveSpd(gram, width, cross);
  if (!solved.ok) {
    const col = names[solved.index];
    throw new TrainingFailure(
      `${kind}: the system is singular at feature '${col}' (constant, or a linear combination of other ` +
        `features such as a duplicated column)` +
        (opts.alpha > 0 ? '' : '; ridge with alpha > 0 handles this'),
    );
  }
  const intercept = targetMeans.map((ym, t) => {
    let b = ym;
    const w = solved.x[t];
    for (let j = 0; j < width; j++) b -= means[j] * w[j];
    return b;
  });
  return { coef: solved.x, intercept };
}

/** Row-major rows x t scores b_t + sum_j w_tj x_j over column-major inputs. */
export function linearScores(
  columns: readonly Float64Array[],
  rows: number,
  coef: readonly Float64Array[],
  intercept: readonly number[],
): Float64Array {
  const t = coef.length;
  const out = new Float64Array(rows * t);
  for (let k = 0; k < t; k++) {
    const w = coef[k];
    const acc = new Float64Array(rows).fill(intercept[k]);
    for (let j = 0; j < columns.length; j++) {
      const c = columns[j];
      const wj = w[j];
      if (wj === 0) continue;
      for (let i = 0; i < rows; i++) acc[i] += wj * c[i];
    }
    if (t === 1) return acc;
    for (let i = 0; i < rows; i++) out[i * t + k] = acc[i];
  }
  return out;
}

/** A fitted least-squares model on the raw features (`linear`, `ridge`). */
export class LeastSquaresModel implements TrainedModel {
  fallback?: { from: string; reason: string };

  constructor(
    readonly kind: string,
    readonly task: ModelTask,
    readonly features: string[],
    readonly params: Params,
    readonly coef: Float64Array[],
    readonly intercept: number[],
    readonly nClasses?: number,
  ) {}

  predict(X: FeatureMatrix): Float64Array {
    const cols = alignFeatures(this.kind, X, this.features);
    const scores = linearScores(cols, X.rows, this.coef, this.intercept);
    return this.task === 'classification' ? scoresToProbabilities(scores, X.rows, this.nClasses ?? 2) : scores;
  }

  /** |coefficient| per feature (raw units, summed over outputs): comparable only between features on one scale. */
  importance(): Record<string, number> {
    const out: Record<string, number> = {};
    this.features.forEach((f, j) => (out[f] = this.coef.reduce((s, w) => s + Math.abs(w[j]), 0)));
    return out;
  }

  toJSON(): ModelJSON {
    return {
      kind: this.kind,
      task: this.task,
      ...(this.nClasses !== undefined ? { nClasses: this.nClasses } : {}),
      features: this.features,
      params: this.params,
      coef: this.coef.map((w) => toNumbers(w)),
      intercept: this.intercept,
      ...(this.fallback ? { fallback: this.fallback } : {}),
    };
  }

  static fromJSON(json: ModelJSON): LeastSquaresModel {
    const p = json.features.length;
    const coef = readRows(json.kind, json, 'coef', p);
    const intercept = readNumbers(json.kind, json, 'intercept', coef.length);
    const m = new LeastSquaresModel(
      json.kind,
      json.task,
      json.features,
      (json.params ?? {}) as Params,
      coef,
      Array.from(intercept),
      json.nClasses,
    );
    if (json.fallback) m.fallback = json.fallback as { from: string; reason: string };
    return m;
  }
}

/** Streams plain feature columns as design rows. */
export function columnFiller(columns: readonly Float64Array[]): RowFiller {
  const p = columns.length;
  return (start, end, out) => {
    for (let j = 0; j < p; j++) {
      const c = columns[j];
      for (let i = start, o = j; i < end; i++, o += p) out[o] = c[i];
    }
  };
}
