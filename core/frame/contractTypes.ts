/**
 * Column types of data contracts and the strict reading of text cells into them.
 *
 * CSV files are read as text (every column Utf8) and then cast here, so a corrupted cell (`abc` in
 * a price column) is found and reported by its row instead of being silently turned into null.
 * Everything is vectorised: a cast is one polars expression, bad rows are a filter.
 */
import pl from 'nodejs-polars';
import type { DataType } from 'nodejs-polars';
import { int64Values } from './int64';
import type { ColumnTypeName } from './closedLists';

export { COLUMN_TYPE_NAMES, type ColumnTypeName } from './closedLists';

/** Types a contract or a `columns:` key may ask for. `float` is an alias of `number`. */
export type ColumnType = 'number' | 'int' | 'string' | 'bool' | 'datetime';

export function normaliseColumnType(name: ColumnTypeName): ColumnType {
  return name === 'float' ? 'number' : name;
}

const INTEGER_VARIANTS = new Set(['Int8', 'Int16', 'Int32', 'Int64', 'UInt8', 'UInt16', 'UInt32', 'UInt64']);
const FLOAT_VARIANTS = new Set(['Float32', 'Float64', 'Decimal']);

/** The dtype of a column without materialising the column (cheaper than getColumn(c).dtype). */
export function dtypeOf(frame: pl.DataFrame, column: string): DataType {
  const i = frame.columns.indexOf(column);
  if (i < 0) throw new Error(`no column '${column}'`);
  return frame.dtypes[i];
}

export function isTextDtype(dt: DataType): boolean {
  return dt.variant === 'String' || dt.variant === 'Utf8' || dt.variant === 'Categorical';
}

export function isNumericDtype(dt: DataType): boolean {
  return INTEGER_VARIANTS.has(dt.variant) || FLOAT_VARIANTS.has(dt.variant);
}

/** Time zone of a Datetime dtype (undefined when naive or not a datetime). */
export function datetimeZone(dt: DataType): string | undefined {
  if (dt.variant !== 'Datetime') return undefined;
  const inner = (dt as unknown as { inner: unknown[] }).inner;
  const tz = inner[1];
  return typeof tz === 'string' && tz ? tz : undefined;
}

/** Human name of a dtype: 'Float64', 'String', 'Datetime(ms, UTC)'. */
export function describeDtype(dt: DataType): string {
  if (dt.variant === 'Datetime') {
    const inner = (dt as unknown as { inner: unknown[] }).inner;
    return `Datetime(${String(inner[0])}${datetimeZone(dt) ? `, ${datetimeZone(dt)}` : ''})`;
  }
  return dt.variant === 'Utf8' ? 'String' : dt.variant;
}

/** Whether a column of dtype `dt` already holds values of the contract type `t`. */
export function dtypeMatches(dt: DataType, t: ColumnType): boolean {
  switch (t) {
    case 'number':
      return isNumericDtype(dt);
    case 'int':
      return INTEGER_VARIANTS.has(dt.variant);
    case 'string':
      return isTextDtype(dt);
    case 'bool':
      return dt.variant === 'Bool';
    case 'datetime':
      return dt.variant === 'Datetime';
  }
}

export interface TimestampParseOptions {
  /** strftime format (chrono). Without it: ISO-8601 with or without offset, date only, or epoch numbers. */
  format?: string;
  /** Zone of timestamps written without an offset. Default UTC. */
  timezone?: string;
}

const UTC_MS = pl.Datetime('ms', 'UTC');

/**
 * An expression turning text into Datetime(ms, UTC). Without a format it accepts, per value:
 * `2024-01-01T10:00:00[.fff][Z|+02:00|+0200]` (a space may replace the `T`; seconds may be left
 * out), `2024-01-01`, and integers read as epoch seconds / ms / us / ns told apart by magnitude.
 * Values without an offset are read in `timezone` (default UTC). Unreadable values become null —
 * callers compare with the input's nulls to find them.
 */
