/**
 * The checks of a data contract, each a pure function of a frame. Row checks return the offending
 * row indices per broken condition (vectorised filters, no JS row loops); column checks return
 * problems with a column. Policies, quarantine and reporting are in validateReport.ts.
 */
import pl from 'nodejs-polars';
import { castColumn, datetimeZone, describeDtype, dtypeMatches, dtypeOf, isNumericDtype } from './contractTypes';
import type { ColumnType, TimestampParseOptions } from './contractTypes';
import type { Contract } from './contracts';
import { parseDuration } from './contracts';
import type { CheckId } from './closedLists';

export { CHECK_DOCS, CHECK_IDS, type CheckId } from './closedLists';

/** Checks whose offenders are rows (so they can be quarantined). */
export const ROW_CHECKS: ReadonlySet<CheckId> = new Set<CheckId>([
  'dtypes',
  'order',
  'duplicates',
  'finite',
  'ranges',
  'ohlc',
]);

/** Rows breaking one condition. */
export interface Violation {
  column: string;
  /** What is wrong, e.g. 'high < close', 'below min 0', 'not a number'. */
  problem: string;
  /** Columns whose values explain the problem (shown for the first rows). */
  involved: string[];
  /** 0-based row indices (UInt32). */
  rows: pl.Series;
}

/** A column-level finding. */
export interface ColumnProblem {
  column: string;
  message: string;
}

/** A row condition not evaluated yet: `when` is true on offending rows. */
export interface RowCondition {
  column: string;
  problem: string;
  involved: string[];
  when: pl.Expr;
}

export interface CheckOutcome {
  id: CheckId;
  violations: Violation[];
  /** Conditions still to evaluate (see evaluateConditions); they become violations. */
  conditions?: RowCondition[];
  problems: ColumnProblem[];
  /** Why the check could not run (e.g. a needed column is missing). */
  skipped?: string;
}

const ROW = '__row';

/**
 * Evaluates the row conditions of every outcome in one pass over the frame (one select for all
 * masks, then the indices of the conditions that hold somewhere) and turns them into violations.
 */
export function evaluateConditions(frame: pl.DataFrame, outcomes: CheckOutcome[]): CheckOutcome[] {
  const all = outcomes.flatMap((o) => o.conditions ?? []);
  if (!all.length || !frame.height) return outcomes.map((o) => ({ ...o, conditions: undefined }));
  const masks = frame.select(...all.map((c, i) => c.when.fillNull(false).alias(`c${i}`)));
  const hits = masks.sum().row(0).map(Number);
  let k = 0;
  return outcomes.map((o) => {
    const found: Violation[] = [];
    for (const c of o.conditions ?? []) {
      const i = k++;
      if (hits[i] > 0)
        found.push({
          column: c.column,
          problem: c.problem,
          involved: c.involved,
          rows: masks.getColumn(`c${i}`).argTrue().rename(ROW),
        });
    }
    return { ...o, violations: [...o.violations, ...found], conditions: undefined };
  });
}

function outcome(id: CheckId, patch: Partial<CheckOutcome> = {}): CheckOutcome {
  return { id, violations: [], problems: [], ...patch };
}

/** The types every contract implies, plus the contract's own columns. */
export function expectedTypes(contract: Contract): Record<string, ColumnType> {
  const out: Record<string, ColumnType> = { timestamp: 'datetime', symbol: 'string' };
  for (const [c, r] of Object.entries(contract.columns)) out[c] = r.type;
  return out;
}

export function checkColumns(frame: pl.DataFrame, contract: Contract): CheckOutcome {
  const problems: ColumnProblem[] = [];
  for (const [c, r] of Object.entries({
    timestamp: { required: true },
    symbol: { required: true },
    ...contract.columns,
  })) {
    if (r.required && !frame.columns.includes(c))
      problems.push({ column: c, message: `required column '${c}' is missing` });
  }
  return outcome('columns', { problems });
}

/**
 * Types: a column of the right type passes; a text column is read as the type and the cells that
 * do not read are violations; anything else is a column problem. Returns the frame with columns
 * converted (unreadable cells null) for the later checks.
 */
