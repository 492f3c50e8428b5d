/**
 * Seeded bootstrap confidence intervals for any metric in ../metrics, on the resampling of
 * ./resample (moving-block over bars by default). Every metric of a call is evaluated on the
 * same resamples, so intervals of several metrics, and of a difference between two models on the
 * same rows (paired), come from one set of draws. The interval is the percentile interval
 * [alpha/2, 1 - alpha/2] of the resampled statistic (linear interpolation, as numpy's default).
 * Resamples where a statistic is undefined (e.g. AUC of a resample holding one class) are
 * dropped and counted.
 */
import { UserError } from '../../errors';
import { metricName, prepareMetric, type MetricName, type WeightedMetric } from '../metrics';
import { makeSampler, type ResamplingOptions } from './resample';
import type { BootstrapRecord } from '../../base/resampling';
export type { BootstrapRecord } from '../../base/resampling';

export interface BootstrapOptions extends ResamplingOptions {
  /** Resamples (default 1000). */
  n?: number;
  /** Two-sided level: 0.05 gives a 95% interval (default). */
  alpha?: number;
  seed: number;
}

export interface Interval {
  /** The statistic on the data as given. */
  estimate: number;
  low: number;
  high: number;
  /** Resamples where the statistic was undefined, left out of the interval. */
  dropped: number;
}

export interface BootstrapCI extends Interval, BootstrapRecord {
  metric: MetricName;
}

/** numpy.quantile(values, q) with the default linear interpolation; `sorted` ascending. */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const m = sorted.length;
  if (m === 0) return NaN;
  const pos = q * (m - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(m - 1, lo + 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * A statistic of weighted rows: counts[i] = how often row i is in the resample; `byBar`, where given, computes the
 * same number from counts per bar (see WeightedMetric).
 */
export type Statistic = WeightedMetric;

/**
 * Intervals of several statistics of the same `rows` rows from the same resamples. The record
 * says how they were drawn.
 */
export function bootstrapStatistics(
  rows: number,
  stats: readonly Statistic[],
  o: BootstrapOptions,
): { intervals: Interval[]; record: BootstrapRecord } {
  const resamples = o.n ?? 1000;
  const alpha = o.alpha ?? 0.05;
  if (!Number.isInteger(resamples) || resamples < 1)
    throw new UserError(`bootstrap: n must be a positive integer, got ${resamples}`, {
      ...o.location,
      key: 'bootstrap',
    });
  if (!(alpha > 0 && alpha < 1))
    throw new UserError(`bootstrap: alpha must be in (0, 1), got ${alpha}`, { ...o.location, key: 'alpha' });
  if (rows < 1) throw new UserError('bootstrap: no rows to resample', o.location ?? {});
  const sampler = makeSampler(rows, o.seed, o);
  const counts = new Uint32Array(rows).fill(1);
  const estimates = stats.map((s) => s(counts));
  const values = stats.map(() => new Float64Array(resamples));
  const kept = stats.map(() => 0);
  // Over bars, statistics with a bar path read the bar counts; the others get them expanded to rows once.
  const bars = sampler.bars;
  const needRows = !bars || stats.some((s) => !s.byBar);
  for (let r = 0; r < resamples; r++) {
    if (bars) {
      const barCounts = bars.draw();
      if (needRows) for (let i = 0; i < rows; i++) counts[i] = barCounts[bars.barOf[i]];
      for (let s = 0; s < stats.length; s++) {
        const by = stats[s].byBar;
        const v = by ? by(barCounts, bars.barOf) : stats[s](counts);
        if (!Number.isNaN(v)) values[s][kept[s]++] = v;
      }
      continue;
    }
    sampler.draw(counts);
    for (let s = 0; s < stats.length; s++) {
      const v = stats[s](counts);
      if (!Number.isNaN(v)) values[s][kept[s]++] = v;
    }
  }
  const intervals = stats.map((_, s) => {
    const sorted = values[s].subarray(0, kept[s]).sort();
    return {
      estimate: estimates[s],
      low: quantileSorted(sorted, alpha / 2),
      high: quantileSorted(sorted, 1 - alpha / 2),
      dropped: resamples - kept[s],
    };
  });
  return { intervals, record: { ...sampler.info, n: resamples, alpha, seed: o.seed } };
}

/** One metric's interval. */
export function bootstrapCI(
  yTrue: Float64Array,
  yPred: Float64Array,
  metric: string,
  opts: BootstrapOptions,
): BootstrapCI {
  const name = metricName(metric);
  const { intervals, record } = bootstrapStatistics(yTrue.length, [prepareMetric(name, yTrue, yPred)], opts);
  return { metric: name, ...intervals[0], ...record };
}

/** Several metrics of one prediction vector, on the same resamples. */
export function bootstrapMetrics(
  yTrue: Float64Array,
  yPred: Float64Array,
  metrics: readonly string[],
  opts: BootstrapOptions,
): { intervals: Record<string, Interval>; record: BootstrapRecord } {
  const names = metrics.map(metricName);
  const { intervals, record } = bootstrapStatistics(
    yTrue.length,
    names.map((m) => prepareMetric(m, yTrue, yPred)),
    opts,
  );
  return { intervals: Object.fromEntries(names.map((m, i) => [m, intervals[i]])), record };
}

/**
 * The paired interval of metric(a) - metric(b) on the same rows and the same resamples: the
 * honest way to say whether model a beats model b (their intervals overlapping says little).
 */
export function bootstrapDifference(
  yTrue: Float64Array,
  predA: Float64Array,
  predB: Float64Array,
  metric: string,
  opts: BootstrapOptions,
): { interval: Interval; record: BootstrapRecord } {
  const a = prepareMetric(metric, yTrue, predA);
  const b = prepareMetric(metric, yTrue, predB);
  const difference: Statistic = (c) => a(c) - b(c);
  if (a.byBar && b.byBar) {
    const [ab, bb] = [a.byBar, b.byBar];
    difference.byBar = (c, barOf) => ab(c, barOf) - bb(c, barOf);
  }
  const { intervals, record } = bootstrapStatistics(yTrue.length, [difference], opts);
  return { interval: intervals[0], record };
}

/**
 * The one-line description summaries print, e.g. "moving-block bootstrap, 20-bar blocks over 3,195 bars, 1000
 * resamples, seed 42".
 */
export function describeBootstrap(r: BootstrapRecord): string {
  const level = `${Math.round((1 - r.alpha) * 100)}%`;
  const how =
    r.method === 'iid'
      ? `iid bootstrap over ${r.rows.toLocaleString('en-US')} rows`
      : `moving-block bootstrap, ${r.block}-${r.unit === 'bars' ? 'bar' : 'row'} blocks over ` +
        `${r.units.toLocaleString('en-US')} ${r.unit}`;
  return `${level} ${how}, ${r.n} resamples, seed ${r.seed}`;
}
