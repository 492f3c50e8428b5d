/**
 * Input checks and small shared pieces of the linear-family models: complete features (NaN is
 * rejected with the column and row), labels, parameters with "did you mean", feature alignment
 * at prediction time, standardisation statistics, and class targets for least squares.
 */
import { UserError } from '../../errors';
import { closest, didYouMean } from '../../base/schema';
import type { FeatureMatrix, FitOptions, ModelTask, Params } from '../model';

/** Rejects a matrix whose columns disagree with `rows` or hold NaN / ±Infinity. */
export function checkFeatures(kind: string, X: FeatureMatrix): void {
  if (X.columns.length !== X.names.length) {
    throw new UserError(`model '${kind}': ${X.columns.length} feature columns but ${X.names.length} names`);
  }
  if (X.columns.length === 0) throw new UserError(`model '${kind}': no feature columns to train on`);
  for (let j = 0; j < X.columns.length; j++) {
    const c = X.columns[j];
    const name = X.names[j];
    if (c.length !== X.rows) {
      throw new UserError(`model '${kind}': feature column '${name}' has ${c.length} rows, expected ${X.rows}`, {
        dataColumn: name,
      });
    }
    for (let i = 0; i < c.length; i++) {
      const v = c[i];
      if (v - v !== 0) {
        const what = Number.isNaN(v) ? 'a missing value (NaN)' : `an infinite value (${v})`;
        throw new UserError(
          `model '${kind}': feature column '${name}' has ${what} at row ${i + 1}; linear models need complete rows`,
          { dataColumn: name, row: i + 1 },
          ['drop or impute missing values before training (e.g. drop warm-up rows of lags and rolling windows)'],
        );
      }
    }
  }
}

/** Rejects labels that are missing, or not class codes 0..k-1 for classification. Returns k. */
export function checkLabels(kind: string, y: Float64Array, rows: number, opts: FitOptions): number {
  if (y.length !== rows) throw new UserError(`model '${kind}': ${y.length} labels for ${rows} feature rows`);
  if (rows === 0) throw new UserError(`model '${kind}': no rows to train on`);
  let maxLabel = 0;
  for (let i = 0; i < rows; i++) {
    const v = y[i];
    if (v - v !== 0) {
      throw new UserError(`model '${kind}': label at row ${i + 1} is ${Number.isNaN(v) ? 'missing (NaN)' : v}`, {
        row: i + 1,
      });
    }
    if (opts.task === 'classification') {
      if (v < 0 || !Number.isInteger(v)) {
        throw new UserError(`model '${kind}': label at row ${i + 1} is ${v}, expected a class code 0..k-1`, {
          row: i + 1,
        });
      }
      if (v > maxLabel) maxLabel = v;
    }
  }
  if (opts.task === 'regression') return 0;
  const k = opts.nClasses ?? Math.max(2, maxLabel + 1);
  if (maxLabel >= k) throw new UserError(`model '${kind}': label ${maxLabel} is out of range for ${k} classes`);
  if (k < 2) throw new UserError(`model '${kind}': classification needs at least 2 classes`);
  return k;
}

export function checkTask(kind: string, tasks: readonly ModelTask[], task: ModelTask): void {
  if (!tasks.includes(task)) {
    throw new UserError(`model '${kind}' does not support ${task} (it supports: ${tasks.join(', ')})`, {
      key: 'models',
    });
  }
}

/**
 * Defaults overlaid with the given params. Unknown names and wrong types are UserErrors naming
 * the parameter; `choices` restricts string parameters.
 */
export function resolveParams(
  kind: string,
  defaults: Params,
  params: Params,
  choices: Record<string, readonly string[]> = {},
): Params {
  const out: Params = { ...defaults };
  for (const [key, value] of Object.entries(params)) {
    if (!(key in defaults)) {
      const guess = closest(key, Object.keys(defaults));
      throw new UserError(`model '${kind}' has no parameter '${key}'${didYouMean(guess)}`, { key }, [
        `parameters: ${Object.keys(defaults).join(', ')}`,
      ]);
    }
    const expected = typeof defaults[key];
    if (typeof value !== expected || (expected === 'number' && Number.isNaN(value))) {
      throw new UserError(`model '${kind}': parameter '${key}' must be a ${expected}, got ${JSON.stringify(value)}`, {
        key,
      });
    }
    const allowed = choices[key];
    if (allowed && !allowed.includes(String(value))) {
      throw new UserError(`model '${kind}': parameter '${key}' must be one of ${allowed.join(', ')}, got '${value}'`, {
        key,
      });
    }
    out[key] = value;
  }
  return out;
}

