/**
 * Charts of backtest phases, as PhaseResult charts (vega-lite specs with named frames):
 * equity + drawdown (core/charts builder), metrics per walk-forward window, Monte Carlo
 * percentile bands of equity.
 */
import pl from 'nodejs-polars';
import { chartToOutput } from '../charts/frames';
import { equityChart } from '../charts/specs/backtest';
import type { ChartOutput, TableOutput } from '../base/outputs';
import type { PortfolioMetricsEntry } from './aggregate';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** Equity and drawdown of one portfolio; x is time when the bars have times, else the bar index. */
export function equityOutput(
  equity: Float64Array,
  barTimes: Float64Array,
  title: string,
  group?: string[],
): ChartOutput | undefined {
  const temporal = barTimes.length > 0 && Number.isFinite(barTimes[0]);
  const x = temporal ? barTimes : Float64Array.from({ length: equity.length }, (_, i) => i);
  const spec = equityChart({ x, equity, temporal, ...(group ? { group } : {}) }, title);
  return spec ? chartToOutput(spec) : undefined;
}

export interface WindowMetricsRow {
  window_id: string;
  test_start?: number;
  sharpe_ratio: number | null;
  total_return: number | null;
  max_drawdown: number | null;
}

/** Sharpe, total return and max drawdown of each walk-forward window (best portfolio). */
export function windowMetricsOutput(rows: readonly WindowMetricsRow[]): ChartOutput {
  const long = rows.flatMap((r) =>
    (['sharpe_ratio', 'total_return', 'max_drawdown'] as const).map((m) => ({
      window: r.window_id,
      metric: m,
      value: r[m] ?? NaN,
    })),
  );
  const data = pl.DataFrame({
    window: long.map((l) => l.window),
    metric: long.map((l) => l.metric),
    value: long.map((l) => l.value),
  });
  return {
    id: 'walk-forward-windows',
    title: 'Metrics per walk-forward window',
    spec: {
      $schema: SCHEMA,
      data: { name: 'windows' },
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'window', type: 'ordinal', title: null, sort: null },
        y: { field: 'value', type: 'quantitative', title: null },
        color: { condition: { test: 'datum.value < 0', value: '#e45756' }, value: '#4c78a8' },
        row: { field: 'metric', type: 'nominal', title: null },
        tooltip: [{ field: 'window' }, { field: 'metric' }, { field: 'value', format: '.4f' }],
      },
      resolve: { scale: { y: 'independent' } },
    },
    data: { windows: data },
  };
}

/** Percentile bands of simulated equity (`bands[p]` per step) with the median line. */
export function monteCarloBandsOutput(
  step: Float64Array,
  bands: Record<string, Float64Array>,
  xTitle: string,
): ChartOutput {
  const cols: Record<string, Float64Array> = { step, ...bands };
  const names = Object.keys(bands).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  const pairs: [string, string][] = [];
  for (let i = 0, j = names.length - 1; i < j; i++, j--) pairs.push([names[i], names[j]]);
  const mid = names.length % 2 ? names[(names.length - 1) / 2] : undefined;
  const layers: Record<string, unknown>[] = pairs.map(([lo, hi], k) => ({
    mark: { type: 'area', opacity: 0.15 + 0.15 * k, color: '#4c78a8' },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: xTitle },
      y: { field: lo, type: 'quantitative', title: 'equity', scale: { zero: false } },
      y2: { field: hi },
    },
  }));
  if (mid)
    layers.push({
      mark: { type: 'line', color: '#1f3b73' },
      encoding: { x: { field: 'step', type: 'quantitative' }, y: { field: mid, type: 'quantitative' } },
    });
  layers.push({
    mark: { type: 'rule', opacity: 0 },
    encoding: {
      x: { field: 'step', type: 'quantitative' },
      tooltip: [{ field: 'step' }, ...names.map((n) => ({ field: n, format: ',.2f' }))],
    },
  });
  return {
    id: 'monte-carlo-bands',
    title: `Monte Carlo equity bands (${names.join(', ')})`,
    spec: { $schema: SCHEMA, width: 600, height: 260, data: { name: 'bands' }, layer: layers },
    data: { bands: pl.DataFrame(Object.entries(cols).map(([k, v]) => pl.Series(k, v, pl.Float64))) },
  };
}

/** One row per portfolio: its grid params and headline metrics. */
export function portfolioTable(portfolios: readonly PortfolioMetricsEntry[], title = 'Portfolios'): TableOutput {
  const paramNames = [...new Set(portfolios.flatMap((p) => Object.keys(p.params ?? {})))];
  const metricNames = [
    'sharpe_ratio',
    'sortino_ratio',
    'total_return',
    'max_drawdown',
    'win_rate',
    'profit_factor',
    'trade_count',
    'exposure',
  ];
  const series: pl.Series[] = [
    pl.Series(
      'container',
      portfolios.map((p) => p.container_id),
      pl.Utf8,
    ),
  ];
  for (const n of paramNames)
    series.push(
      pl.Series(
        n,
        portfolios.map((p) => (p.params?.[n] === undefined ? null : String(p.params[n]))),
        pl.Utf8,
      ),
    );
  for (const n of metricNames)
    series.push(
      pl.Series(
        n,
        portfolios.map((p) => p.metrics[n] ?? null),
        pl.Float64,
      ),
    );
  return { title, frame: pl.DataFrame(series) };
}
