/**
 * The backtest engine's values: portfolio settings, the bar series it runs on, the columnar
 * trade table and the metrics it reports. Everything here is plain data (typed arrays, numbers).
 */

/** How a prediction becomes a target position. */
export type PositionMode = 'sign' | 'threshold' | 'probability';
export const POSITION_MODES: readonly PositionMode[] = ['sign', 'threshold', 'probability'];

export type Direction = 'long_short' | 'long_only' | 'short_only';
export const DIRECTIONS: readonly Direction[] = ['long_short', 'long_only', 'short_only'];

/** One portfolio's settings: what a parameter search varies. */
export interface PortfolioSettings {
  mode: PositionMode;
  /** The neutral prediction: 0 for returns / scores, 0.5 for probabilities. */
  center: number;
  /** `threshold` mode: long above center + threshold, short below center - threshold, else flat. */
  threshold: number;
  direction: Direction;
  /** Fee per unit of traded notional, in basis points. */
  fee_bps: number;
  /** Slippage per unit of traded notional, in basis points. */
  slippage_bps: number;
  initial_capital: number;
}

export const DEFAULT_PORTFOLIO: PortfolioSettings = {
  mode: 'sign',
  center: 0,
  threshold: 0,
  direction: 'long_short',
  fee_bps: 0,
  slippage_bps: 0,
  initial_capital: 100_000,
};

/**
 * Bars to trade, rows grouped by symbol and in time order within a symbol. `ret[i]` is the return
 * of row i's bar (close[i] / close[i-1] - 1); `signal[i]` is the prediction known at the close of
 * row i, so it can only be traded on the next row of the same symbol.
 */
export interface BarSeries {
  signal: Float64Array;
  ret: Float64Array;
  /** Row where each symbol's run starts, ascending; starts[0] = 0. */
  starts: Int32Array;
  /** Symbol name of each run (same length as `starts`). */
  symbols: string[];
  /** Portfolio bar (distinct timestamp, 0..bars-1) of each row. */
  bar: Int32Array;
  /** Epoch ms of each portfolio bar, ascending (NaN when the data has no time). */
  barTimes: Float64Array;
}

/** Closed (or closed-at-end) trades as columns. */
export interface TradeTable {
  count: number;
  /** Index into BarSeries.symbols. */
  symbol: Int32Array;
  /** +1 long, -1 short. */
  side: Int8Array;
  /** First row held. */
  entryRow: Int32Array;
  /** Row where the position changed away (exclusive end); = symbol end when closed at the end. */
  exitRow: Int32Array;
  /** Compounded return of the trade on its capital slice, costs included. */
  ret: Float64Array;
  /** 1 when the data ended with the position still open (marked to market, no exit cost). */
  openAtEnd: Uint8Array;
}

/** Per-bar portfolio series of one run (length = number of portfolio bars). */
export interface PortfolioSeries {
  /** Net return of the portfolio per bar. */
  pnl: Float64Array;
  /** Sum over symbols of |position| * weight per bar. */
  exposure: Float64Array;
  /** Sum over symbols of |position change| * weight per bar. */
  turnover: Float64Array;
  /** Capital after each bar. */
  equity: Float64Array;
}

export interface BacktestRun {
  settings: PortfolioSettings;
  /** Position held during each row (decided on the previous row of the same symbol). */
  held: Float64Array;
  /** Net return of each row on its symbol's capital slice. */
  net: Float64Array;
  /** Cost of each row (fees + slippage on the traded notional). */
  cost: Float64Array;
  portfolio: PortfolioSeries;
  trades: TradeTable;
}

export interface BacktestMetrics {
  total_return: number;
  cagr: number;
  sharpe_ratio: number;
  sortino_ratio: number;
  /** Deepest fall from a running peak, as a fraction <= 0 (-0.25 = 25% below the peak). */
  max_drawdown: number;
  /** Longest stretch of bars spent below a previous peak. */
  max_drawdown_duration_bars: number;
  win_rate: number;
  profit_factor: number;
  trade_count: number;
  /** Mean |position| per bar (the share of time in the market for +-1 positions). */
  exposure: number;
  /** Total traded notional over the backtest, in multiples of capital. */
  turnover: number;
  turnover_annual: number;
  bars: number;
  periods_per_year: number;
  final_equity: number;
}
