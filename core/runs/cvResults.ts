/**
 * `cv_results.json`: what a cross-validation run writes next to its stacking datasets
 * (`data/stacking/{run_id}/cv_results.json`). The cv phase writes it; `cv-runs`, the run index and
 * the stacking loader read it. Readers are lenient (other tools write this file too); the writer
 * side uses `summarizeFolds` / `bestScores` so every field is computed the same way.
 */
import { UserError } from '../errors';
import type { ModelTask } from '../base/matrix';
import type { BootstrapRecord } from '../base/resampling';

export const CV_RESULTS_FILE = 'cv_results.json';

export interface MetricSummary {
  mean: number;
  /** Population standard deviation over folds (ddof = 0, as numpy's `std`). */
  std: number;
}

export interface CvFoldResult {
  model: string;
  horizon: number;
  /** 0-based fold index. */
  fold: number;
  /** Scores on the fold's test rows: { roc_auc: 0.61, log_loss: 0.68, ... }. */
  scores: Record<string, number>;
  params: Record<string, unknown>;
  train_rows: number;
  test_rows: number;
  seconds: number;
}

export interface CvResults {
  run_id: string;
  /** ISO-8601 UTC. */
  created: string;
  models: string[];
  horizons: number[];
  n_splits: number;
  /** Task per horizon, keyed by the horizon as a string ("20"). */
  task: Record<string, ModelTask>;
  /** Metric that ranks models (default: roc_auc, else accuracy for classification; rmse for regression). */
  primary_metric?: string;
  folds: CvFoldResult[];
  /** summary[model][horizon][metric] = mean and std over folds. */
  summary: Record<string, Record<string, Record<string, MetricSummary>>>;
  /** What `summary` is, in words (per fold). */
  summary_is?: string;
  /** pooled[model][horizon][metric]: one score over all out-of-fold rows; low/high where an interval was drawn. */
  pooled?: Record<string, Record<string, Record<string, { value: number; low?: number; high?: number }>>>;
  pooled_is?: string;
  /** How the pooled intervals were drawn (method, block, unit, n, alpha, seed). */
  bootstrap?: BootstrapRecord;
}

/** The best model of one horizon by the primary metric. */
export interface CvBest {
  horizon: number;
  model: string;
  metric: string;
  value: number;
}

const LOWER_IS_BETTER = /(^|_)(mae|mse|rmse|log_?loss|brier|error|loss|max_drawdown|drawdown)$/i;

/** True when a smaller value of this metric is better (errors, losses, drawdowns). */
export function lowerIsBetter(metric: string): boolean {
  return LOWER_IS_BETTER.test(metric);
}

/** mean and std of every score per model and horizon. */
export function summarizeFolds(
  folds: readonly Pick<CvFoldResult, 'model' | 'horizon' | 'scores'>[],
): CvResults['summary'] {
  const groups = new Map<string, Map<string, Map<string, number[]>>>();
  for (const f of folds) {
    const byH = groups.get(f.model) ?? new Map<string, Map<string, number[]>>();
    groups.set(f.model, byH);
    const byMetric = byH.get(String(f.horizon)) ?? new Map<string, number[]>();
    byH.set(String(f.horizon), byMetric);
    for (const [metric, v] of Object.entries(f.scores)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      const list = byMetric.get(metric) ?? [];
      list.push(v);
      byMetric.set(metric, list);
    }
  }
  const out: CvResults['summary'] = {};
  for (const [model, byH] of groups) {
    out[model] = {};
    for (const [h, byMetric] of byH) {
      const m: Record<string, MetricSummary> = {};
      for (const [metric, vs] of byMetric) {
        const mean = vs.reduce((a, b) => a + b, 0) / vs.length;
        const std = Math.sqrt(vs.reduce((a, b) => a + (b - mean) ** 2, 0) / vs.length);
        m[metric] = { mean, std };
      }
      out[model]![h] = m;
    }
  }
  return out;
}

const CLASSIFICATION_ORDER = ['roc_auc', 'auc', 'accuracy', 'f1', 'log_loss', 'brier'];
const REGRESSION_ORDER = ['rmse', 'mae', 'mse', 'r2'];

/** The metric that ranks models for a horizon: `primary` if given, else the first the summary has. */
export function primaryMetricOf(
  available: readonly string[],
  task: ModelTask | undefined,
  primary?: string,
): string | undefined {
  if (primary && available.includes(primary)) return primary;
  const order =
    task === 'regression'
      ? [...REGRESSION_ORDER, ...CLASSIFICATION_ORDER]
      : [...CLASSIFICATION_ORDER, ...REGRESSION_ORDER];
  return order.find((m) => available.includes(m)) ?? [...available].sort()[0];
}

