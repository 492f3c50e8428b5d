/**
 * Scalers fitted on training rows only and applied to every row: x' = (x - center) / scale.
 *   standard: center = mean, scale = population std (ddof 0, as scikit-learn's StandardScaler)
 *   minmax:   center = min,  scale = max - min          (to [0, 1] on the training rows)
 *   robust:   center = median, scale = q75 - q25        (linear interpolation, as RobustScaler)
 * A zero scale (constant column) becomes 1, as in scikit-learn. The fitted scaler is plain JSON
 * so it can be saved, read back and applied by any later phase (or another tool).
 */
import pl from 'nodejs-polars';
import { SYMBOL } from './dataset';
import { int64At } from './int64';
import type { ScaleMethod } from './closedLists';

export type { ScaleMethod } from './closedLists';

/** Key of the single parameter set of a scaler fitted over all symbols. */
export const ALL_SYMBOLS = '*';

export interface ColumnScale {
  center: number;
  scale: number;
}

export interface ScalerJSON {
  method: ScaleMethod;
  per_symbol: boolean;
  columns: string[];
  feature_set_id: string | null;
  /** Which rows the statistics come from ('train'). */
  fitted_on: string;
  /** Rows the statistics were computed from, per parameter set. */
  rows_fitted: Record<string, number>;
  /** Parameter set per symbol (or ALL_SYMBOLS), then per column. */
  params: Record<string, Record<string, ColumnScale>>;
}

/** A fitting problem for the caller to turn into a located UserError. */
export class ScalerFitError extends Error {
  constructor(
    message: string,
    readonly column?: string,
  ) {
    super(message);
  }
}

function statExprs(col: string, method: ScaleMethod): [pl.Expr, pl.Expr] {
  const x = pl.col(col).cast(pl.Float64);
  switch (method) {
    case 'standard':
      return [x.mean(), x.sub(x.mean()).pow(2).mean().pow(0.5)];
    case 'minmax':
      return [x.min(), x.max().sub(x.min())];
    case 'robust':
      return [x.median(), x.quantile(0.75, 'linear').sub(x.quantile(0.25, 'linear'))];
  }
}

/** Fits on `train` (already filtered to training rows). */
export function fitScaler(
  train: pl.DataFrame,
  columns: readonly string[],
  method: ScaleMethod,
  perSymbol: boolean,
  featureSetId?: string,
): ScalerJSON {
  if (train.height === 0) throw new ScalerFitError('there are no training rows to fit the scaler on');
  const aggs: pl.Expr[] = [pl.len().alias('__rows')];
  columns.forEach((c, j) => {
    const [center, scale] = statExprs(c, method);
    aggs.push(center.alias(`c${j}`), scale.alias(`s${j}`));
  });
  const stats = perSymbol
    ? train
        .groupBy(SYMBOL)
        .agg(...aggs)
        .sort(SYMBOL)
    : train.select(pl.lit(ALL_SYMBOLS).alias(SYMBOL), ...aggs);
  const keys = stats.getColumn(SYMBOL).toArray() as string[];
  const params: ScalerJSON['params'] = {};
  const rows: Record<string, number> = {};
  keys.forEach((k, i) => {
    rows[k] = int64At(stats.getColumn('__rows'), i) ?? 0;
    params[k] = {};
    columns.forEach((c, j) => {
      const center = stats.getColumn(`c${j}`).get(i) as number | null;
      const scale = stats.getColumn(`s${j}`).get(i) as number | null;
      if (center === null || scale === null || !Number.isFinite(center) || !Number.isFinite(scale)) {
        throw new ScalerFitError(
          `column '${c}' has no finite training values${perSymbol ? ` for symbol '${k}'` : ''}: its ` +
            `${method} scale cannot be fitted`,
          c,
        );
      }
      params[k][c] = { center, scale: scale === 0 ? 1 : scale };
    });
  });
  return {
    method,
    per_symbol: perSymbol,
    columns: [...columns],
    feature_set_id: featureSetId ?? null,
    fitted_on: 'train',
    rows_fitted: rows,
    params,
  };
}

/** Applies a fitted scaler to every row; other columns pass through unchanged. */
export function applyScaler(frame: pl.DataFrame, scaler: ScalerJSON): pl.DataFrame {
  const missing = scaler.columns.filter((c) => !frame.columns.includes(c));
  if (missing.length)
    throw new ScalerFitError(
      `the frame has no column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `'${c}'`).join(', ')} ` +
        `that the scaler was fitted on`,
      missing[0],
    );
  if (!scaler.per_symbol) {
    const p = scaler.params[ALL_SYMBOLS];
    return frame.withColumns(
      ...scaler.columns.map((c) => pl.col(c).cast(pl.Float64).sub(p[c].center).div(p[c].scale).alias(c)),
    );
  }
  const symbols = Object.keys(scaler.params);
  const unknown = (frame.getColumn(SYMBOL).unique().toArray() as string[]).filter((s) => !(s in scaler.params)).sort();
  if (unknown.length)
    throw new ScalerFitError(
      `symbol${unknown.length > 1 ? 's' : ''} ${unknown.slice(0, 10).join(', ')} had no training rows, so ` +
        `the per-symbol scaler has no statistics for ${unknown.length > 1 ? 'them' : 'it'}`,
    );
  const table = pl.DataFrame([
    pl.Series(SYMBOL, symbols),
    ...scaler.columns.flatMap((c, j) => [
      pl.Series(
        `__c${j}`,
        symbols.map((s) => scaler.params[s][c].center),
      ),
      pl.Series(
        `__s${j}`,
        symbols.map((s) => scaler.params[s][c].scale),
      ),
    ]),
  ]);
  const helper = scaler.columns.flatMap((_, j) => [`__c${j}`, `__s${j}`]);
  return frame
    .withColumns(pl.intRange(0, pl.len()).alias('__row'))
    .join(table, { on: SYMBOL, how: 'left' })
    .sort('__row')
    .withColumns(
      ...scaler.columns.map((c, j) =>
        pl
          .col(c)
          .cast(pl.Float64)
          .sub(pl.col(`__c${j}`))
          .div(pl.col(`__s${j}`))
          .alias(c),
      ),
    )
    .drop(['__row', ...helper]);
}
