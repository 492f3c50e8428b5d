/**
 * Leakage-safe cleaning: imputation and outlier treatment whose statistics come from the fit
 * window only (the training rows), then are applied to every row. All of it is polars
 * expressions: a statistic is `col.filter(fitMask).stat()`, broadcast per symbol with `.over`.
 */
import pl from 'nodejs-polars';
import { SPLIT, SYMBOL, TIMESTAMP } from './dataset';

export type ImputeStat = 'mean' | 'median';
export type OutlierMethod = 'winsorize' | 'iqr';

export interface FitWindow {
  /** True on the rows statistics are fitted on. */
  mask: pl.Expr;
  /** Human description ("split == 'train'", "timestamp < 2024-03-01", "first 70% of each symbol"). */
  describe: string;
}

/**
 * The fit window: rows with split == 'train' when the frame has a split column; otherwise rows
 * before `fitUntil`; otherwise the first `fitFraction` of each symbol's rows in time order (the
 * frame must be sorted by symbol then time).
 */
export function fitWindow(columns: readonly string[], opts: { fitUntil?: Date; fitFraction?: number }): FitWindow {
  if (columns.includes(SPLIT)) return { mask: pl.col(SPLIT).eq(pl.lit('train')), describe: "split == 'train'" };
  if (opts.fitUntil) {
    return {
      mask: pl.col(TIMESTAMP).lt(pl.lit(opts.fitUntil).cast(pl.Datetime('ms', 'UTC'))),
      describe: `timestamp < ${opts.fitUntil.toISOString()}`,
    };
  }
  const f = opts.fitFraction ?? 0.7;
  const idx = pl.intRange(0, pl.len()).over(SYMBOL);
  return {
    mask: idx.lt(pl.len().over(SYMBOL).cast(pl.Float64).mul(f).floor()),
    describe: `first ${+(f * 100).toFixed(4)}% of each symbol's rows`,
  };
}

/** Null or NaN. */
export function isMissing(col: string): pl.Expr {
  const x = pl.col(col);
  return x.isNull().or(x.cast(pl.Float64).isNan().fillNull(false));
}

/** A float copy of the column with NaN turned into null. */
function clean(col: string): pl.Expr {
  const x = pl.col(col).cast(pl.Float64);
  return pl.when(x.isNan()).then(pl.lit(null)).otherwise(x);
}

function fitted(stat: pl.Expr, perSymbol: boolean): pl.Expr {
  return perSymbol ? stat.over(SYMBOL) : stat;
}

/** Fills missing values of each column with its mean/median over the fit window (per symbol when asked). */
export function imputeExprs(
  columns: readonly string[],
  stat: ImputeStat,
  window: FitWindow,
  perSymbol: boolean,
): pl.Expr[] {
  return columns.map((c) => {
    const x = clean(c);
    const inFit = x.filter(window.mask);
    const value = fitted(stat === 'mean' ? inFit.mean() : inFit.median(), perSymbol);
    return x.fillNull(value).alias(c);
  });
}

/** [lower, upper] bounds of each column from the fit window. */
export function outlierBounds(
  c: string,
  method: OutlierMethod,
  limits: number | readonly number[],
  window: FitWindow,
  perSymbol: boolean,
): [pl.Expr, pl.Expr] {
  const inFit = clean(c).filter(window.mask);
  if (method === 'winsorize') {
    const [lo, hi] = limits as readonly number[];
    return [fitted(inFit.quantile(lo, 'linear'), perSymbol), fitted(inFit.quantile(hi, 'linear'), perSymbol)];
  }
  const k = limits as number;
  const q1 = fitted(inFit.quantile(0.25, 'linear'), perSymbol);
  const q3 = fitted(inFit.quantile(0.75, 'linear'), perSymbol);
  return [q1.sub(q3.sub(q1).mul(k)), q3.add(q3.sub(q1).mul(k))];
}

/**
 * Clips each column to its bounds. Adds `__clipped_{c}` boolean helper columns (true where a
 * value was moved) that the caller counts and drops.
 */
export function clipExprs(
  columns: readonly string[],
  method: OutlierMethod,
  limits: number | readonly number[],
  window: FitWindow,
  perSymbol: boolean,
): pl.Expr[] {
  return columns.flatMap((c) => {
    const x = clean(c);
    const [lo, hi] = outlierBounds(c, method, limits, window, perSymbol);
    const clipped = pl.when(x.lt(lo)).then(lo).when(x.gt(hi)).then(hi).otherwise(x);
    return [clipped.alias(c), x.lt(lo).or(x.gt(hi)).fillNull(false).alias(`__clipped_${c}`)];
  });
}

/** Share of missing (null or NaN) values per column, in one query. */
export function missingRates(frame: pl.DataFrame, columns: readonly string[]): Record<string, number> {
  if (!columns.length || frame.height === 0) return Object.fromEntries(columns.map((c) => [c, 0]));
  const row = frame.select(...columns.map((c, j) => isMissing(c).mean().alias(`r${j}`)));
  return Object.fromEntries(columns.map((c, j) => [c, Number(row.getColumn(`r${j}`).get(0))]));
}