export function checkDtypes(
  frame: pl.DataFrame,
  contract: Contract,
  ts: TimestampParseOptions,
): { outcome: CheckOutcome; frame: pl.DataFrame } {
  const violations: Violation[] = [];
  const problems: ColumnProblem[] = [];
  let out = frame;
  for (const [c, type] of Object.entries(expectedTypes(contract))) {
    if (!frame.columns.includes(c)) continue;
    const dt = dtypeOf(frame, c);
    if (dtypeMatches(dt, type)) continue;
    const cast = castColumn(frame, c, type, ts);
    if (!cast) {
      problems.push({ column: c, message: `column '${c}' has type ${describeDtype(dt)}, expected ${type}` });
      continue;
    }
    out = out.withColumns(cast.values.alias(c));
    if (cast.badCount)
      violations.push({
        column: c,
        problem:
          type === 'datetime'
            ? 'not a timestamp'
            : `not ${type === 'int' ? 'a whole number' : type === 'number' ? 'a number' : type}`,
        involved: [c],
        rows: cast.badRowIndex,
      });
  }
  return { outcome: outcome('dtypes', { violations, problems }), frame: out };
}

export function checkTimezone(frame: pl.DataFrame): CheckOutcome {
  if (!frame.columns.includes('timestamp')) return outcome('timezone', { skipped: 'no timestamp column' });
  const dt = dtypeOf(frame, 'timestamp');
  if (dt.variant !== 'Datetime') return outcome('timezone', { skipped: 'timestamp is not a datetime' });
  const tz = datetimeZone(dt);
  if (tz === 'UTC') return outcome('timezone');
  const message = tz
    ? `timestamps are in time zone ${tz}, not UTC`
    : 'timestamps have no time zone (naive); load them with `timezone:` so they become UTC';
  return outcome('timezone', { problems: [{ column: 'timestamp', message }] });
}

function hasTime(frame: pl.DataFrame): boolean {
  return (
    frame.columns.includes('timestamp') &&
    frame.columns.includes('symbol') &&
    dtypeOf(frame, 'timestamp').variant === 'Datetime'
  );
}

/** Rows with no timestamp or symbol, or a timestamp earlier than one above it for the same symbol. */
export function checkOrder(frame: pl.DataFrame): CheckOutcome {
  if (!hasTime(frame)) return outcome('order', { skipped: 'needs timestamp (datetime) and symbol columns' });
  const prevMax = pl.col('timestamp').cumMax().shift(1).over('symbol');
  return outcome('order', {
    conditions: [
      {
        column: 'timestamp',
        problem: 'timestamp missing',
        involved: ['timestamp'],
        when: pl.col('timestamp').isNull(),
      },
      { column: 'symbol', problem: 'symbol missing', involved: ['symbol'], when: pl.col('symbol').isNull() },
      {
        column: 'timestamp',
        problem: 'earlier than a row above it',
        involved: ['timestamp'],
        when: pl.col('timestamp').lt(prevMax),
      },
    ],
  });
}

/** Every repeat of a (symbol, timestamp) pair after its first appearance. */
export function checkDuplicates(frame: pl.DataFrame): CheckOutcome {
  if (!hasTime(frame)) return outcome('duplicates', { skipped: 'needs timestamp (datetime) and symbol columns' });
  const seen = pl.col('timestamp').cumCount().over('symbol', 'timestamp');
  return outcome('duplicates', {
    conditions: [
      {
        column: 'timestamp',
        problem: 'duplicate timestamp for this symbol',
        involved: ['timestamp'],
        when: pl.col('timestamp').isNotNull().and(seen.gt(1)),
      },
    ],
  });
}

const isFloat = (frame: pl.DataFrame, c: string) => ['Float32', 'Float64'].includes(dtypeOf(frame, c).variant);

/** NaN, inf and -inf in every float column, one condition per column (named in messages and charts). */
export function checkFinite(frame: pl.DataFrame): CheckOutcome {
  const conditions: RowCondition[] = frame.columns
    .filter((c) => isFloat(frame, c))
    .flatMap((c) => [
      { column: c, problem: `${c} is NaN`, involved: [c], when: pl.col(c).isNan() },
      { column: c, problem: `${c} is infinite`, involved: [c], when: pl.col(c).isInfinite() },
    ]);
  return outcome('finite', { conditions });
}

export function checkRanges(frame: pl.DataFrame, contract: Contract): CheckOutcome {
  const conditions: RowCondition[] = [];
  for (const [c, r] of Object.entries(contract.columns)) {
    if (!frame.columns.includes(c) || !isNumericDtype(dtypeOf(frame, c))) continue;
    if (r.min !== undefined)
      conditions.push({ column: c, problem: `below min ${r.min}`, involved: [c], when: pl.col(c).lt(r.min) });
    if (r.max !== undefined)
      conditions.push({ column: c, problem: `above max ${r.max}`, involved: [c], when: pl.col(c).gt(r.max) });
  }
  return outcome('ranges', { conditions });
}

