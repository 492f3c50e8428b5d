/**
 * Which way a metric is better, shared by charts, metric cards and the compare table. Losses,
 * errors and Brier are lower-is-better; drawdowns are better the closer to zero (stored either as
 * a negative fraction or a positive magnitude); counts, sizes and timings are not ranked.
 */
import { lowerIsBetter } from '../runs/cvResults';

export type MetricGoal = 'max' | 'min' | 'min_abs' | 'none';

const DRAWDOWN = /drawdown/i;
const NOT_A_SCORE =
  /(^|_)(rows|seconds|secs|time|duration|count|n|trades|samples|horizon|folds|n_splits|seed|epochs|iterations|trees|features|containers|portfolio_count|total_trades|bytes|size|ci_low|ci_high|std|duration_bars)$|^(n_|num_)/i;

export function metricGoal(name: string): MetricGoal {
  if (DRAWDOWN.test(name) && !/duration/i.test(name)) return 'min_abs';
  if (NOT_A_SCORE.test(name)) return 'none';
  if (lowerIsBetter(name)) return 'min';
  return 'max';
}

/** True when `a` is strictly better than `b` under `goal`. */
export function isBetter(goal: MetricGoal, a: number, b: number): boolean {
  if (goal === 'max') return a > b;
  if (goal === 'min') return a < b;
  if (goal === 'min_abs') return Math.abs(a) < Math.abs(b);
  return false;
}

/** Indices of the best values (all ties), ignoring missing and non-finite ones. Empty for 'none'. */
export function bestIndices(values: readonly (number | undefined)[], goal: MetricGoal): number[] {
  if (goal === 'none') return [];
  let best: number | undefined;
  for (const v of values)
    if (v !== undefined && Number.isFinite(v) && (best === undefined || isBetter(goal, v, best))) best = v;
  if (best === undefined) return [];
  const out: number[] = [];
  values.forEach((v, i) => {
    if (v !== undefined && Number.isFinite(v) && !isBetter(goal, best as number, v)) out.push(i);
  });
  return out;
}

/** A metric map split into headline values and their bootstrap CIs (`{m}_ci_low`, `{m}_ci_high`). */
export interface MetricWithCi {
  name: string;
  value: number;
  ciLow?: number;
  ciHigh?: number;
}

export function metricsWithCi(metrics: Record<string, number>): MetricWithCi[] {
  const out: MetricWithCi[] = [];
  for (const [name, value] of Object.entries(metrics)) {
    if (/_ci_(low|high)$/.test(name) || typeof value !== 'number') continue;
    const lo = metrics[`${name}_ci_low`];
    const hi = metrics[`${name}_ci_high`];
    out.push({
      name,
      value,
      ...(typeof lo === 'number' ? { ciLow: lo } : {}),
      ...(typeof hi === 'number' ? { ciHigh: hi } : {}),
    });
  }
  return out;
}

// The order core/runs/cvResults ranks by: classification scores, then regression errors, then r2.
const PREFERRED = ['roc_auc', 'auc', 'accuracy', 'f1', 'log_loss', 'brier', 'rmse', 'mae', 'mse', 'r2'];

/** The metric that ranks a CV run's models: primary_metric, else the first known one present. */
export function rankingMetric(primary: string | undefined, available: readonly string[]): string | undefined {
  if (primary && available.includes(primary)) return primary;
  for (const m of PREFERRED) if (available.includes(m)) return m;
  return available[0];
}
