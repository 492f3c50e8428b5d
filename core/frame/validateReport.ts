/**
 * Applying a contract: runs every check, applies the per-check policy (fail | warn | quarantine),
 * splits clean from quarantined rows, and builds the validation report and the ValidationError
 * that names the first offending rows.
 */
import pl from 'nodejs-polars';
import { UserError, ValidationError } from '../errors';
import type { ErrorLocation } from '../errors';
import { closest, didYouMean } from '../base/schema';
import type { TimestampParseOptions } from './contractTypes';
import type { Contract } from './contracts';
import { ORIGIN_FILE, ORIGIN_LINE, ORIGIN_ROW, originFrame, rowOrigins, splitOrigin } from './io';
import {
  CHECK_DOCS,
  CHECK_IDS,
  ROW_CHECKS,
  checkColumns,
  checkDtypes,
  checkDuplicates,
  checkFinite,
  checkFreshness,
  checkNulls,
  checkOhlc,
  checkOrder,
  checkRanges,
  checkTimezone,
  evaluateConditions,
  missingReport,
} from './validateChecks';
import type { CheckId, CheckOutcome, ColumnMissing, ColumnProblem } from './validateChecks';
import { POLICIES, type Policy } from './closedLists';

export { POLICIES, type Policy };

export type PolicyMap = Partial<Record<CheckId, Policy>>;
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'quarantined' | 'skipped';

export interface OffendingRow {
  /** 1-based row of the validated frame. */
  row: number;
  file?: string;
  /** 1-based line in the source file (text files). */
  line?: number | null;
  /** 1-based data row in the source file. */
  source_row?: number;
  symbol: string | null;
  timestamp: string | null;
  column: string;
  problem: string;
  values: Record<string, string | number | boolean | null>;
}

export interface CheckReport {
  id: CheckId;
  description: string;
  policy: Policy;
  status: CheckStatus;
  /** Offending rows (row checks) or problems (column checks). */
  count: number;
  message: string;
  first_rows: OffendingRow[];
  problems: ColumnProblem[];
}

/** Offending rows of one row check in one column (what the anomalies chart draws). */
export interface ColumnAnomaly {
  column: string;
  check: CheckId;
  /** Distinct rows of the checked frame this check flagged in this column. */
  count: number;
}

export interface ValidationReport {
  contract: string;
  contract_file?: string;
  description: string;
  cell?: string;
  sources: string[];
  rows: number;
  rows_clean: number;
  quarantined: number;
  quarantine_file?: string;
  passed: boolean;
  /** The `now` freshness was measured against (only when freshness ran). */
  now?: string;
  /** Per-column missing report. */
  columns: Record<string, ColumnMissing>;
  checks: CheckReport[];
  /** Offending rows per column and row check (checks that ran and found rows; most first). */
  anomalies: ColumnAnomaly[];
  /** What reading the file dropped before the checks ran (CSV rows quarantined for their field count). */
  read_warnings?: string[];
}

export interface ContractRunOptions {
  contract: Contract;
  policy?: PolicyMap;
  /** Cell-level null-rate limit for every column (overrides the contract). */
  maxNullRate?: number;
  /** Cell-level freshness limit (overrides the contract). */
  maxAge?: string;
  now?: Date;
  timestampParse?: TimestampParseOptions;
  sources?: string[];
  cell?: string;
  /** Source names of renamed columns (timestamp -> ts), for messages. */
  sourceNames?: Record<string, string>;
  firstRows?: number;
}

export interface ContractOutcome {
  report: ValidationReport;
  /** Rows that passed (or only warned), columns converted to their contract types. */
  clean: pl.DataFrame;
  /** Quarantined rows as they came in, with `quarantine_reason` and source file/row/line. */
  quarantined: pl.DataFrame;
}

/** Reads a `policy:` value: one policy for every check, or `{ check: policy }`. */
export function parsePolicy(value: unknown): PolicyMap {
  if (value === undefined || value === null) return {};
  const isPolicy = (v: unknown): v is Policy => typeof v === 'string' && (POLICIES as readonly string[]).includes(v);
  if (typeof value === 'string') {
    if (!isPolicy(value))
      throw new UserError(`unknown policy '${value}' (use fail, warn or quarantine)`, { key: 'policy' });
    return Object.fromEntries(
      CHECK_IDS.map((id) => [id, value === 'quarantine' && !ROW_CHECKS.has(id) ? 'fail' : value]),
    );
  }
  if (typeof value !== 'object' || Array.isArray(value))
    throw new UserError('`policy:` must be fail | warn | quarantine, or a mapping { check: policy }', {
      key: 'policy',
    });
  const out: PolicyMap = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (!(CHECK_IDS as readonly string[]).includes(k)) {
      const near = closest(k, CHECK_IDS);
      throw new UserError(`unknown check '${k}' in policy${didYouMean(near)}`, { key: 'policy' }, [
        `checks: ${CHECK_IDS.join(', ')}`,
      ]);
    }
    if (!isPolicy(v))
      throw new UserError(`policy of '${k}' must be fail, warn or quarantine, got '${String(v)}'`, { key: 'policy' });
    if (v === 'quarantine' && !ROW_CHECKS.has(k as CheckId)) {
      throw new UserError(`'${k}' is a column check and cannot quarantine rows (use fail or warn)`, { key: 'policy' }, [
        `row checks: ${[...ROW_CHECKS].join(', ')}`,
      ]);
    }
    out[k as CheckId] = v;
  }
  return out;
}

