/**
 * Per-symbol time-series feature expressions: returns, lags and rolling statistics. Every
 * expression is a polars window (`.over(symbol)`), so one symbol's rows never enter another's
 * lags or windows. The frame must be sorted by time within each symbol.
 *
 * Facts about nodejs-polars 0.26 that shape this module:
 *  - rollingStd / rollingVar ignore `ddof`: they are always the sample statistic (ddof = 1),
 *    which is also pandas' default, so `std` here is pandas' `rolling(w).std()`.
 *  - rolling windows are capped at 32767 rows; larger windows are refused with a UserError.
 *  - a window is null until it holds `w` rows (min_periods = w), as in pandas.
 */
import pl from 'nodejs-polars';
import { SYMBOL } from './dataset';
import { MAX_ROLLING_WINDOW, ROLLING_STATS, type RollingStat } from './closedLists';

export { MAX_ROLLING_WINDOW, ROLLING_STATS, type RollingStat };

export type ReturnType = 'log' | 'simple';

export interface RollingBlock {
  column: string;
  windows: number[];
  stats: RollingStat[];
}

export interface NamedExpr {
  name: string;
  expr: pl.Expr;
}

/** A problem with a window or lag, described for the user (the phase adds the location). */
export class WindowSpecError extends Error {}

/** One-bar return of `column` per symbol: log(p_t / p_{t-1}) or p_t / p_{t-1} - 1. */
export function returnExpr(column: string, type: ReturnType, by: string = SYMBOL): pl.Expr {
  const ratio = pl.col(column).div(pl.col(column).shift(1)).over(by);
  return type === 'log' ? ratio.log() : ratio.sub(1);
}

export function lagName(column: string, lag: number): string {
  return `${column}_lag_${lag}`;
}

/** `column` shifted by each lag, per symbol. Lags must be positive: a negative lag reads the future. */
export function lagExprs(column: string, lags: readonly number[], by: string = SYMBOL): NamedExpr[] {
  return lags.map((k) => {
    if (!Number.isInteger(k) || k < 1)
      throw new WindowSpecError(
        `lag ${k} is not allowed: lags must be whole numbers >= 1 (a lag below 1 would use the current or a ` +
          `future bar)`,
      );
    if (k > MAX_ROLLING_WINDOW) throw new WindowSpecError(`lag ${k} is larger than ${MAX_ROLLING_WINDOW} rows`);
    return { name: lagName(column, k), expr: pl.col(column).shift(k).over(by).alias(lagName(column, k)) };
  });
}

export function rollingName(column: string, stat: RollingStat, window: number): string {
  return `${column}_roll_${stat}_${window}`;
}

export function checkWindow(window: number, stat: RollingStat): void {
  if (!Number.isInteger(window) || window < 1)
    throw new WindowSpecError(`window ${window} must be a whole number >= 1`);
  if (window > MAX_ROLLING_WINDOW) {
    throw new WindowSpecError(
      `window ${window} is larger than ${MAX_ROLLING_WINDOW} rows, the most nodejs-polars supports; use a ` +
        `coarser bar size or a smaller window`,
    );
  }
  if ((stat === 'std' || stat === 'zscore') && window < 2)
    throw new WindowSpecError(
      `window ${window} is too small for '${stat}': a sample standard deviation needs at least 2 rows`,
    );
}

/** The rolling statistic of an expression over `window` rows, per symbol. */
export function rollingStatExpr(input: pl.Expr, stat: RollingStat, window: number, by: string = SYMBOL): pl.Expr {
  checkWindow(window, stat);
  const opts = { windowSize: window };
  switch (stat) {
    case 'mean':
      return input.rollingMean(opts).over(by);
    case 'std':
      return input.rollingStd(opts).over(by);
    case 'min':
      return input.rollingMin(opts).over(by);
    case 'max':
      return input.rollingMax(opts).over(by);
    case 'zscore': {
      const mean = input.rollingMean(opts).over(by);
      const std = input.rollingStd(opts).over(by);
      // A flat window has std 0: the value equals the mean, so its z-score is 0 (not NaN).
      return pl.when(std.eq(0)).then(pl.lit(0)).otherwise(input.sub(mean).div(std));
    }
  }
}

/** Every (window, stat) of a rolling block, named `{column}_roll_{stat}_{window}`. */
export function rollingExprs(block: RollingBlock, by: string = SYMBOL): NamedExpr[] {
  const out: NamedExpr[] = [];
  for (const w of block.windows) {
    for (const s of block.stats) {
      const name = rollingName(block.column, s, w);
      out.push({ name, expr: rollingStatExpr(pl.col(block.column), s, w, by).alias(name) });
    }
  }
  return out;
}
