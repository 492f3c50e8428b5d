/**
 * One execution window of portfolios (docs/design.md §5.7): every grid point runs as a container on the
 * same bars; each container's results are written (disk) or kept (memory) as soon as it finishes,
 * then its per-row arrays are dropped. Only the best portfolio's run (by Sharpe) is kept, for
 * charts and for Monte Carlo. Ends with aggregate_results.json and phase_summary.json.
 */
import { aggregatePortfolioMetrics, type AggregateMetrics, type PortfolioMetricsEntry } from './aggregate';
import { runContainer, type ContainerResults, type ParamValue } from './container';
import type { GridPoint } from './grid';
import { StageDirWriter, type StageSummary } from './results/stageDir';
import type { ResultsSettings } from './resultsSettings';
import type { BacktestMetrics, BacktestRun, BarSeries, PortfolioSettings } from './types';

export interface PortfolioWindowInput {
  phase: string;
  windowId?: string;
  /** Folder the layout is written to (the phase folder, or its window folder). */
  dir: string;
  series: BarSeries;
  points: GridPoint[];
  results: ResultsSettings;
  periodsPerYear: number;
  /** Extra config recorded in phase_summary.json. */
  config?: Record<string, unknown>;
  signal?: AbortSignal;
  /** Sees each container's full run before it is dropped (e.g. to stitch walk-forward returns). */
  onContainer?: (id: string, run: BacktestRun) => void;
}

export interface BestPortfolio {
  container_id: string;
  params: Record<string, ParamValue>;
  settings: PortfolioSettings;
  metrics: BacktestMetrics;
  run: BacktestRun;
}

export interface PortfolioWindowOutcome {
  aggregate: AggregateMetrics;
  summary: StageSummary;
  totalTrades: number;
  /** Metrics of every portfolio (small: one record each). */
  portfolios: PortfolioMetricsEntry[];
  best: BestPortfolio;
  /** Full container results, only with results_storage: memory. */
  containers?: ContainerResults[];
}

const better = (a: BacktestMetrics, b: BacktestMetrics | undefined): boolean =>
  !b || (Number.isFinite(a.sharpe_ratio) && (!Number.isFinite(b.sharpe_ratio) || a.sharpe_ratio > b.sharpe_ratio));

export async function runPortfolioWindow(w: PortfolioWindowInput): Promise<PortfolioWindowOutcome> {
  const writer = await StageDirWriter.open(w.dir, w.results.results_storage);
  const portfolios: PortfolioMetricsEntry[] = [];
  const kept: ContainerResults[] = [];
  let best: BestPortfolio | undefined;
  try {
    for (const p of w.points) {
      if (w.signal?.aborted) throw new Error('cancelled');
      const c = runContainer(w.series, {
        id: p.id,
        params: p.params,
        settings: p.settings,
        results: w.results,
        periodsPerYear: w.periodsPerYear,
      });
      await writer.writeContainer(c.results);
      w.onContainer?.(p.id, c.run);
      portfolios.push({ container_id: p.id, params: p.params, metrics: c.results.metrics });
      if (w.results.results_storage === 'memory') kept.push(c.results);
      if (better(c.metrics, best?.metrics))
        best = { container_id: p.id, params: p.params, settings: p.settings, metrics: c.metrics, run: c.run };
    }
  } catch (e) {
    await writer.abort();
    throw e;
  }
  const aggregate = aggregatePortfolioMetrics(portfolios);
  const summary = await writer.finish(aggregate, {
    phase: w.phase,
    ...(w.windowId ? { window_id: w.windowId } : {}),
    config: {
      results_storage: w.results.results_storage,
      event_tracing: w.results.event_tracing,
      retention_policy: w.results.retention_policy,
      ...(w.results.retention_policy === 'sliding_window'
        ? { sliding_window_size: w.results.sliding_window_size }
        : {}),
      ...(w.config ?? {}),
    },
  });
  return {
    aggregate,
    summary,
    totalTrades: writer.totalTrades,
    portfolios,
    best: best!,
    ...(w.results.results_storage === 'memory' ? { containers: kept } : {}),
  };
}