function plain(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  return String(v);
}

function violationFrame(o: CheckOutcome): pl.DataFrame | undefined {
  if (!o.violations.length) return undefined;
  return pl.concat(
    o.violations.map((v) =>
      pl
        .DataFrame([v.rows.cast(pl.UInt32).rename('__row')])
        .withColumns(
          pl.lit(o.id).alias('check'),
          pl.lit(v.column).alias('column'),
          pl.lit(v.problem).alias('problem'),
          pl.lit(v.involved.join(',')).alias('involved'),
        ),
    ),
  );
}

/** Distinct offending rows per column of one check's violations, most first. */
function columnAnomalies(id: CheckId, offenders: pl.DataFrame): ColumnAnomaly[] {
  return offenders
    .groupBy('column')
    .agg(pl.col('__row').nUnique().cast(pl.Float64).alias('count'))
    .sort(['count', 'column'], [true, false])
    .toRecords()
    .map((r) => ({ column: String(r.column), check: id, count: Number(r.count) }));
}

function firstRows(input: pl.DataFrame, offenders: pl.DataFrame, n: number): OffendingRow[] {
  const first = offenders
    .sort('__row', false, true, true)
    .unique({ subset: '__row', keep: 'first', maintainOrder: true })
    .head(n)
    .toRecords();
  const rows = first.map((r) => Number(r.__row));
  const origins = rowOrigins(input, rows);
  const cols = input.columns;
  return first.map((r, k) => {
    const values = input.row(rows[k]);
    const get = (c: string) => (cols.includes(c) ? plain(values[cols.indexOf(c)]) : null);
    const o = origins[k];
    return {
      row: rows[k] + 1,
      ...(o ? { file: o.file, line: o.line, source_row: o.row } : {}),
      symbol: get('symbol') === null ? null : String(get('symbol')),
      timestamp: get('timestamp') === null ? null : String(get('timestamp')),
      column: String(r.column),
      problem: String(r.problem),
      values: Object.fromEntries(
        String(r.involved)
          .split(',')
          .filter(Boolean)
          .map((c) => [c, get(c)]),
      ),
    };
  });
}

function statusOf(o: CheckOutcome, count: number, policy: Policy): CheckStatus {
  if (o.skipped) return 'skipped';
  if (!count) return 'pass';
  return policy === 'fail' ? 'fail' : policy === 'warn' ? 'warn' : 'quarantined';
}

function messageOf(o: CheckOutcome, count: number): string {
  if (o.skipped) return `skipped: ${o.skipped}`;
  if (!count) return 'ok';
  if (o.problems.length) return o.problems.map((p) => p.message).join('; ');
  const kinds = [
    ...new Set(
      o.violations.map((v) => `${v.problem}${v.column && !v.problem.includes(v.column) ? ` (${v.column})` : ''}`),
    ),
  ];
  return `${count} row${count === 1 ? '' : 's'}: ${kinds.join(', ')}`;
}

