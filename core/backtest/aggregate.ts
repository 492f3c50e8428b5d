/**
 * Aggregate metrics of a phase's portfolios (docs/design.md §5.7): the best
 * Sharpe and that portfolio's metrics, the count, and the averages of Sharpe, total return, max
 * drawdown and win rate over the portfolios where each is defined.
 */

export interface PortfolioMetricsEntry {
  container_id: string;
  params?: Record<string, unknown>;
  metrics: Record<string, number | null>;
}

export interface AggregateMetrics {
  portfolio_count: number;
  best_sharpe_ratio?: number;
  best_container_id?: string;
  best_params?: Record<string, unknown>;
  best_portfolio_metrics?: Record<string, number | null>;
  avg_sharpe_ratio?: number;
  avg_total_return?: number;
  avg_max_drawdown?: number;
  avg_win_rate?: number;
}

export const AVERAGED_METRICS = ['sharpe_ratio', 'total_return', 'max_drawdown', 'win_rate'] as const;

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function aggregatePortfolioMetrics(portfolios: readonly PortfolioMetricsEntry[]): AggregateMetrics {
  const out: AggregateMetrics = { portfolio_count: portfolios.length };
  let best: PortfolioMetricsEntry | undefined;
  for (const p of portfolios) {
    const s = p.metrics.sharpe_ratio;
    if (finite(s) && (!best || s > (best.metrics.sharpe_ratio as number))) best = p;
  }
  if (best) {
    out.best_sharpe_ratio = best.metrics.sharpe_ratio as number;
    out.best_container_id = best.container_id;
    if (best.params) out.best_params = best.params;
    out.best_portfolio_metrics = best.metrics;
  }
  for (const name of AVERAGED_METRICS) {
    const values = portfolios.map((p) => p.metrics[name]).filter(finite);
    if (values.length) out[`avg_${name}`] = values.reduce((a, b) => a + b, 0) / values.length;
  }
  return out;
}

/** The best portfolio by Sharpe (first one when none has a Sharpe ratio). */
export function bestPortfolio<T extends PortfolioMetricsEntry>(portfolios: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const p of portfolios) {
    const s = p.metrics.sharpe_ratio;
    if (finite(s) && (!best || !finite(best.metrics.sharpe_ratio) || s > best.metrics.sharpe_ratio)) best = p;
  }
  return best ?? portfolios[0];
}
