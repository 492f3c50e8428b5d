/**
 * Errors a user can fix (bad input, bad config, failed validation) are UserErrors: they carry
 * where the fault is and are shown as one clear message, never as a stack trace.
 * Anything else is a bug and keeps its stack.
 */

export const enum ExitCode {
  Ok = 0,
  /** Recoverable error: bad arguments, missing files, a phase that failed. */
  Error = 1,
  /** Validation failure: a data contract or schema check did not hold. */
  Validation = 2,
}

export interface ErrorLocation {
  file?: string;
  cell?: string;
  key?: string;
  /** 1-based line in `file` (the .pipeline file for cell errors, the data file for data errors). */
  line?: number;
  /** 1-based column. */
  column?: number;
  /**
   * 0-based character offset inside the value of `key` (e.g. where an expression breaks): turned
   * into the exact line and column of the notebook by the cell-error boundary. Never shown.
   */
  offset?: number;
  /** Data column at fault, for data errors. */
  dataColumn?: string;
  /** 1-based data row at fault, for data errors. */
  row?: number;
}

export class UserError extends Error {
  readonly exitCode: ExitCode;
  readonly location: ErrorLocation;
  /** Extra lines shown under the message (listings of what does exist, offending rows...). */
  readonly details: string[];

  constructor(
    message: string,
    location: ErrorLocation = {},
    details: string[] = [],
    exitCode: ExitCode = ExitCode.Error,
  ) {
    super(message);
    this.name = 'UserError';
    this.exitCode = exitCode;
    this.location = location;
    this.details = details;
  }
}

/** A data contract or schema check failed: exit code 2. */
export class ValidationError extends UserError {
  constructor(message: string, location: ErrorLocation = {}, details: string[] = []) {
    super(message, location, details, ExitCode.Validation);
    this.name = 'ValidationError';
  }
}

/** The run was cancelled by the user. */
export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

/** "file:line:col cell 'x' key 'y': message" — the one-line form used by the CLI and the notebook. */
export function formatLocation(loc: ErrorLocation): string {
  const parts: string[] = [];
  if (loc.file) parts.push(loc.line ? `${loc.file}:${loc.line}${loc.column ? `:${loc.column}` : ''}` : loc.file);
  if (loc.cell) parts.push(`cell '${loc.cell}'`);
  if (loc.key) parts.push(`key '${loc.key}'`);
  if (loc.row !== undefined) parts.push(`row ${loc.row}`);
  if (loc.dataColumn) parts.push(`column '${loc.dataColumn}'`);
  return parts.join(' ');
}

export function formatUserError(e: UserError): string {
  const where = formatLocation(e.location);
  const head = where ? `${where}: ${e.message}` : e.message;
  return [head, ...e.details.map((d) => `  ${d}`)].join('\n');
}
