/**
 * Validating a data file directly (`phasebook validate DATA --contract ohlcv`): the file is read as
 * text, so a corrupted cell is reported by its line and column instead of being nulled, and rows
 * are checked in file order.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { resolveContract } from './contracts';
import { expandSource, formatOf, readFileBytes, readSources, splitOrigin, displayPath } from './io';
import { describeRagged } from './csvScan';
import type { BadRowPolicy } from './csvScan';
import type { SourceFormat } from './io';
import { applyContract, parsePolicy, validationFailure } from './validateReport';
import type { ContractOutcome, Policy, PolicyMap, ValidationReport } from './validateReport';

export interface ValidateFileOptions {
  /** Folder relative paths resolve against. Default: the working folder. */
  baseDir?: string;
  format?: SourceFormat;
  /** Source column of the timestamp. Default `timestamp`. */
  timestamp?: string;
  /** Source column of the symbol. Default `symbol` if present, else the file name. */
  symbol?: string;
  timestampFormat?: string;
  timezone?: string;
  /** One policy for every check, or per check. Default fail. */
  policy?: Policy | PolicyMap;
  maxNullRate?: number;
  maxAge?: string;
  now?: Date;
  /** Write the JSON report here (absolute or relative to baseDir). */
  reportPath?: string;
  /** Write quarantined rows here as Parquet (when there are any). */
  quarantinePath?: string;
  /** CSV rows with the wrong field count: fail (default) or quarantine (dropped, listed in `readWarnings`). */
  badRows?: BadRowPolicy;
}

export function writeJsonAtomic(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  renameSync(tmp, path);
}

/** Applies a contract to a file without throwing for bad data (the outcome says what failed). */
export function checkDataFile(
  path: string,
  contract: string,
  opts: ValidateFileOptions = {},
): ContractOutcome & { sourceNames: Record<string, string>; readWarnings: string[] } {
  const baseDir = opts.baseDir ?? process.cwd();
  const c = resolveContract(contract, baseDir);
  const files = expandSource(path, baseDir);
  const format = formatOf(path, opts.format);
  const tsSource = opts.timestamp ?? 'timestamp';
  const readWarnings: string[] = [];
  const raw = readSources(
    files.map(readFileBytes),
    format,
    { timestamp: tsSource, symbol: opts.symbol },
    {
      badRows: opts.badRows,
      onQuarantine: (file, rows, headerFields) =>
        readWarnings.push(
          `${file}: quarantined ${rows.length} row${rows.length === 1 ? '' : 's'} with the wrong number of fields`,
          ...describeRagged(rows, headerFields).map((d) => `  ${d}`),
        ),
    },
  );
  const frame = splitOrigin(raw);
  const sourceNames: Record<string, string> = { timestamp: tsSource, ...(opts.symbol ? { symbol: opts.symbol } : {}) };
  const outcome = applyContract(frame, {
    contract: c,
    policy: typeof opts.policy === 'string' ? parsePolicy(opts.policy) : opts.policy,
    maxNullRate: opts.maxNullRate,
    maxAge: opts.maxAge,
    now: opts.now,
    timestampParse: { format: opts.timestampFormat, timezone: opts.timezone },
    sources: files.map((f) => displayPath(f)),
    sourceNames,
  });
  return { ...outcome, sourceNames, readWarnings };
}

/**
 * Validates a CSV/Parquet file (or glob) against a contract (built-in name or .yaml path). Writes
 * the report and quarantine file when asked, then throws a ValidationError (exit code 2) naming
 * the first offending line and column if a check with policy `fail` failed; otherwise returns the
 * report.
 */
export async function validateDataFile(
  path: string,
  contract: string,
  opts: ValidateFileOptions = {},
): Promise<ValidationReport> {
  const baseDir = opts.baseDir ?? process.cwd();
  const { report, quarantined, sourceNames, readWarnings } = checkDataFile(path, contract, opts);
  if (readWarnings.length) report.read_warnings = readWarnings;
  if (opts.quarantinePath && quarantined.height) {
    const q = resolve(baseDir, opts.quarantinePath);
    mkdirSync(dirname(q), { recursive: true });
    quarantined.writeParquet(q);
    report.quarantine_file = displayPath(q);
  }
  const reportPath = opts.reportPath ? resolve(baseDir, opts.reportPath) : undefined;
  if (reportPath) writeJsonAtomic(reportPath, report);
  const err = validationFailure(report, { reportPath: reportPath ? displayPath(reportPath) : undefined, sourceNames });
  if (err) throw err;
  return report;
}
