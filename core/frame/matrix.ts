import pl from 'nodejs-polars';
import { UserError } from '../errors';
import type { FeatureMatrix } from '../base/matrix';
import { SYMBOL, TIMESTAMP } from './dataset';

/** Frame columns -> the column-major Float64 matrix models take; nulls become NaN. */
export function toFeatureMatrix(df: pl.DataFrame, names: string[], cell?: string): FeatureMatrix {
  const missing = names.filter((n) => !df.columns.includes(n));
  if (missing.length) throw new UserError(`feature column(s) not in the frame: ${missing.join(', ')}`, { cell });
  if (!names.length) return { rows: df.height, columns: [], names: [] };
  const m = df.select(...names.map((n) => pl.col(n).cast(pl.Float64).fillNull(pl.lit(NaN))));
  return {
    rows: df.height,
    columns: names.map((n) => m.getColumn(n).toTypedArray() as Float64Array),
    names: [...names],
  };
}

/** One numeric column as Float64 (nulls -> NaN). */
export function toFloat64(df: pl.DataFrame, name: string): Float64Array {
  return df
    .select(pl.col(name).cast(pl.Float64).fillNull(pl.lit(NaN)))
    .getColumn(name)
    .toTypedArray() as Float64Array;
}

const MS_PER_UNIT: Record<string, number> = { ms: 1, us: 1e-3, ns: 1e-6 };

/** The `timestamp` column as epoch milliseconds. */
export function timestampsMs(df: pl.DataFrame): Float64Array {
  const s = df.getColumn(TIMESTAMP);
  const unit = /Datetime\((\w+)/.exec(s.dtype.toString())?.[1] ?? 'ms';
  const raw = df
    .select(pl.col(TIMESTAMP).cast(pl.Int64).cast(pl.Float64))
    .getColumn(TIMESTAMP)
    .toTypedArray() as Float64Array;
  const k = MS_PER_UNIT[unit] ?? 1;
  if (k !== 1) for (let i = 0; i < raw.length; i++) raw[i] *= k;
  return raw;
}

/** Symbol codes 0..k-1 (in order of first appearance) and their names. */
export function symbolCodes(df: pl.DataFrame): { codes: Int32Array; names: string[] } {
  const values = df.getColumn(SYMBOL).toArray() as string[];
  const index = new Map<string, number>();
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let c = index.get(values[i]);
    if (c === undefined) {
      c = index.size;
      index.set(values[i], c);
    }
    codes[i] = c;
  }
  return { codes, names: [...index.keys()] };
}
