import { relative } from 'node:path';
import { CancelledError, ExitCode, isUserError } from '../errors';
import type { Cell } from '../notebook/types';
import type { CellError } from './events';

/**
 * Turns whatever a cell threw into the message a user sees: user mistakes name the notebook file,
 * cell, key and line (or the data file, row and column); only bugs keep a stack.
 */
export function toCellError(e: unknown, cell: Cell, notebookPath: string, cwd = process.cwd()): CellError {
  const nb = relative(cwd, notebookPath) || notebookPath;
  if (isUserError(e)) {
    const loc = { ...e.location, cell: cell.name };
    if (!loc.file) {
      loc.file = nb;
      const pos = loc.key ? cell.keyPositions[loc.key.split('.')[0]] : undefined;
      loc.line = (pos?.line ?? cell.headerLine) + 1;
      loc.column = (pos?.column ?? 0) + 1;
    }
    return { message: e.message, location: loc, details: e.details, exitCode: e.exitCode };
  }
  if (e instanceof CancelledError) {
    return { message: 'cancelled', location: { file: nb, cell: cell.name }, details: [], exitCode: ExitCode.Error };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return {
    message: `internal error in cell '${cell.name}': ${err.message}`,
    location: { file: nb, cell: cell.name, line: cell.headerLine + 1 },
    details: [],
    exitCode: ExitCode.Error,
    stack: err.stack,
  };
}

export function formatCellError(e: CellError): string {
  const l = e.location;
  const where = [
    l.file ? (l.line ? `${l.file}:${l.line}${l.column ? `:${l.column}` : ''}` : l.file) : '',
    l.cell ? `cell '${l.cell}'` : '',
    l.key ? `key '${l.key}'` : '',
    l.row !== undefined ? `row ${l.row}` : '',
    l.dataColumn ? `column '${l.dataColumn}'` : '',
  ].filter(Boolean).join(' ');
  return [where ? `${where}: ${e.message}` : e.message, ...e.details.map((d) => `  ${d}`)].join('\n');
}
