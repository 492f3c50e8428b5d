/**
 * The stack's scores, reported twice and labelled: per fold (mean ± sd over the scored folds,
 * as the CV headline is) and pooled (one score over every scored row, with a block-bootstrap
 * interval) — and the same for every base model on the same rows, so "stack vs best base" is a
 * like-for-like comparison, with a paired interval of the difference.
 */
import { bootstrapDifference, bootstrapMetrics, type BootstrapOptions, type BootstrapRecord } from '../bootstrap';
import { primaryMetric } from '../cv/scores';
import { computeMetric, metricDirection } from '../metrics';
import type { ModelTask } from '../model';

export interface MetricWithCI {
  value: number;
  low: number;
  high: number;
}

/** Mean and population sd (ddof 0, as cv_results.json's summary) of a metric over folds. */
export interface FoldStat {
  mean: number;
  sd: number;
  /** One value per scored fold, in fold order. */
  values: number[];
}

/** A pooled score; low/high are its block-bootstrap interval where one was drawn. */
export interface PooledScore {
  value: number;
  low?: number;
  high?: number;
}

export interface ScoreReport {
  perFold: Record<string, FoldStat>;
  pooled: Record<string, PooledScore>;
}

export interface StackComparison {
  metric: string;
  direction: 'max' | 'min';
  bestBase: string;
  stack: number;
  best: number;
  /** stack - best base on the same rows, with its paired block-bootstrap interval. */
  difference: MetricWithCI;
  /** Per fold: mean ± sd of stack - best base. */
  perFold: FoldStat;
  rows: number;
}

export const STACK_METRICS: Record<ModelTask, string[]> = {
  classification: ['roc_auc', 'log_loss', 'accuracy', 'brier'],
  regression: ['rmse', 'mae', 'r2'],
};

function take(a: Float64Array, rows: Uint32Array, width: number): Float64Array {
  const out = new Float64Array(rows.length * width);
  rows.forEach((r, j) => {
    for (let c = 0; c < width; c++) out[j * width + c] = a[r * width + c];
  });
  return out;
}

export function foldStat(values: number[]): FoldStat {
  const finite = values.filter(Number.isFinite);
  const mean = finite.reduce((s, v) => s + v, 0) / finite.length;
  const sd = Math.sqrt(finite.reduce((s, v) => s + (v - mean) ** 2, 0) / finite.length);
  return { mean, sd, values };
}

/**
 * Scores of predictions `p` (width values per row, indexed like `y`) on `scored` rows: per fold
 * over `folds` (row sets inside `scored`), and pooled — with intervals by `boot` for the metrics
 * in `withCI` (its `times` must be those of the scored rows), point values for the others.
 */
export function scoreReport(
  y: Float64Array,
  p: Float64Array,
  width: number,
  scored: Uint32Array,
  folds: readonly Uint32Array[],
  metrics: readonly string[],
  withCI: readonly string[],
  boot: BootstrapOptions,
): { report: ScoreReport; record: BootstrapRecord } {
  const perFold: Record<string, FoldStat> = {};
  for (const m of metrics)
    perFold[m] = foldStat(folds.map((rows) => computeMetric(m, take(y, rows, 1), take(p, rows, width))));
  const ys = take(y, scored, 1);
  const ps = take(p, scored, width);
  const { intervals, record } = bootstrapMetrics(ys, ps, withCI, boot);
  const pooled: Record<string, PooledScore> = {};
  for (const m of metrics) {
    const v = intervals[m];
    pooled[m] = v ? { value: v.estimate, low: v.low, high: v.high } : { value: computeMetric(m, ys, ps) };
  }
  return { report: { perFold, pooled }, record };
}

/** The primary metric of the task, the base model best on it (pooled), and the paired difference. */
export function compareWithBestBase(
  y: Float64Array,
  stack: Float64Array,
  bases: Record<string, Float64Array>,
  width: number,
  scored: Uint32Array,
  folds: readonly Uint32Array[],
  task: ModelTask,
  nClasses: number | undefined,
  boot: BootstrapOptions,
): StackComparison | undefined {
  const { name: metric, direction } = primaryMetric(task, nClasses ?? 2);
  const ys = take(y, scored, 1);
  let bestBase: string | undefined;
  let best = NaN;
  for (const [name, p] of Object.entries(bases)) {
    const v = computeMetric(metric, ys, take(p, scored, width));
    if (!Number.isFinite(v)) continue;
    if (bestBase === undefined || (metricDirection(metric) === 'max' ? v > best : v < best)) {
      bestBase = name;
      best = v;
    }
  }
  if (bestBase === undefined) return undefined;
  const baseP = bases[bestBase];
  const { interval } = bootstrapDifference(ys, take(stack, scored, width), take(baseP, scored, width), metric, boot);
  const perFold = foldStat(
    folds.map((rows) => {
      const yf = take(y, rows, 1);
      return computeMetric(metric, yf, take(stack, rows, width)) - computeMetric(metric, yf, take(baseP, rows, width));
    }),
  );
  return {
    metric,
    direction,
    bestBase,
    stack: interval.estimate + best,
    best,
    difference: { value: interval.estimate, low: interval.low, high: interval.high },
    perFold,
    rows: scored.length,
  };
}

/** "stack 0.6236 vs logistic 0.6234 (roc_auc, pooled over 12,778 rows): +0.0002 [-0.0010, 0.0013]". */
export function describeComparison(c: StackComparison): string {
  const sign = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(4)}`;
  return (
    `stack ${c.stack.toFixed(4)} vs ${c.bestBase} ${c.best.toFixed(4)} (${c.metric}, pooled over ` +
    `${c.rows.toLocaleString('en-US')} rows): ${sign(c.difference.value)} [${sign(c.difference.low)}, ` +
    `${sign(c.difference.high)}]; per fold ${sign(c.perFold.mean)} ± ${c.perFold.sd.toFixed(4)}`
  );
}
