/**
 * Which of two scores is better, for a metric whose direction is known (rmse: lower, auc:
 * higher). Custom metrics (e.g. a backtest's sharpe) pass their direction explicitly.
 */
import { UserError } from '../../errors';
import { metricDirection, metricName, type MetricDirection } from '../metrics';
import type { ModelTask } from '../model';

/** The metric a task is judged by when none is named: rmse (regression), roc_auc (classification). */
export function defaultMetric(task: ModelTask): string {
  return task === 'regression' ? 'rmse' : 'roc_auc';
}

export class MetricComparator {
  readonly metric: string;
  readonly direction: MetricDirection;

  /** `metric`: a metric name (see ../metrics), or any name with an explicit `direction`. */
  constructor(metric: string, direction?: MetricDirection) {
    if (direction !== undefined && direction !== 'max' && direction !== 'min') {
      throw new UserError(`direction must be 'max' or 'min', got '${direction}'`, { key: 'direction' });
    }
    this.metric = direction ? metric : metricName(metric);
    this.direction = direction ?? metricDirection(metric);
  }

  static forTask(task: ModelTask): MetricComparator {
    return new MetricComparator(defaultMetric(task));
  }

  /** The starting "best" value: every real score beats it. */
  worst(): number {
    return this.direction === 'max' ? -Infinity : Infinity;
  }

  /**
   * Whether `candidate` beats `incumbent` by more than `minDelta`. NaN never wins; anything
   * finite beats a NaN or missing incumbent.
   */
  isBetter(candidate: number, incumbent: number | undefined, minDelta = 0): boolean {
    if (Number.isNaN(candidate)) return false;
    if (incumbent === undefined || Number.isNaN(incumbent)) return true;
    return this.direction === 'max' ? candidate > incumbent + minDelta : candidate < incumbent - minDelta;
  }

  /** Sort comparator: better scores first, NaN last. */
  compare = (a: number, b: number): number => {
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
    if (Number.isNaN(b)) return -1;
    return this.direction === 'max' ? b - a : a - b;
  };

  /** Index of the best score (the first among equals), or -1 when none is a number. */
  bestIndex(scores: readonly number[]): number {
    let best = -1;
    for (let i = 0; i < scores.length; i++) if (this.isBetter(scores[i], best < 0 ? undefined : scores[best])) best = i;
    return best;
  }
}
