/**
 * A portfolio container (docs/design.md §5.7): one portfolio's backtest with its own event tracing.
 * Its results object is what `{phase}/[{window_id}/]{id}_results.json` holds:
 *   metrics, event counts, the events its retention policy kept, open positions,
 *   trades (all closed trades; not under `minimal`),
 *   equity_curve (only when PORTFOLIO_UPDATE is traced: the last `sliding_window_size` bars under
 *   sliding_window, else the whole curve thinned to at most EQUITY_CURVE_POINTS by LTTB; never
 *   under `minimal`).
 */
import { lttbIndices } from '../charts/lttb';
import { runBacktest } from './engine';
import { emitEvents, type BacktestEvent, type PositionOpenEvent } from './events';
import { computeMetrics, metricsJson } from './metrics';
import type { ResultsSettings } from './resultsSettings';
import { EventTracer } from './tracer';
import { tradeRecord, type TradeRecord } from './trades';
import type { BacktestMetrics, BacktestRun, BarSeries, PortfolioSettings } from './types';

export const EQUITY_CURVE_POINTS = 2000;

export type ParamValue = number | string | boolean;

/** `[[epoch ms, equity], ...]` (or `[[bar index, equity], ...]` when the bars have no times). */
export type EquityCurve = [number, number][];

export interface ContainerResults {
  container_id: string;
  /** The portfolio settings this container varied (the grid point). */
  params: Record<string, ParamValue>;
  settings: PortfolioSettings;
  metrics: Record<string, number | null>;
  event_tracing: string[];
  retention_policy: string;
  event_counts: Record<string, number>;
  /** Most events held at once during the run. */
  peak_retained_events: number;
  events: BacktestEvent[];
  open_positions: PositionOpenEvent[];
  trades?: TradeRecord[];
  equity_curve?: EquityCurve;
}

export interface ContainerRun {
  results: ContainerResults;
  metrics: BacktestMetrics;
  /** The full run (per-row arrays); callers drop it once written to keep memory bounded. */
  run: BacktestRun;
}

export interface ContainerOptions {
  id: string;
  params: Record<string, ParamValue>;
  settings: PortfolioSettings;
  results: ResultsSettings;
  periodsPerYear: number;
}

export function runContainer(series: BarSeries, o: ContainerOptions): ContainerRun {
  const run = runBacktest(series, o.settings);
  const metrics = computeMetrics(run.portfolio, run.trades, {
    initialCapital: o.settings.initial_capital,
    periodsPerYear: o.periodsPerYear,
  });
  const tracer = new EventTracer({
    types: o.results.event_tracing,
    policy: o.results.retention_policy,
    windowSize: o.results.sliding_window_size,
  });
  emitEvents(
    run,
    series,
    tracer.types,
    (e) => tracer.trace(e),
    (e) => tracer.position(e),
  );
  const results: ContainerResults = {
    container_id: o.id,
    params: o.params,
    settings: o.settings,
    metrics: metricsJson(metrics),
    event_tracing: [...o.results.event_tracing],
    retention_policy: o.results.retention_policy,
    event_counts: { ...tracer.counts } as Record<string, number>,
    peak_retained_events: tracer.peakRetained,
    events: tracer.retained(),
    open_positions: tracer.openPositions(),
  };
  if (o.results.retention_policy !== 'minimal') {
    const t = run.trades;
    results.trades = Array.from({ length: t.count }, (_, i) =>
      tradeRecord(t, i, series.symbols, series.bar, series.barTimes),
    );
    if (o.results.event_tracing.includes('PORTFOLIO_UPDATE'))
      results.equity_curve = equityCurve(run, series, o.results);
  }
  return { results, metrics, run };
}

function equityCurve(run: BacktestRun, series: BarSeries, rs: ResultsSettings): EquityCurve {
  const eq = run.portfolio.equity;
  const n = eq.length;
  let idx: ArrayLike<number>;
  if (rs.retention_policy === 'sliding_window') {
    const from = Math.max(0, n - rs.sliding_window_size);
    idx = Uint32Array.from({ length: n - from }, (_, i) => from + i);
  } else {
    const x = Float64Array.from({ length: n }, (_, i) => i);
    idx = n > EQUITY_CURVE_POINTS ? lttbIndices(x, eq, EQUITY_CURVE_POINTS) : x;
  }
  const timed = n > 0 && Number.isFinite(series.barTimes[0]);
  return Array.from(idx, (b): [number, number] => [timed ? series.barTimes[b] : b, eq[b]]);
}
