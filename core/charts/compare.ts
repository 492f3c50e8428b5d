/**
 * Comparing runs: the metrics table with the best run per column (direction-aware), the config
 * diff, and the overlaid charts. Pure; the compare webview renders what these return.
 */
import { bestIndices, metricGoal, metricsWithCi, type MetricGoal } from './metrics';
import { chart } from './specs/common';
import { metricTitle } from './specs/cv';
import type { ChartSpec } from './types';

export interface CompareRun {
  id: string;
  metrics: Record<string, number>;
  config?: Record<string, unknown>;
}

export interface MetricColumn {
  name: string;
  goal: MetricGoal;
  /** Row indices holding the best value (ties all marked). */
  best: number[];
}

export interface CompareCell {
  value?: number;
  ciLow?: number;
  ciHigh?: number;
}

export interface MetricsTable {
  columns: MetricColumn[];
  /** rows[i][j]: run i, column j. */
  rows: CompareCell[][];
}

/** Union of the runs' metrics (CI bounds folded into their metric), first-seen order. */
export function compareMetricsTable(runs: readonly CompareRun[]): MetricsTable {
  const perRun = runs.map((r) => new Map(metricsWithCi(r.metrics ?? {}).map((m) => [m.name, m])));
  const names: string[] = [];
  for (const m of perRun) for (const k of m.keys()) if (!names.includes(k)) names.push(k);
  const rows = perRun.map((m) =>
    names.map((n): CompareCell => {
      const c = m.get(n);
      return c ? { value: c.value, ciLow: c.ciLow, ciHigh: c.ciHigh } : {};
    }),
  );
  const columns = names.map((name, j) => {
    const goal = metricGoal(name);
    return {
      name,
      goal,
      best:
        runs.length > 1
          ? bestIndices(
              rows.map((r) => r[j].value),
              goal,
            )
          : [],
    };
  });
  return { columns, rows };
}

/** Flattens nested config objects to dotted keys; arrays and scalars are leaves. */
export function flattenConfig(
  config: unknown,
  prefix = '',
  out: Record<string, unknown> = {},
): Record<string, unknown> {
  if (config && typeof config === 'object' && !Array.isArray(config)) {
    const entries = Object.entries(config as Record<string, unknown>);
    if (!entries.length && prefix) out[prefix] = {};
    for (const [k, v] of entries) flattenConfig(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out[prefix] = config;
  }
  return out;
}

export interface ConfigDiffRow {
  key: string;
  /** The value per run as text ('—' when the run lacks the key). */
  values: string[];
  differs: boolean;
}

export const MISSING = '—';

function show(v: unknown): string {
  if (v === undefined) return MISSING;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Every config key of any run, sorted, with whether the runs disagree on it. */
export function configDiff(configs: readonly (Record<string, unknown> | undefined)[]): ConfigDiffRow[] {
  const flat = configs.map((c) => flattenConfig(c ?? {}));
  const keys = [...new Set(flat.flatMap((f) => Object.keys(f)))].sort();
  return keys.map((key) => {
    const values = flat.map((f) => show(f[key]));
    return { key, values, differs: values.some((v) => v !== values[0]) };
  });
}

/**
 * Where a metric's bars start. A bounded score (every value and CI bound in [0, 1]: AUC, accuracy,
 * Brier...) starts just below its smallest value, so 0.5275 and 0.5076 look different; any other
 * metric starts at 0 (bar length then reads as magnitude).
 */
export function barBaseline(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v));
  if (!finite.length) return 0;
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  if (lo < 0 || hi > 1) return 0;
  const span = hi - lo || Math.max(Math.abs(lo) * 0.05, 1e-3);
  return Math.max(0, lo - span * 0.5);
}

/**
 * One bar per run for each shared metric (with its bootstrap CI as an error bar when present),
 * a small multiple per metric with its own scale, bounded scores scaled to their data
 * (barBaseline). At most `maxMetrics` metrics (shared ones first).
 */
export function metricBarsChart(runs: readonly CompareRun[], maxMetrics = 8): ChartSpec | undefined {
  const table = compareMetricsTable(runs);
  const shared = table.columns
    .map((c, j) => ({
      c,
      j,
      have: table.rows.filter((r) => r[j].value !== undefined && Number.isFinite(r[j].value)).length,
    }))
    .filter((x) => x.have > 0 && x.c.goal !== 'none')
    .sort((a, b) => b.have - a.have || a.j - b.j)
    .slice(0, maxMetrics);
  if (!shared.length) return undefined;
  const run: string[] = [];
  const metric: string[] = [];
  const value: number[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  const base: number[] = [];
  for (const { c, j } of shared) {
    const cells = table.rows.map((r) => r[j]).filter((cell) => cell.value !== undefined && Number.isFinite(cell.value));
    const from = barBaseline(cells.flatMap((cell) => [cell.value as number, cell.ciLow ?? NaN, cell.ciHigh ?? NaN]));
    table.rows.forEach((r, i) => {
      const cell = r[j];
      if (cell.value === undefined || !Number.isFinite(cell.value)) return;
      run.push(runs[i].id);
      metric.push(metricTitle(c.name));
      value.push(cell.value);
      lo.push(cell.ciLow ?? NaN);
      hi.push(cell.ciHigh ?? NaN);
      base.push(from);
    });
  }
  return chart(
    'compare-metrics',
    'Metrics per run (bars: value, whiskers: bootstrap CI)',
    {
      data: { name: 'metrics' },
      facet: { field: 'metric', type: 'nominal', title: null, sort: null },
      columns: 4,
      resolve: { scale: { y: 'independent' } },
      spec: {
        width: 150,
        height: 120,
        layer: [
          {
            mark: 'bar',
            encoding: {
              x: { field: 'run', type: 'nominal', title: null, axis: { labels: false, ticks: false } },
              y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
              y2: { field: 'base' },
              color: { field: 'run', type: 'nominal', title: 'run' },
              tooltip: [
                { field: 'run' },
                { field: 'metric' },
                { field: 'value', format: '.4f' },
                { field: 'ci_low', format: '.4f' },
                { field: 'ci_high', format: '.4f' },
              ],
            },
          },
          {
            mark: { type: 'rule', color: '#888' },
            encoding: {
              x: { field: 'run', type: 'nominal' },
              y: { field: 'ci_low', type: 'quantitative' },
              y2: { field: 'ci_high' },
            },
          },
        ],
      },
    },
    {
      metrics: {
        run,
        metric,
        value: Float64Array.from(value),
        ci_low: Float64Array.from(lo),
        ci_high: Float64Array.from(hi),
        base: Float64Array.from(base),
      },
    },
  );
}