export function parseTimestampText(text: pl.Expr, opts: TimestampParseOptions = {}): pl.Expr {
  const tz = opts.timezone ?? 'UTC';
  if (opts.format) {
    const parsed = text.str.strip().str.strptime(pl.Datetime('ms'), opts.format);
    const aware = /%[#:]?z|%\+/.test(opts.format);
    return (aware ? parsed.dt.convertTimeZone('UTC') : parsed.dt.replaceTimeZone(tz).dt.convertTimeZone('UTC')).cast(
      UTC_MS,
    );
  }
  const n = text.str
    .strip()
    .str.replace('^(\\d{4}-\\d{2}-\\d{2})[ T]', '${1}T')
    .str.replace('^(\\d{4}-\\d{2}-\\d{2})$', '${1}T00:00:00')
    .str.replace('T(\\d{2}:\\d{2})($|[Z+-])', 'T${1}:00${2}')
    .str.replace('Z$', '+00:00')
    .str.replace('([+-]\\d{2})(\\d{2})$', '${1}:${2}');
  const epoch = n.cast(pl.Int64, false);
  const abs = epoch.abs();
  const epochMs = pl
    .when(abs.lt(1e11))
    .then(epoch.mul(1000))
    .when(abs.lt(1e14))
    .then(epoch)
    .when(abs.lt(1e17))
    .then(epoch.div(1000).floor().cast(pl.Int64))
    .otherwise(epoch.div(1_000_000).floor().cast(pl.Int64));
  return pl
    .when(n.str.contains('^-?\\d+$'))
    .then(epochMs.cast(pl.Datetime('ms')).dt.replaceTimeZone('UTC'))
    .when(n.str.contains('[+-]\\d{2}:\\d{2}$'))
    .then(n.str.strptime(pl.Datetime('ms'), '%Y-%m-%dT%H:%M:%S%.f%:z').dt.convertTimeZone('UTC'))
    .otherwise(
      n.str.strptime(pl.Datetime('ms'), '%Y-%m-%dT%H:%M:%S%.f').dt.replaceTimeZone(tz).dt.convertTimeZone('UTC'),
    )
    .cast(UTC_MS);
}

/**
 * Most files use one layout throughout. Trying the two usual ones first (RFC 3339 with offset or
 * Z; naive `YYYY-MM-DD[T ]HH:MM:SS[.f]` when no value has an offset) is ~10x faster than the
 * general per-value parse. Returns the parsed values when one layout reads every value, else
 * undefined.
 */
function fastTimestamps(frame: pl.DataFrame, column: string, ts: TimestampParseOptions): pl.Series | undefined {
  const text = pl.col(column).cast(pl.Utf8);
  const probe = frame
    .select(
      text.isNotNull().sum().alias('n'),
      text.str.contains('(Z|[+-]\\d{2}:?\\d{2})$').sum().alias('offsets'),
      text.str.contains('^\\d{4}-\\d{2}-\\d{2}T').sum().alias('t'),
      text.str.contains('^\\d{4}-\\d{2}-\\d{2} ').sum().alias('space'),
    )
    .row(0)
    .map(Number);
  const [n, offsets, tSep, spaceSep] = probe;
  if (n === 0) return undefined;
  let candidate: pl.Expr | undefined;
  if (offsets === n && tSep === n)
    candidate = text.str.strptime(pl.Datetime('ms'), '%+').dt.convertTimeZone('UTC').cast(UTC_MS);
  else if (offsets === 0 && (tSep === n || spaceSep === n)) {
    const fmt = tSep === n ? '%Y-%m-%dT%H:%M:%S%.f' : '%Y-%m-%d %H:%M:%S%.f';
    candidate = text.str
      .strptime(pl.Datetime('ms'), fmt)
      .dt.replaceTimeZone(ts.timezone ?? 'UTC')
      .dt.convertTimeZone('UTC')
      .cast(UTC_MS);
  }
  if (!candidate) return undefined;
  const values = frame.select(candidate.alias(column)).getColumn(column);
  return values.nullCount() === frame.height - n ? values : undefined;
}

/** An expression turning a column of any dtype into Datetime(ms, UTC). */
export function timestampExpr(column: string, dt: DataType, opts: TimestampParseOptions = {}): pl.Expr {
  const c = pl.col(column);
  if (isTextDtype(dt)) return parseTimestampText(c.cast(pl.Utf8), opts);
  if (dt.variant === 'Datetime') {
    const tz = datetimeZone(dt);
    return (
      tz ? c.dt.convertTimeZone('UTC') : c.dt.replaceTimeZone(opts.timezone ?? 'UTC').dt.convertTimeZone('UTC')
    ).cast(UTC_MS);
  }
  if (dt.variant === 'Date') return c.cast(pl.Datetime('ms')).dt.replaceTimeZone('UTC').cast(UTC_MS);
  if (isNumericDtype(dt)) return parseTimestampText(c.cast(pl.Int64, false).cast(pl.Utf8), opts);
  return pl.lit(null).cast(UTC_MS);
}

/** An expression reading text as the contract type (null where it cannot). */
export function parseTextAs(text: pl.Expr, t: ColumnType, ts: TimestampParseOptions = {}): pl.Expr {
  const s = text.str.strip();
  switch (t) {
    case 'number':
      return s.cast(pl.Float64, false);
    case 'int':
      return s.cast(pl.Int64, false);
    case 'string':
      return text;
    case 'bool': {
      const l = s.str.toLowerCase();
      return pl
        .when(l.isIn(['true', '1', 'yes']))
        .then(pl.lit(true))
        .when(l.isIn(['false', '0', 'no']))
        .then(pl.lit(false))
        .otherwise(pl.lit(null))
        .cast(pl.Bool);
    }
    case 'datetime':
      return parseTimestampText(text, ts);
  }
}

export interface CastOutcome {
  /** The column, converted (null where a value could not be read). */
  values: pl.Series;
  /** 0-based row indices whose non-empty value could not be read. */
  badRows: number[];
  /** Number of bad rows (badRows holds at most `limit`). */
  badCount: number;
  /** Every bad row index (UInt32), for filtering. */
  badRowIndex: pl.Series;
}

/**
 * Converts `column` of `frame` to the contract type, finding the rows whose value cannot be read.
 * Columns that already have the type are returned unchanged. Returns undefined when the column's
 * dtype cannot be converted at all (e.g. a datetime asked to be a number).
 */
export function castColumn(
  frame: pl.DataFrame,
  column: string,
  t: ColumnType,
  ts: TimestampParseOptions = {},
  limit = 20,
): CastOutcome | undefined {
  const dt = dtypeOf(frame, column);
  if (isTextDtype(dt) && t === 'datetime' && !ts.format) {
    const fast = fastTimestamps(frame, column, ts);
    if (fast) return { values: fast, badRows: [], badCount: 0, badRowIndex: pl.Series('__row', [], pl.UInt32) };
  }
  let expr: pl.Expr;
  if (dtypeMatches(dt, t)) expr = pl.col(column);
  else if (isTextDtype(dt)) expr = parseTextAs(pl.col(column).cast(pl.Utf8), t, ts);
  else if (t === 'number' && dt.variant === 'Bool') return undefined;
  else if (t === 'datetime') expr = timestampExpr(column, dt, ts);
  else if (t === 'string') expr = pl.col(column).cast(pl.Utf8);
  else if (t === 'int' && isNumericDtype(dt))
    expr = pl
      .when(pl.col(column).eq(pl.col(column).floor()))
      .then(pl.col(column).cast(pl.Int64, false))
      .otherwise(pl.lit(null).cast(pl.Int64));
  else return undefined;
  const out = frame
    .withRowIndex('__row')
    .select(pl.col('__row'), pl.col(column).isNotNull().alias('__had'), expr.alias(column));
  const bad = out.filter(pl.col('__had').and(pl.col(column).isNull()));
  return {
    values: out.getColumn(column),
    badRows: int64Values(bad.getColumn('__row').head(limit)) as number[],
    badCount: bad.height,
    badRowIndex: bad.getColumn('__row'),
  };
}
