/**
 * Holdout evaluation of a stack (`holdout: true` on the stack cell): every base model is refitted
 * on all development rows (the rows the CV run cross-validated, i.e. not `test`, less those whose
 * label ends at or after the first test timestamp), predicts the held-out `test` rows, and the
 * deployed meta-learner (fitted on every out-of-fold row) combines them. Scored once, pooled over
 * the test rows, with the same moving-block bootstrap as the walk-forward; compared with the base
 * model that was best in the walk-forward (chosen before the test rows were seen), paired.
 */
import pl from 'nodejs-polars';
import { UserError, type ErrorLocation } from '../../errors';
import { SPLIT, type Dataset } from '../../frame/dataset';
import { symbolCodes, timestampsMs, toFeatureMatrix, toFloat64 } from '../../frame/matrix';
import type { FeatureMatrix } from '../../base/matrix';
import { bootstrapDifference, bootstrapMetrics, type BootstrapOptions, type BootstrapRecord } from '../bootstrap';
import { labelEndTimes, primaryMetric, takeRows, takeValues } from '../cv';
import type { ModelTask, Params, TrainedModel } from '../model';
import { computeMetric } from '../metrics';
import { fitWithFallback } from '../models/registry';
import type { MetricWithCI, PooledScore } from './scoreReport';

/** What the stack's run, cell summary and dashboard show under "holdout". */
export interface HoldoutReport {
  split: 'test';
  /** Test rows scored. */
  rows: number;
  /** Development rows the base models were refitted on, and how many were purged before the test split. */
  trainRows: number;
  purged: number;
  /** The stack's pooled test scores, with block-bootstrap intervals. */
  metrics: Record<string, MetricWithCI>;
  /** Each refitted base model's pooled test scores (interval on the primary metric). */
  baseModels: Record<string, Record<string, PooledScore>>;
  /** Stack minus the walk-forward's best base on the test rows (paired interval). */
  comparison?: { metric: string; bestBase: string; stack: number; best: number; difference: MetricWithCI };
  bootstrap: BootstrapRecord;
}

export interface HoldoutInput {
  dataset: Dataset;
  /** The label column the CV run scored at this horizon. */
  labelColumn: string;
  horizon: number;
  task: ModelTask;
  nClasses?: number;
  /** Base models and the params the CV run used for each. */
  bases: { name: string; params: Params }[];
  /** The meta-learner's input columns, in order (`{model}_prob_{class}` or `{model}_pred`). */
  features: string[];
  /** The deployed meta-learner. */
  meta: TrainedModel;
  width: number;
  metrics: readonly string[];
  /** The base model best in the walk-forward, the one the stack is compared with. */
  bestBase?: string;
  boot: Omit<BootstrapOptions, 'times' | 'horizon'>;
  seed: number;
  signal?: AbortSignal;
  location?: ErrorLocation;
}

/** A base model's output laid out as the meta-learner's input columns it provides. */
function metaColumnsOf(
  name: string,
  p: Float64Array,
  width: number,
  features: readonly string[],
  task: ModelTask,
): [string, Float64Array][] {
  const mine = features.filter((f) => f.startsWith(`${name}_prob_`) || f === `${name}_pred`);
  if (task !== 'classification' || width === 1) return mine.length ? [[mine[0], p]] : [];
  return mine.map((f, c) => [f, Float64Array.from({ length: p.length / width }, (_, i) => p[i * width + c])]);
}

function rowsWhere(n: number, keep: (i: number) => boolean): Uint32Array {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep(i)) out.push(i);
  return Uint32Array.from(out);
}