/** Best model per horizon by its primary metric's mean over folds, in the order of `horizons`. */
export function bestScores(
  cv: Pick<CvResults, 'summary' | 'task' | 'primary_metric'> & { horizons?: number[] },
): CvBest[] {
  const horizons = new Set<string>((cv.horizons ?? []).map(String));
  for (const byH of Object.values(cv.summary)) for (const h of Object.keys(byH)) horizons.add(h);
  const out: CvBest[] = [];
  for (const h of horizons) {
    const available = new Set<string>();
    for (const byH of Object.values(cv.summary)) for (const m of Object.keys(byH[h] ?? {})) available.add(m);
    const metric = primaryMetricOf([...available], cv.task?.[h], cv.primary_metric);
    if (!metric) continue;
    const lower = lowerIsBetter(metric);
    let best: CvBest | undefined;
    for (const [model, byH] of Object.entries(cv.summary)) {
      const v = byH[h]?.[metric]?.mean;
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      if (!best || (lower ? v < best.value : v > best.value)) best = { horizon: Number(h), model, metric, value: v };
    }
    if (best) out.push(best);
  }
  return out;
}

/** What the index and `cv-runs` need from a cv_results.json of any writer; missing parts stay undefined. */
export interface CvOverview {
  runId?: string;
  created?: string;
  models?: string[];
  horizons?: number[];
  nSplits?: number;
  best: CvBest[];
}

/** Reads what it can from a parsed cv_results.json, ours or another tool's, without throwing. */
export function cvOverview(json: unknown): CvOverview {
  if (!isObject(json)) return { best: [] };
  const models = stringArray(json.models);
  const horizons = numberArray(json.horizons);
  const nSplits = typeof json.n_splits === 'number' ? json.n_splits : undefined;
  let best: CvBest[] = [];
  if (isObject(json.summary)) {
    const summary: CvResults['summary'] = {};
    for (const [model, byH] of Object.entries(json.summary)) {
      if (!isObject(byH)) continue;
      summary[model] = {};
      for (const [h, byMetric] of Object.entries(byH)) {
        if (!isObject(byMetric)) continue;
        const m: Record<string, MetricSummary> = {};
        for (const [metric, s] of Object.entries(byMetric)) {
          if (isObject(s) && typeof s.mean === 'number')
            m[metric] = { mean: s.mean, std: typeof s.std === 'number' ? s.std : NaN };
        }
        summary[model]![h] = m;
      }
    }
    const task: Record<string, ModelTask> = {};
    if (isObject(json.task)) {
      for (const [h, t] of Object.entries(json.task)) if (t === 'regression' || t === 'classification') task[h] = t;
    }
    best = bestScores({
      summary,
      task,
      ...(horizons ? { horizons } : {}),
      ...(typeof json.primary_metric === 'string' ? { primary_metric: json.primary_metric } : {}),
    });
  }
  const out: CvOverview = { best };
  if (typeof json.run_id === 'string') out.runId = json.run_id;
  if (typeof json.created === 'string') out.created = json.created;
  if (models) out.models = models;
  if (horizons) out.horizons = horizons;
  if (nSplits !== undefined) out.nSplits = nSplits;
  return out;
}

/**
 * Strict reading of a cv_results.json written by Phasebook: a UserError names the file and the
 * key that is missing or of the wrong type.
 */
export function parseCvResults(text: string, file: string): CvResults {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${CV_RESULTS_FILE} does not parse: ${(e as Error).message}`, { file });
  }
  const fail = (key: string, expected: string): never => {
    throw new UserError(`invalid ${CV_RESULTS_FILE}: '${key}' must be ${expected}`, { file, key });
  };
  if (!isObject(json)) return fail('(top level)', 'an object');
  if (typeof json.run_id !== 'string') fail('run_id', 'a string');
  if (typeof json.created !== 'string') fail('created', 'an ISO date string');
  if (!stringArray(json.models)) fail('models', 'a list of model names');
  if (!numberArray(json.horizons)) fail('horizons', 'a list of integers');
  if (typeof json.n_splits !== 'number') fail('n_splits', 'a number');
  if (!isObject(json.task)) fail('task', 'an object of task per horizon');
  if (!Array.isArray(json.folds)) fail('folds', 'a list');
  (json.folds as unknown[]).forEach((f, i) => {
    if (
      !isObject(f) ||
      typeof f.model !== 'string' ||
      typeof f.horizon !== 'number' ||
      typeof f.fold !== 'number' ||
      !isObject(f.scores)
    ) {
      fail(`folds[${i}]`, 'an object with model, horizon, fold and scores');
    }
  });
  if (!isObject(json.summary)) fail('summary', 'an object');
  return json as unknown as CvResults;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function stringArray(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
}

function numberArray(v: unknown): number[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x)) ? (v as number[]) : undefined;
}
