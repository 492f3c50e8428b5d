/**
 * The closed lists of the frame layer that key specs name (scaler methods, source formats, column
 * types, validation checks and policies, rolling statistics, built-in contracts), free of the frame
 * library so the light phase schemas (core/phases/specs/) and the editor load without it. The modules
 * that implement them import their list from here.
 */
export type ScaleMethod = 'standard' | 'minmax' | 'robust';
export const SCALE_METHODS: readonly ScaleMethod[] = ['standard', 'minmax', 'robust'];

export type SourceFormat = 'csv' | 'parquet';
export const SOURCE_FORMATS: readonly SourceFormat[] = ['csv', 'parquet'];

/** Types a contract or a `columns:` key may ask for. `float` is an alias of `number`. */
export const COLUMN_TYPE_NAMES = ['number', 'float', 'int', 'string', 'bool', 'datetime'] as const;
export type ColumnTypeName = (typeof COLUMN_TYPE_NAMES)[number];

export const MAX_ROLLING_WINDOW = 32767;
export const ROLLING_STATS = ['mean', 'std', 'min', 'max', 'zscore'] as const;
export type RollingStat = (typeof ROLLING_STATS)[number];

export const POLICIES = ['fail', 'warn', 'quarantine'] as const;
export type Policy = (typeof POLICIES)[number];

/** The built-in data contracts, by name (core/frame/contracts.ts defines each; a unit test keeps them in step). */
export const BUILTIN_CONTRACT_NAMES = [
  'ohlcv',
  'open_interest',
  'funding',
  'liquidations',
  'long_short_ratio',
] as const;

export const CHECK_IDS = [
  'columns',
  'dtypes',
  'timezone',
  'order',
  'duplicates',
  'finite',
  'ranges',
  'ohlc',
  'nulls',
  'freshness',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/** One line per check, for the `policy:` key's doc. */
export const CHECK_DOCS: Record<CheckId, string> = {
  columns: 'required columns are present',
  dtypes: 'columns have their contract type (text cells that do not read as it are offending rows)',
  timezone: 'timestamps are Datetime in UTC',
  order: 'timestamp and symbol are present and timestamps increase per symbol (no row earlier than one above it)',
  duplicates: 'no (symbol, timestamp) pair appears twice',
  finite: 'numeric values are finite (no NaN, inf or -inf)',
  ranges: 'values lie within the contract min/max',
  ohlc:
    'low <= open, close <= high; low <= high; volume >= 0 (among finite values; the offending column is the ' +
    'first one named)',
  nulls: 'null rate per column is at most max_null_rate',
  freshness: 'the newest row of every symbol is at most max_age old',
};