export function numberParam(kind: string, p: Params, key: string, min: number, inclusive = true): number {
  const v = p[key] as number;
  if (!(inclusive ? v >= min : v > min)) {
    throw new UserError(`model '${kind}': parameter '${key}' must be ${inclusive ? '>=' : '>'} ${min}, got ${v}`, {
      key,
    });
  }
  return v;
}

/** The columns of X in the order the model was trained on (matched by name). */
export function alignFeatures(kind: string, X: FeatureMatrix, features: readonly string[]): Float64Array[] {
  if (X.names.length === features.length && X.names.every((n, j) => n === features[j])) return X.columns;
  const index = new Map(X.names.map((n, j) => [n, j]));
  const missing = features.filter((f) => !index.has(f));
  if (missing.length) {
    throw new UserError(
      `model '${kind}' was trained on features that are missing here: ${missing.join(', ')}`,
      { dataColumn: missing[0] },
      [`available: ${X.names.join(', ')}`],
    );
  }
  return features.map((f) => X.columns[index.get(f) as number]);
}

/** Column means and population standard deviations; a constant column gets scale 1 (as scikit-learn). */
export function columnStats(
  columns: readonly Float64Array[],
  rows: number,
): { mean: Float64Array; scale: Float64Array } {
  const p = columns.length;
  const mean = new Float64Array(p);
  const scale = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const c = columns[j];
    let s = 0;
    for (let i = 0; i < rows; i++) s += c[i];
    const m = s / rows;
    let v = 0;
    for (let i = 0; i < rows; i++) {
      const d = c[i] - m;
      v += d * d;
    }
    const sd = Math.sqrt(v / rows);
    mean[j] = m;
    scale[j] = sd > 10 * Number.EPSILON * Math.max(1, Math.abs(m)) ? sd : 1;
  }
  return { mean, scale };
}

/** Least-squares targets for classification: y itself for 2 classes, one-hot columns for k > 2. */
export function classTargets(y: Float64Array, k: number): Float64Array[] {
  if (k === 2) return [y];
  const out = Array.from({ length: k }, () => new Float64Array(y.length));
  for (let i = 0; i < y.length; i++) out[y[i]][i] = 1;
  return out;
}

/**
 * Least-squares scores to probabilities (a "linear probability model"): binary scores are clipped
 * to [0, 1]; k-class scores are clipped at 0 and normalised per row (uniform when all are 0).
 * `scores` is row-major rows x t; the result follows the TrainedModel.predict contract.
 */
export function scoresToProbabilities(scores: Float64Array, rows: number, k: number): Float64Array {
  if (k === 2) return scores.map((s) => Math.min(1, Math.max(0, s)));
  const out = new Float64Array(rows * k);
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const v = Math.max(0, scores[i * k + c]);
      out[i * k + c] = v;
      sum += v;
    }
    for (let c = 0; c < k; c++) out[i * k + c] = sum > 0 ? out[i * k + c] / sum : 1 / k;
  }
  return out;
}

/** Plain arrays for JSON. */
export function toNumbers(a: ArrayLike<number>): number[] {
  return Array.from(a);
}

/** Reads a number array written by `toNumbers`, failing clearly on a damaged file. */
export function readNumbers(kind: string, json: Record<string, unknown>, key: string, length?: number): Float64Array {
  const v = json[key];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number') || (length !== undefined && v.length !== length)) {
    throw new UserError(`saved '${kind}' model: field '${key}' is missing or malformed`, { key });
  }
  return Float64Array.from(v as number[]);
}

/** Reads a list of equal-length number arrays (one per output) written by `toNumbers`. */
export function readRows(kind: string, json: Record<string, unknown>, key: string, length: number): Float64Array[] {
  const v = json[key];
  if (!Array.isArray(v) || v.length === 0)
    throw new UserError(`saved '${kind}' model: field '${key}' is missing or malformed`, { key });
  return v.map((row: unknown, t) => readNumbers(kind, { [`${key}[${t}]`]: row }, `${key}[${t}]`, length));
}
