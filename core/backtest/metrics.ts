/**
 * Backtest metrics from the per-bar portfolio returns and the trade table. Definitions (the
 * pandas reference in test/unit/backtest/fixtures computes the same):
 *   periods_per_year  (bars - 1) / span in years of 365.25 days, from the bar times; or given
 *   total_return      equity_end / capital - 1;  years = bars / periods_per_year
 *   cagr              (1 + total_return)^(1 / years) - 1
 *   sharpe_ratio      mean(r) / std(r, ddof=1) * sqrt(periods_per_year)   (risk-free rate 0)
 *   sortino_ratio     mean(r) / sqrt(mean(min(r, 0)^2)) * sqrt(periods_per_year)
 *   max_drawdown      min over bars of equity / running peak - 1 (the peak starts at the capital)
 *   max_drawdown_duration_bars  longest run of bars with equity below the running peak
 *   win_rate          trades with return > 0 / trades;  profit_factor  sum of gains / |sum of losses|
 *   exposure          mean |position| per bar;  turnover  sum |position change| (x capital)
 * Undefined values (no trades, zero variance, no losses) are NaN, written as null in JSON.
 */
import type { BacktestMetrics, PortfolioSeries, TradeTable } from './types';

export const YEAR_MS = 365.25 * 86_400_000;
/** Used when the bars carry no usable times and no periods_per_year is given. */
export const DEFAULT_PERIODS_PER_YEAR = 252;

/** Bars per year from bar times (first to last), or undefined when they give no span. */
export function periodsPerYearFromTimes(barTimes: Float64Array): number | undefined {
  const n = barTimes.length;
  if (n < 2) return undefined;
  const span = barTimes[n - 1] - barTimes[0];
  if (!Number.isFinite(span) || span <= 0) return undefined;
  return (n - 1) / (span / YEAR_MS);
}

export interface MetricsOptions {
  initialCapital: number;
  periodsPerYear: number;
}

export function computeMetrics(
  p: PortfolioSeries,
  trades: Pick<TradeTable, 'count' | 'ret'>,
  opts: MetricsOptions,
): BacktestMetrics {
  const r = p.pnl;
  const n = r.length;
  const ppy = opts.periodsPerYear;
  let sum = 0;
  let down2 = 0;
  let exposure = 0;
  let turnover = 0;
  for (let i = 0; i < n; i++) {
    const v = r[i];
    sum += v;
    if (v < 0) down2 += v * v;
    exposure += p.exposure[i];
    turnover += p.turnover[i];
  }
  const mean = n ? sum / n : NaN;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (r[i] - mean) * (r[i] - mean);
  const std = n > 1 ? Math.sqrt(ss / (n - 1)) : NaN;
  const downside = n ? Math.sqrt(down2 / n) : NaN;
  const ann = Math.sqrt(ppy);

  const final = n ? p.equity[n - 1] : opts.initialCapital;
  const totalReturn = final / opts.initialCapital - 1;
  const years = n / ppy;
  const cagr = years > 0 && totalReturn > -1 ? Math.pow(1 + totalReturn, 1 / years) - 1 : totalReturn <= -1 ? -1 : NaN;

  const dd = drawdownStats(p.equity, opts.initialCapital);
  let wins = 0;
  let gains = 0;
  let losses = 0;
  for (let i = 0; i < trades.count; i++) {
    const t = trades.ret[i];
    if (t > 0) {
      wins++;
      gains += t;
    } else if (t < 0) losses -= t;
  }
  return {
    total_return: totalReturn,
    cagr,
    sharpe_ratio: std > 0 ? (mean / std) * ann : NaN,
    sortino_ratio: downside > 0 ? (mean / downside) * ann : NaN,
    max_drawdown: dd.maxDrawdown,
    max_drawdown_duration_bars: dd.maxDuration,
    win_rate: trades.count ? wins / trades.count : NaN,
    profit_factor: losses > 0 ? gains / losses : NaN,
    trade_count: trades.count,
    exposure: n ? exposure / n : NaN,
    turnover,
    turnover_annual: years > 0 ? turnover / years : NaN,
    bars: n,
    periods_per_year: ppy,
    final_equity: final,
  };
}

/** Capital after each bar from per-bar returns. */
export function equityFromReturns(pnl: Float64Array, initialCapital: number): Float64Array {
  const out = new Float64Array(pnl.length);
  let e = initialCapital;
  for (let i = 0; i < pnl.length; i++) out[i] = e *= 1 + pnl[i];
  return out;
}

/** Deepest drawdown (<= 0) and the longest run of bars below the running peak. */
export function drawdownStats(
  equity: Float64Array,
  initialCapital: number,
): { maxDrawdown: number; maxDuration: number } {
  let peak = initialCapital;
  let maxDd = 0;
  let run = 0;
  let maxRun = 0;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i];
    if (e >= peak) {
      peak = e;
      run = 0;
    } else {
      run++;
      if (run > maxRun) maxRun = run;
      const d = e / peak - 1;
      if (d < maxDd) maxDd = d;
    }
  }
  return { maxDrawdown: maxDd, maxDuration: maxRun };
}

/** Metrics as a JSON-safe record (NaN and infinities become null). */
export function metricsJson(m: BacktestMetrics): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(m)) out[k] = Number.isFinite(v) ? v : null;
  return out;
}

/** The finite metrics only (for run.json and PhaseResult.metrics). */
export function finiteMetrics(m: Partial<Record<string, number | null>>, prefix = ''): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(m)) if (typeof v === 'number' && Number.isFinite(v)) out[prefix + k] = v;
  return out;
}
