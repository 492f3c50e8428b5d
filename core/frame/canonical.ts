/**
 * The canonical frame of a data source (docs/design.md §5.2.1): `timestamp` Datetime(ms, UTC) and `symbol` Utf8,
 * the other columns cast to their declared types or inferred; a cell that does not read as its type is a
 * ValidationError naming the file, line and value (through the row origin columns io.ts attaches). Sorted by
 * symbol then timestamp.
 */
import pl from 'nodejs-polars';
import { UserError, ValidationError } from '../errors';
import { castColumn, describeDtype, dtypeOf, isTextDtype, parseTextAs } from './contractTypes';
import type { ColumnType, TimestampParseOptions } from './contractTypes';
import { missingColumnDetails, ORIGIN_COLUMNS, ORIGIN_FILE, ORIGIN_LINE, ORIGIN_ROW } from './io';

export interface CanonicalOptions {
  /** Source name of the timestamp column (for messages). */
  timestampSource: string;
  timestampParse: TimestampParseOptions;
  /** Columns that must read as a type (strict: a bad cell is a ValidationError). */
  columns?: Record<string, ColumnType>;
  /** Give other text columns the narrowest type every value reads as (Int64, Float64, else text). */
  inferTypes: boolean;
  /** `throw`: a bad timestamp is a ValidationError; `keep`: it stays null and is returned. */
  badTimestamps: 'throw' | 'keep';
}

export interface CanonicalFrame {
  /** With origin columns still attached. */
  frame: pl.DataFrame;
  /** 0-based rows whose timestamp could not be read (only with badTimestamps: keep). */
  badTimestampRows: number[];
  badTimestampCount: number;
  warnings: string[];
}

/** First offending rows, as "file line 3: 'abc'" lines, read from the origin columns. */
export function describeRows(frame: pl.DataFrame, rows: number[], column: string, limit = 5): string[] {
  const sub = frame.withRowIndex('__r').filter(pl.col('__r').isIn(rows.slice(0, limit)));
  const recs = sub
    .select(
      pl.col(column).cast(pl.Utf8).alias('v'),
      ...ORIGIN_COLUMNS.filter((c) => frame.columns.includes(c)).map((c) => pl.col(c)),
    )
    .toRecords();
  return recs.map((r) => {
    const where = r[ORIGIN_FILE]
      ? `${String(r[ORIGIN_FILE])} ` +
        `${r[ORIGIN_LINE] ? `line ${String(r[ORIGIN_LINE])}` : `row ${String(r[ORIGIN_ROW])}`}`
      : 'row';
    return `${where}: '${String(r.v)}'`;
  });
}

function badCellError(
  frame: pl.DataFrame,
  rows: number[],
  count: number,
  column: string,
  sourceColumn: string,
  what: string,
): ValidationError {
  const first = frame.row(rows[0]);
  const names = frame.columns;
  const get = (c: string) => (names.includes(c) ? first[names.indexOf(c)] : undefined);
  const file = get(ORIGIN_FILE);
  const line = get(ORIGIN_LINE);
  const row = get(ORIGIN_ROW);
  const value = get(column);
  return new ValidationError(
    `${count} value${count === 1 ? '' : 's'} in column '${sourceColumn}' ${count === 1 ? 'is' : 'are'} not ` +
      `${what}: '${String(value)}'`,
    {
      file: file ? String(file) : undefined,
      line: line !== undefined && line !== null ? Number(line) : undefined,
      row: row !== undefined && row !== null ? Number(row) : rows[0] + 1,
      dataColumn: sourceColumn,
    },
    describeRows(frame, rows, column),
  );
}

const TYPE_WORDS: Record<ColumnType, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  bool: 'true/false',
  datetime: 'a timestamp',
};

/** Parses the timestamp, casts declared columns strictly, infers the rest. Row order is kept. */
export function canonicalise(input: pl.DataFrame, opts: CanonicalOptions): CanonicalFrame {
  let frame = input;
  const warnings: string[] = [];
  const ts = castColumn(frame, 'timestamp', 'datetime', opts.timestampParse);
  if (!ts)
    throw new UserError(
      `timestamp column '${opts.timestampSource}' has type ${describeDtype(dtypeOf(frame, 'timestamp'))}, ` +
        `which is not a time`,
      { key: 'timestamp' },
    );
  if (ts.badCount && opts.badTimestamps === 'throw') {
    const e = badCellError(frame, ts.badRows, ts.badCount, 'timestamp', opts.timestampSource, 'a timestamp');
    e.details.push(
      'timestamps are read as ISO-8601 (with or without offset), dates or epoch numbers; set ' +
        '`timestamp_format:` for other layouts',
    );
    throw e;
  }
  frame = frame.withColumns(ts.values.alias('timestamp'), pl.col('symbol').cast(pl.Utf8));
  for (const [col, t] of Object.entries(opts.columns ?? {})) {
    if (!frame.columns.includes(col))
      throw new UserError(
        `column '${col}' (in \`columns:\`) not found`,
        { key: 'columns' },
        missingColumnDetails(col, frame.columns),
      );
    const out = castColumn(frame, col, t, opts.timestampParse);
    if (!out)
      throw new ValidationError(
        `column '${col}' has type ${describeDtype(dtypeOf(frame, col))}, which cannot be read as ${TYPE_WORDS[t]}`,
        { dataColumn: col },
      );
    if (out.badCount) throw badCellError(frame, out.badRows, out.badCount, col, col, TYPE_WORDS[t]);
    frame = frame.withColumns(out.values.alias(col));
  }
  if (opts.inferTypes) {
    const text = frame.columns.filter(
      (c) =>
        !ORIGIN_COLUMNS.includes(c) &&
        c !== 'timestamp' &&
        c !== 'symbol' &&
        !(c in (opts.columns ?? {})) &&
        isTextDtype(dtypeOf(frame, c)),
    );
    if (text.length) {
      const counts = frame
        .select(
          ...text.flatMap((c) => [
            pl.col(c).isNotNull().sum().alias(`${c}\u0000n`),
            parseTextAs(pl.col(c), 'int').isNotNull().sum().alias(`${c}\u0000i`),
            parseTextAs(pl.col(c), 'number').isNotNull().sum().alias(`${c}\u0000f`),
          ]),
        )
        .row(0)
        .map(Number);
      text.forEach((c, k) => {
        const [n, i, f] = counts.slice(3 * k, 3 * k + 3);
        if (n === 0) return;
        if (i === n) frame = frame.withColumns(parseTextAs(pl.col(c), 'int').alias(c));
        else if (f === n) frame = frame.withColumns(parseTextAs(pl.col(c), 'number').alias(c));
        else if (f > 0 && f >= n / 2) {
          const bad = castColumn(frame, c, 'number');
          const rows = bad ? describeRows(frame, bad.badRows, c, 3) : [];
          warnings.push(
            `column '${c}': ${n - f} value${n - f === 1 ? ' is' : 's are'} not a number ` +
              `(${rows.join('; ')}); the column is kept as text — \`validate\` reports such rows`,
          );
        }
      });
    }
  }
  return { frame, badTimestampRows: ts.badRows, badTimestampCount: ts.badCount, warnings };
}

/** Sorted by symbol then timestamp, keeping file order among equal keys. */
export function sortCanonical(frame: pl.DataFrame): pl.DataFrame {
  return frame.sort({ by: ['symbol', 'timestamp'], maintainOrder: true, nullsLast: true });
}
