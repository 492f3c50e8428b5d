/**
 * Reading 64-bit integers (Int64, UInt64, Datetime, Duration) out of nodejs-polars into
 * JavaScript. `Series.get(i)` on an Int64 series returns the low 32 bits (1647018000000 ->
 * 2045525632), and `toArray()` / `row()` round above 2^53 without a word; only the typed-array
 * path (BigInt64Array) is exact. Every integer value read into JS goes through here.
 */
import pl from 'nodejs-polars';

const WIDE = /^(Int64|UInt64|Datetime|Duration|Time)/;

function isWide(s: pl.Series): boolean {
  return WIDE.test(String(s.dtype).replace(/^DataType\(/, ''));
}

/** The exact value at row i as a bigint (null for a null); any integer-like dtype. */
export function int64ExactAt(s: pl.Series, i: number): bigint | null {
  if (i < 0 || i >= s.length) throw new RangeError(`row ${i} is outside ${s.name} (${s.length} rows)`);
  const one = s.slice(i, 1);
  if (one.nullCount() > 0) return null;
  if (!isWide(one)) {
    const v = one.get(0) as number | bigint | boolean;
    return BigInt(typeof v === 'boolean' ? Number(v) : v);
  }
  const signed = !/UInt64/.test(String(one.dtype));
  const typed = (signed ? one.cast(pl.Int64) : one).toTypedArray() as BigInt64Array | BigUint64Array;
  return typed[0];
}

/**
 * The value at row i as a number, exact (null for a null). A value beyond ±(2^53 - 1) cannot be a
 * JS number: that throws, naming `what`, rather than handing back a rounded one.
 */
export function int64At(s: pl.Series, i: number, what = s.name): number | null {
  const v = int64ExactAt(s, i);
  if (v === null) return null;
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(-Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`${what}: ${v} is beyond 2^53 and cannot be read exactly as a number`);
  }
  return Number(v);
}

/** The first value of a one-row aggregate (count, min, max of a timestamp), exact; null -> `dflt`. */
export function scalarInt(df: pl.DataFrame, column: string, dflt: number | null = null): number | null {
  return df.height ? (int64At(df.getColumn(column), 0, column) ?? dflt) : dflt;
}

/** A whole integer column as numbers (nulls kept), exact; throws beyond 2^53 like int64At. */
export function int64Values(s: pl.Series, what = s.name): (number | null)[] {
  if (!isWide(s)) return (s.toArray() as (number | bigint | null)[]).map((v) => (v === null ? null : Number(v)));
  const nulls = s.isNull().toArray() as boolean[];
  const signed = !/UInt64/.test(String(s.dtype));
  const typed = ((signed ? s.cast(pl.Int64) : s).fillNull('zero') as pl.Series).toTypedArray() as
    BigInt64Array | BigUint64Array;
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  const out: (number | null)[] = new Array(typed.length);
  for (let i = 0; i < typed.length; i++) {
    if (nulls[i]) out[i] = null;
    else if (typed[i] > max || typed[i] < -max)
      throw new RangeError(`${what}: ${typed[i]} at row ${i} is beyond 2^53 and cannot be read exactly as a number`);
    else out[i] = Number(typed[i]);
  }
  return out;
}
