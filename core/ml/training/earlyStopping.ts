/**
 * Stops training when the monitored score has not improved by more than `minDelta` for
 * `patience` consecutive steps. The direction comes from the metric (rmse falls, auc rises).
 */
import { UserError } from '../../errors';
import type { MetricDirection } from '../metrics';
import { MetricComparator } from './comparator';

export interface EarlyStoppingOptions {
  /** Steps without improvement tolerated before stopping (integer >= 1). */
  patience: number;
  /** An improvement must beat the best score by more than this (default 0). */
  minDelta?: number;
  /** Metric name; gives the direction. */
  metric: string;
  /** Needed only for a metric that ../metrics does not know. */
  direction?: MetricDirection;
}

export class EarlyStopping {
  readonly patience: number;
  readonly minDelta: number;
  readonly comparator: MetricComparator;
  /** Best score so far (the comparator's worst() before the first step). */
  best: number;
  /** Step index (0-based) of the best score, -1 before any. */
  bestStep = -1;
  /** Steps seen. */
  steps = 0;
  /** Consecutive steps without improvement. */
  sinceBest = 0;
  stopped = false;

  constructor(opts: EarlyStoppingOptions) {
    if (!Number.isInteger(opts.patience) || opts.patience < 1) {
      throw new UserError(`early stopping: patience must be an integer >= 1, got ${opts.patience}`, {
        key: 'patience',
      });
    }
    const minDelta = opts.minDelta ?? 0;
    if (!(minDelta >= 0))
      throw new UserError(`early stopping: min_delta must be >= 0, got ${opts.minDelta}`, { key: 'min_delta' });
    this.patience = opts.patience;
    this.minDelta = minDelta;
    this.comparator = new MetricComparator(opts.metric, opts.direction);
    this.best = this.comparator.worst();
  }

  /** Records a score; returns true when training should stop now. */
  step(score: number): boolean {
    const index = this.steps++;
    const first = this.bestStep < 0;
    if ((first && !Number.isNaN(score)) || this.comparator.isBetter(score, this.best, this.minDelta)) {
      this.best = score;
      this.bestStep = index;
      this.sinceBest = 0;
    } else {
      this.sinceBest++;
      if (this.sinceBest >= this.patience) this.stopped = true;
    }
    return this.stopped;
  }
}
