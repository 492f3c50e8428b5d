/**
 * Row-aligned comparison of two frames of the same shape: which columns differ, at how many rows,
 * and the first row (by the order of the frames) where each does. Used by the causality auditor
 * and by the ts-cell label probe.
 */
import pl from 'nodejs-polars';
import { dtypeOf, isNumericDtype } from './contractTypes';

export interface ColumnChange {
  column: string;
  /** Rows where the two frames disagree. */
  rows: number;
  /** Index of the first such row. */
  firstRow: number;
}

/** Relative tolerance for floats: recomputing the same prefix gives the same bits, but sums over windows may round. */
export const FLOAT_TOLERANCE = 1e-9;

/**
 * Mask expression: true where columns `__a` and `__b` of one frame disagree (floats beyond `tol`
 * relative). Nulls and NaNs equal only themselves.
 */
export function differs(numeric: boolean, tol = FLOAT_TOLERANCE): pl.Expr {
  const a = pl.col('__a');
  const b = pl.col('__b');
  const nullMismatch = a.isNull().neq(b.isNull());
  if (!numeric)
    return nullMismatch
      .or(
        a
          .isNotNull()
          .and(b.isNotNull())
          .and(a.cast(pl.Utf8).neq(b.cast(pl.Utf8))),
      )
      .fillNull(true);
  const x = a.cast(pl.Float64);
  const y = b.cast(pl.Float64);
  const nanMismatch = x.isNan().fillNull(false).neq(y.isNan().fillNull(false));
  const bothValues = x.isNotNull().and(y.isNotNull());
  const neitherNan = x.isNan().not().and(y.isNan().not());
  const scale = pl.when(x.abs().gt(1)).then(x.abs()).otherwise(pl.lit(1)).mul(tol);
  const far = x.sub(y).abs().gt(scale);
  return nullMismatch.or(bothValues.and(nanMismatch.or(neitherNan.and(far)))).fillNull(true);
}

/**
 * Columns of `columns` whose values differ between `a` and `b` row by row. The frames must have
 * the same height; a column missing from either frame counts as changed at row 0.
 */
export function changedColumns(
  a: pl.DataFrame,
  b: pl.DataFrame,
  columns: readonly string[],
  tol = FLOAT_TOLERANCE,
): ColumnChange[] {
  if (a.height !== b.height) throw new Error(`changedColumns: heights differ (${a.height} vs ${b.height})`);
  const out: ColumnChange[] = [];
  for (const c of columns) {
    if (!a.columns.includes(c) || !b.columns.includes(c)) {
      out.push({ column: c, rows: Math.max(a.height, 1), firstRow: 0 });
      continue;
    }
    if (!a.height) continue;
    const numeric = isNumericDtype(dtypeOf(a, c)) && isNumericDtype(dtypeOf(b, c));
    const pair = pl.DataFrame([a.getColumn(c).rename('__a'), b.getColumn(c).rename('__b')]);
    const mask = pair.select(differs(numeric, tol).alias('__d')).withRowIndex('__i').filter(pl.col('__d'));
    if (mask.height) out.push({ column: c, rows: mask.height, firstRow: Number(mask.getColumn('__i').get(0)) });
  }
  return out;
}
