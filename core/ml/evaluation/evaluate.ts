import { bootstrapMetrics, type BootstrapRecord, type ResamplingOptions } from '../bootstrap';
import { metricsForTask } from '../metrics';
import type { ModelTask } from '../model';

export interface MetricCI {
  value: number;
  low: number;
  high: number;
}

export interface EvaluationOptions extends ResamplingOptions {
  task: ModelTask;
  metrics?: string[];
  /** Resamples (default 1000). */
  n?: number;
  alpha?: number;
  seed: number;
}

export interface Evaluation {
  metrics: Record<string, MetricCI>;
  /** How the intervals were drawn (method, block, unit, n, alpha, seed): metrics.json keeps it. */
  bootstrap: BootstrapRecord;
}

/**
 * Every metric of the task with a seeded bootstrap CI, all from the same resamples. The rows
 * are time-ordered: by default a moving-block bootstrap over bars (pass `times` so rows of one
 * timestamp resample together, and `horizon` so blocks are at least the label horizon).
 */
export function evaluatePredictions(yTrue: Float64Array, yPred: Float64Array, o: EvaluationOptions): Evaluation {
  const names = o.metrics ?? metricsForTask(o.task);
  const { intervals, record } = bootstrapMetrics(yTrue, yPred, names, o);
  const metrics: Record<string, MetricCI> = {};
  for (const [k, v] of Object.entries(intervals)) metrics[k] = { value: v.estimate, low: v.low, high: v.high };
  return { metrics, bootstrap: record };
}

/** `{ auc: 0.6, auc_ci_low: .., auc_ci_high: .. }` — the flat form run.json keeps. */
export function flattenCIs(m: Record<string, MetricCI>, prefix = ''): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(m)) {
    out[`${prefix}${k}`] = v.value;
    out[`${prefix}${k}_ci_low`] = v.low;
    out[`${prefix}${k}_ci_high`] = v.high;
  }
  return out;
}
