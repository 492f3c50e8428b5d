/**
 * The scores cross-validation reports per fold: a subset of core/ml/metrics.ts (scikit-learn's
 * definitions, checked against fixtures), by canonical metric name.
 */
import { computeMetric, computeMetrics, metricDirection as direction } from '../metrics';
import type { ModelTask } from '../model';

export type Scores = Record<string, number>;
export type Direction = 'max' | 'min';

/** The score each task is judged by, and which way is better. */
export function primaryMetric(task: ModelTask, nClasses = 2): { name: string; direction: Direction } {
  if (task === 'regression') return { name: 'rmse', direction: 'min' };
  return nClasses > 2 ? { name: 'log_loss', direction: 'min' } : { name: 'roc_auc', direction: 'max' };
}

export function metricDirection(name: string): Direction {
  return direction(name);
}

export function rocAuc(y: Float64Array, p: Float64Array): number {
  return computeMetric('roc_auc', y, p);
}

const PER_FOLD: Record<'regression' | 'binary' | 'multiclass', string[]> = {
  regression: ['rmse', 'mae', 'r2'],
  binary: ['roc_auc', 'log_loss', 'accuracy', 'brier'],
  multiclass: ['log_loss', 'accuracy', 'f1'],
};

/**
 * Scores of predictions `p` (regression values, P(class 1), or row-major class probabilities
 * with `nClasses` per row) against `y`.
 */
export function scorePredictions(task: ModelTask, y: Float64Array, p: Float64Array, nClasses = 2): Scores {
  if (y.length === 0) return {};
  const set = task === 'regression' ? PER_FOLD.regression : nClasses > 2 ? PER_FOLD.multiclass : PER_FOLD.binary;
  return computeMetrics(task, y, p, set);
}