export function checkOhlc(frame: pl.DataFrame, contract: Contract): CheckOutcome {
  if (!contract.ohlc) return outcome('ohlc', { skipped: 'the contract has no OHLC columns' });
  const has = (c: string) => frame.columns.includes(c) && isNumericDtype(dtypeOf(frame, c));
  const rules: [string, string, string, (a: pl.Expr, b: pl.Expr) => pl.Expr][] = [
    ['low', 'high', 'low > high', (a, b) => a.gt(b)],
    ['open', 'low', 'open < low', (a, b) => a.lt(b)],
    ['close', 'low', 'close < low', (a, b) => a.lt(b)],
    ['open', 'high', 'open > high', (a, b) => a.gt(b)],
    ['close', 'high', 'close > high', (a, b) => a.gt(b)],
  ];
  const conditions: RowCondition[] = [];
  // Relations hold among finite values (a NaN is the `finite` check's); the row is charged to the
  // column the message names first ('close > high' is a fault of close).
  const finite = (c: string) => (isFloat(frame, c) ? pl.col(c).isFinite() : pl.lit(true));
  for (const [a, b, problem, broken] of rules) {
    if (has(a) && has(b))
      conditions.push({
        column: a,
        problem,
        involved: [a, b],
        when: finite(a)
          .and(finite(b))
          .and(broken(pl.col(a), pl.col(b))),
      });
  }
  if (has('volume'))
    conditions.push({
      column: 'volume',
      problem: 'volume < 0',
      involved: ['volume'],
      when: finite('volume').and(pl.col('volume').lt(0)),
    });
  return outcome('ohlc', { conditions });
}

export interface ColumnMissing {
  dtype: string;
  nulls: number;
  null_rate: number;
  max_null_rate: number | null;
}

/**
 * Null count and rate of every column, with the limit that applies to it. Nulls are counted in the
 * input (a cell that is present but unreadable is a `dtypes` offence, not a missing value); types
 * are those after conversion.
 */
export function missingReport(
  input: pl.DataFrame,
  typed: pl.DataFrame,
  contract: Contract,
  cellMaxNullRate?: number,
): Record<string, ColumnMissing> {
  const out: Record<string, ColumnMissing> = {};
  if (!input.width) return out;
  const counts = input.nullCount().row(0).map(Number);
  input.columns.forEach((c, i) => {
    const rule = contract.columns[c];
    // missing timestamps / symbols are row offences of the `order` check
    const limit =
      c === 'timestamp' || c === 'symbol'
        ? null
        : rule
          ? (cellMaxNullRate ?? rule.maxNullRate ?? contract.maxNullRate)
          : (cellMaxNullRate ?? null);
    out[c] = {
      dtype: describeDtype(dtypeOf(typed, c)),
      nulls: counts[i],
      null_rate: input.height ? counts[i] / input.height : 0,
      max_null_rate: limit,
    };
  });
  return out;
}

export function checkNulls(missing: Record<string, ColumnMissing>): CheckOutcome {
  const problems: ColumnProblem[] = [];
  for (const [c, m] of Object.entries(missing)) {
    if (m.max_null_rate !== null && m.null_rate > m.max_null_rate) {
      problems.push({
        column: c,
        message:
          `column '${c}' is ${(100 * m.null_rate).toFixed(2)}% null (${m.nulls} rows), above max_null_rate ` +
          `${m.max_null_rate}`,
      });
    }
  }
  return outcome('nulls', { problems });
}

function formatAge(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  return h >= 48
    ? `${Math.floor(h / 24)}d ${h % 24}h`
    : h >= 1
      ? `${h}h ${Math.floor((ms % 3_600_000) / 60_000)}m`
      : `${Math.round(ms / 60_000)}m`;
}

/** Per symbol, the newest timestamp must be no older than maxAge before `now`. */
export function checkFreshness(frame: pl.DataFrame, maxAge: string | undefined, now: Date): CheckOutcome {
  if (!maxAge) return outcome('freshness', { skipped: 'no max_age' });
  if (!hasTime(frame)) return outcome('freshness', { skipped: 'needs timestamp (datetime) and symbol columns' });
  const limit = parseDuration(maxAge, 'max_age');
  const newest = frame.groupBy('symbol').agg(pl.col('timestamp').max().alias('newest')).sort('symbol');
  const problems: ColumnProblem[] = [];
  for (const r of newest.toRecords()) {
    const v: unknown = r.newest;
    const ts = v instanceof Date ? v : undefined;
    const age = ts ? now.getTime() - ts.getTime() : Infinity;
    if (age > limit) {
      problems.push({
        column: 'timestamp',
        message:
          `symbol ${String(r.symbol)}: newest row ` +
          `${ts ? `${ts.toISOString()} is ${formatAge(age)} old` : 'has no timestamp'} (max_age ${maxAge}, now ` +
          `${now.toISOString()})`,
      });
    }
  }
  return outcome('freshness', { problems });
}
