/**
 * From an upstream frame to the engine's BarSeries. The frame is sorted by symbol and time; the
 * bar return is taken from `returns:` (a column of simple or log returns) or computed per symbol
 * from `price:` (default `close`) as close[t] / close[t-1] - 1 before any row filter, so the
 * first kept row of a symbol still has its own bar's return. Two rows of one symbol at one
 * timestamp are a validation error naming the data row.
 */
import pl from 'nodejs-polars';
import { UserError, ValidationError } from '../errors';
import { SPLIT, SYMBOL, TIMESTAMP } from '../frame/dataset';
import { timestampsMs } from '../frame/matrix';
import { closest, didYouMean } from '../base/schema';
import type { BarSeries } from './types';

export const RET_COLUMN = '__bt_ret';

export interface SeriesColumns {
  /** Prediction column; detected from usual names when absent. */
  prediction?: string;
  /** Column of bar returns; else computed from `price`. */
  returns?: string;
  returns_type?: 'simple' | 'log';
  /** Price column to compute bar returns from (default close). */
  price?: string;
  /** Keep only rows of this split (train / val / test). */
  split?: string;
}

const PREDICTION_NAMES = [
  'prediction',
  'pred',
  'y_pred',
  'signal',
  'y_prob',
  'prob',
  'probability',
  'meta_pred',
  'stacking_pred',
];

function missing(column: string, key: string, columns: string[], cell?: string, hint?: string): UserError {
  const near = closest(column, columns);
  return new UserError(`the input has no column '${column}'${didYouMean(near)}`, { cell, key, dataColumn: column }, [
    `columns: ${columns.join(', ')}`,
    ...(hint ? [hint] : []),
  ]);
}

/** The prediction column: the configured one, else a usual name, else a single `*_pred` / `*_prob_1`. */
export function predictionColumn(columns: string[], configured: string | undefined, cell?: string): string {
  if (configured !== undefined) {
    if (!columns.includes(configured)) throw missing(configured, 'prediction', columns, cell);
    return configured;
  }
  for (const n of PREDICTION_NAMES) if (columns.includes(n)) return n;
  const suffixed = columns.filter((c) => /_(pred|prob_1)$/.test(c));
  if (suffixed.length === 1) return suffixed[0];
  throw new UserError(
    suffixed.length
      ? `the input has several prediction columns (${suffixed.join(', ')}); choose one`
      : 'the input has no prediction column',
    { cell, key: 'prediction' },
    [`columns: ${columns.join(', ')}`, 'set `prediction: <column>`'],
  );
}

/**
 * Sorted frame with the bar return in RET_COLUMN (and a constant symbol when there was none),
 * filtered to `split` when set. Throws on a missing column or a duplicated (symbol, timestamp).
 */
export function prepareFrame(input: pl.DataFrame, c: SeriesColumns, cell?: string): pl.DataFrame {
  const cols = input.columns;
  if (!cols.includes(TIMESTAMP))
    throw new UserError(`the input has no '${TIMESTAMP}' column`, { cell, dataColumn: TIMESTAMP }, [
      `columns: ${cols.join(', ')}`,
    ]);
  let df = cols.includes(SYMBOL) ? input : input.withColumns(pl.lit('all').alias(SYMBOL));
  df = df.withRowIndex('__bt_row', 1).sort([SYMBOL, TIMESTAMP]);
  const dup = df.filter(pl.col(TIMESTAMP).isDuplicated().over(SYMBOL));
  if (dup.height) {
    const row = Math.max(...(dup.head(2).getColumn('__bt_row').toArray() as unknown[]).map(Number));
    const sym = String(dup.getColumn(SYMBOL).get(0));
    throw new ValidationError(
      `symbol '${sym}' has two rows at one timestamp: a backtest needs one bar per symbol and time`,
      { cell, row, dataColumn: TIMESTAMP },
    );
  }
  let ret: pl.Expr;
  if (c.returns !== undefined) {
    if (!cols.includes(c.returns)) throw missing(c.returns, 'returns', cols, cell);
    const r = pl.col(c.returns).cast(pl.Float64);
    ret = c.returns_type === 'log' ? r.exp().sub(1) : r;
  } else {
    const price = c.price ?? 'close';
    if (!cols.includes(price))
      throw missing(price, 'price', cols, cell, 'set `price: <column>` or `returns: <column of bar returns>`');
    const p = pl.col(price).cast(pl.Float64);
    ret = p.div(p.shift(1).over(SYMBOL)).sub(1);
  }
  df = df.withColumns(ret.alias(RET_COLUMN));
  if (c.split !== undefined) {
    if (!cols.includes(SPLIT))
      throw new UserError(`split: ${c.split} needs a '${SPLIT}' column (add a split cell upstream)`, {
        cell,
        key: 'split',
      });
    df = df.filter(pl.col(SPLIT).eq(pl.lit(c.split)));
    if (!df.height) throw new UserError(`no rows with split '${c.split}'`, { cell, key: 'split' });
  }
  return df.drop('__bt_row');
}

/** Run starts and names of each symbol in a frame sorted by symbol. */
function symbolRuns(df: pl.DataFrame): { starts: Int32Array; symbols: string[] } {
  const firsts = df
    .select(pl.col(SYMBOL))
    .withRowIndex('__i')
    .filter(pl.col(SYMBOL).neq(pl.col(SYMBOL).shift(1)).fillNull(true));
  return {
    starts: Int32Array.from(firsts.getColumn('__i').toArray() as number[], Number),
    symbols: (firsts.getColumn(SYMBOL).toArray() as unknown[]).map(String),
  };
}

/** The engine's series from a prepared frame and a signal per row (or the frame's prediction column). */
export function seriesFromFrame(df: pl.DataFrame, signal: Float64Array | string): BarSeries {
  const n = df.height;
  const sig = typeof signal === 'string' ? floatColumn(df, signal) : signal;
  if (sig.length !== n) throw new Error(`seriesFromFrame: ${sig.length} signals for ${n} rows`);
  const ret = floatColumn(df, RET_COLUMN);
  const { starts, symbols } = symbolRuns(df);
  const times = timestampsMs(df);
  let bar: Int32Array;
  let barTimes: Float64Array;
  if (symbols.length === 1) {
    bar = Int32Array.from({ length: n }, (_, i) => i);
    barTimes = times;
  } else {
    const ranks = df
      .select(pl.col(TIMESTAMP).rank('dense').cast(pl.Int32).sub(1).alias('b'))
      .getColumn('b')
      .toTypedArray() as Int32Array;
    bar = Int32Array.from(ranks);
    let bars = 0;
    for (let i = 0; i < n; i++) if (bar[i] + 1 > bars) bars = bar[i] + 1;
    barTimes = new Float64Array(bars);
    for (let i = 0; i < n; i++) barTimes[bar[i]] = times[i];
  }
  return { signal: sig, ret, starts, symbols, bar, barTimes };
}

/** A numeric column as Float64 with nulls as NaN (one copy). */
export function floatColumn(df: pl.DataFrame, name: string): Float64Array {
  return df
    .select(pl.col(name).cast(pl.Float64).fillNull(pl.lit(NaN)))
    .getColumn(name)
    .toTypedArray() as Float64Array;
}