/** Runs every check of the contract on `frame` and applies the policies. Never throws for bad data. */
export function applyContract(frame: pl.DataFrame, opts: ContractRunOptions): ContractOutcome {
  const { contract } = opts;
  const policy = opts.policy ?? {};
  const maxAge = opts.maxAge ?? contract.maxAge;
  const now = opts.now ?? new Date();
  const columns = checkColumns(frame, contract);
  const typed = checkDtypes(frame, contract, opts.timestampParse ?? {});
  const work = typed.frame;
  const missing = missingReport(frame, work, contract, opts.maxNullRate);
  const outcomes: CheckOutcome[] = evaluateConditions(work, [
    columns,
    typed.outcome,
    checkTimezone(work),
    checkOrder(work),
    checkDuplicates(work),
    checkFinite(work),
    checkRanges(work, contract),
    checkOhlc(work, contract),
    checkNulls(missing),
    checkFreshness(work, maxAge, now),
  ]);
  const checks: CheckReport[] = [];
  const anomalies: ColumnAnomaly[] = [];
  const quarantine: pl.DataFrame[] = [];
  for (const o of outcomes) {
    const p = policy[o.id] ?? 'fail';
    const vf = violationFrame(o);
    const count = vf ? vf.getColumn('__row').nUnique() : o.problems.length;
    const first = vf ? firstRows(frame, vf, opts.firstRows ?? 5) : [];
    checks.push({
      id: o.id,
      description: CHECK_DOCS[o.id],
      policy: p,
      status: statusOf(o, count, p),
      count,
      message: messageOf(o, count),
      first_rows: first,
      problems: o.problems,
    });
    if (vf) anomalies.push(...columnAnomalies(o.id, vf));
    if (vf && p === 'quarantine') quarantine.push(vf.select('__row', 'check'));
  }
  let clean = work;
  let quarantined = frame.head(0).withColumns(pl.lit(null).cast(pl.Utf8).alias('quarantine_reason'));
  if (quarantine.length) {
    const reasons = pl
      .concat(quarantine)
      .unique({ subset: ['__row', 'check'], maintainOrder: true })
      .groupBy('__row')
      .agg(pl.col('check').str.concat(',').alias('quarantine_reason'));
    const origin = originFrame(frame);
    const dropBad = (f: pl.DataFrame) =>
      f.withRowIndex('__row').join(reasons, { on: '__row', how: 'anti' }).drop('__row');
    clean = dropBad(work);
    if (origin) clean = splitOrigin(pl.concat([clean, dropBad(origin)], { how: 'horizontal' }));
    const named = origin?.rename({
      [ORIGIN_FILE]: 'source_file',
      [ORIGIN_ROW]: 'source_row',
      [ORIGIN_LINE]: 'source_line',
    });
    const source = named ? pl.concat([frame, named], { how: 'horizontal' }) : frame;
    quarantined = source.withRowIndex('__row').join(reasons, { on: '__row', how: 'inner' }).sort('__row').drop('__row');
  }
  const report: ValidationReport = {
    contract: contract.name,
    ...(contract.file ? { contract_file: contract.file } : {}),
    description: contract.description,
    ...(opts.cell ? { cell: opts.cell } : {}),
    sources: opts.sources ?? [],
    rows: frame.height,
    rows_clean: clean.height,
    quarantined: quarantined.height,
    passed: !checks.some((c) => c.status === 'fail'),
    ...(maxAge ? { now: now.toISOString() } : {}),
    columns: missing,
    checks,
    anomalies,
  };
  return { report, clean, quarantined };
}

function describeOffender(r: OffendingRow, names: Record<string, string>): string {
  const where = r.file ? `${r.file} ${r.line ? `line ${r.line}` : `row ${r.source_row}`}` : `row ${r.row}`;
  const vals = Object.entries(r.values)
    .map(([c, v]) => `${names[c] ?? c}=${v === null ? 'null' : String(v)}`)
    .join(', ');
  return `${where}: ${r.symbol ?? '?'} ${r.timestamp ?? '(no timestamp)'} ${r.problem}${vals ? ` (${vals})` : ''}`;
}

/**
 * The error for a report with failing checks (undefined when it passed): names the first failing
 * check, its column and first offending row (file line when known), lists the next rows and the
 * other failing checks.
 */
export function validationFailure(
  report: ValidationReport,
  opts: { reportPath?: string; sourceNames?: Record<string, string> } = {},
): ValidationError | undefined {
  const failed = report.checks.filter((c) => c.status === 'fail');
  if (!failed.length) return undefined;
  const names = opts.sourceNames ?? {};
  const c = failed[0];
  const r0 = c.first_rows[0];
  const column = r0?.column ?? c.problems[0]?.column;
  const loc: ErrorLocation = { dataColumn: column ? (names[column] ?? column) : undefined };
  if (r0?.file) {
    // the row's place in its source file is known (the frame came straight from `load`)
    loc.file = r0.file;
    if (r0.line) loc.line = r0.line;
    loc.row = r0.source_row;
  } else if (r0) {
    // otherwise the row of the checked frame; the cell location is filled in by the caller
    loc.row = r0.row;
  }
  const details = [
    ...c.first_rows.map((r) => describeOffender(r, names)),
    ...c.problems.slice(1).map((p) => p.message),
    ...failed.slice(1).map((f) => `also failed: ${f.id} — ${f.message}`),
    ...(opts.reportPath ? [`report: ${opts.reportPath}`] : []),
  ];
  return new ValidationError(`contract '${report.contract}': ${c.id} check failed: ${c.message}`, loc, details);
}