export async function evaluateHoldout(o: HoldoutInput): Promise<HoldoutReport> {
  const d = o.dataset;
  const frame = d.frame.filter(pl.col(o.labelColumn).isNotNull());
  if (!frame.columns.includes(SPLIT))
    throw new UserError('holdout needs train/val/test splits upstream (a `split` cell)', {
      ...o.location,
      key: 'holdout',
    });
  const split = frame.getColumn(SPLIT).toArray() as (string | null)[];
  const times = timestampsMs(frame);
  const ends = labelEndTimes(times, symbolCodes(frame).codes, o.horizon);
  const test = rowsWhere(frame.height, (i) => split[i] === 'test');
  if (test.length < 2)
    throw new UserError(`holdout: the test split has ${test.length} labelled rows`, { ...o.location, key: 'holdout' });
  let firstTest = Infinity;
  for (const r of test) if (times[r] < firstTest) firstTest = times[r];
  const dev = rowsWhere(frame.height, (i) => split[i] !== 'test' && ends[i] < firstTest);
  const purged = rowsWhere(frame.height, (i) => split[i] !== 'test').length - dev.length;
  const X: FeatureMatrix = toFeatureMatrix(frame, d.features, o.location?.cell);
  const y = toFloat64(frame, o.labelColumn);
  const Xdev = takeRows(X, dev);
  const ydev = takeValues(y, dev);
  const Xtest = takeRows(X, test);
  const yTest = takeValues(y, test);

  const metaIn = new Map<string, Float64Array>();
  const basePreds: Record<string, Float64Array> = {};
  for (const b of o.bases) {
    if (o.signal?.aborted) throw new Error('cancelled');
    const m = await fitWithFallback(b.name, Xdev, ydev, b.params, {
      seed: o.seed,
      task: o.task,
      nClasses: o.nClasses,
      signal: o.signal,
    });
    const p = m.predict(Xtest);
    basePreds[b.name] = p;
    for (const [col, v] of metaColumnsOf(b.name, p, o.width, o.features, o.task)) metaIn.set(col, v);
  }
  const missing = o.features.filter((f) => !metaIn.has(f));
  if (missing.length)
    throw new UserError(`holdout: the refitted base models give no ${missing.join(', ')}`, {
      ...o.location,
      key: 'holdout',
    });
  const stack = o.meta.predict({
    rows: test.length,
    columns: o.features.map((f) => metaIn.get(f) as Float64Array),
    names: o.features,
  });

  const boot: BootstrapOptions = { ...o.boot, horizon: o.horizon, times: takeValues(times, test) };
  const { intervals, record } = bootstrapMetrics(yTest, stack, o.metrics, boot);
  const metrics = Object.fromEntries(
    Object.entries(intervals).map(([k, v]) => [k, { value: v.estimate, low: v.low, high: v.high }]),
  );
  const primary = primaryMetric(o.task, o.nClasses ?? 2).name;
  const baseModels: HoldoutReport['baseModels'] = {};
  for (const [name, p] of Object.entries(basePreds)) {
    const { intervals: bi } = bootstrapMetrics(yTest, p, [primary], boot);
    baseModels[name] = Object.fromEntries(
      o.metrics.map((k) => [
        k,
        k === primary
          ? { value: bi[k].estimate, low: bi[k].low, high: bi[k].high }
          : { value: computeMetric(k, yTest, p) },
      ]),
    );
  }
  let comparison: HoldoutReport['comparison'];
  if (o.bestBase && basePreds[o.bestBase]) {
    const { interval } = bootstrapDifference(yTest, stack, basePreds[o.bestBase], primary, boot);
    const best = baseModels[o.bestBase][primary].value;
    comparison = {
      metric: primary,
      bestBase: o.bestBase,
      stack: best + interval.estimate,
      best,
      difference: { value: interval.estimate, low: interval.low, high: interval.high },
    };
  }
  return {
    split: 'test',
    rows: test.length,
    trainRows: dev.length,
    purged,
    metrics,
    baseModels,
    comparison,
    bootstrap: record,
  };
}

/** "holdout (test, 2,856 rows): stack 0.5500 vs ridge 0.5400 (roc_auc): +0.0100 [-0.0100, +0.0300]". */
export function describeHoldout(h: HoldoutReport): string {
  const sign = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(4)}`;
  const c = h.comparison;
  const head =
    `holdout (test split, ${h.rows.toLocaleString('en-US')} rows; bases refitted on ` +
    `${h.trainRows.toLocaleString('en-US')} development rows)`;
  if (!c) return head;
  return (
    `${head}: stack ${c.stack.toFixed(4)} vs ${c.bestBase} ${c.best.toFixed(4)} (${c.metric}): ` +
    `${sign(c.difference.value)} [${sign(c.difference.low)}, ${sign(c.difference.high)}]`
  );
}
