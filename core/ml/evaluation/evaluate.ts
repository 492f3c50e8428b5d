import { bootstrapCI } from '../bootstrap';
import { metricsForTask } from '../metrics';
import type { ModelTask } from '../model';

export interface MetricCI {
  value: number;
  low: number;
  high: number;
}

export interface EvaluationOptions {
  task: ModelTask;
  metrics?: string[];
  /** Resamples (default 1000). */
  n?: number;
  alpha?: number;
  seed: number;
  /** Moving-block length for serially dependent rows (default 1 = iid). */
  block?: number;
}

/** Every metric of the task with a seeded bootstrap CI (the seed is stored with the result). */
export function evaluatePredictions(yTrue: Float64Array, yPred: Float64Array, o: EvaluationOptions): { metrics: Record<string, MetricCI>; seed: number; n: number; alpha: number; block: number } {
  const names = o.metrics ?? metricsForTask(o.task);
  const n = o.n ?? 1000;
  const alpha = o.alpha ?? 0.05;
  const block = o.block ?? 1;
  const metrics: Record<string, MetricCI> = {};
  for (const name of names) {
    const ci = bootstrapCI(yTrue, yPred, name, { n, alpha, seed: o.seed, block: block > 1 ? block : undefined });
    metrics[ci.metric] = { value: ci.estimate, low: ci.low, high: ci.high };
  }
  return { metrics, seed: o.seed, n, alpha, block };
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
