/** Diagnostics as UserErrors, for the CLI and the kernel (1-based line/column in messages). */
import { UserError } from '../errors';
import type { Diagnostic, ParsedNotebook } from './types';

export function diagnosticToUserError(parsed: ParsedNotebook, d: Diagnostic): UserError {
  const cell = parsed.cells[d.cellIndex];
  return new UserError(d.message, {
    file: parsed.file,
    cell: cell?.name,
    key: d.key,
    line: d.range.start.line + 1,
    column: d.range.start.column + 1,
  });
}

/** The first error of a parsed notebook as a UserError, or undefined when it has none. */
export function firstError(parsed: ParsedNotebook): UserError | undefined {
  const d = parsed.diagnostics.find((x) => x.severity === 'error');
  return d ? diagnosticToUserError(parsed, d) : undefined;
}
