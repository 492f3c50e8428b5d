import { relative } from 'node:path';
import { CancelledError, ExitCode, isUserError } from '../errors';
import type { Cell, Position } from '../notebook/types';
import type { CellError } from './events';

/**
 * Turns whatever a cell threw into the message a user sees: user mistakes name the notebook file,
 * cell, key and line (or the data file, row and column); only bugs keep a stack.
 */
export function toCellError(e: unknown, cell: Cell, notebookPath: string, cwd = process.cwd()): CellError {
  const nb = relative(cwd, notebookPath) || notebookPath;
  if (isUserError(e)) {
    const { offset, ...rest } = e.location;
    const loc = { ...rest, cell: cell.name };
    if (!loc.file) {
      loc.file = nb;
      // A line given by the thrower (the compiler's, for a ts cell) is a notebook line already.
      if (loc.line === undefined) {
        const pos = placeOf(cell, loc.key, offset);
        loc.line = pos.line + 1;
        loc.column = pos.column + 1;
      }
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

/**
 * Where a key path ('expressions.fut', 'grid.lr', 'rolling[0].windows') is written: the deepest
 * prefix of it the cell has, at `offset` into its value when the whole path is found; else the marker.
 */
export function placeOf(cell: Cell, key: string | undefined, offset?: number): Position {
  const paths = cell.keyPaths ?? {};
  let path = key;
  while (path) {
    const place = paths[path];
    if (place) {
      if (offset !== undefined && path === key && place.value)
        return { line: place.value.line, column: place.value.column + offset };
      const at = place.key ?? place.value;
      if (at) return at;
    }
    const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    path = cut > 0 ? path.slice(0, cut) : undefined;
  }
  const top = key ? cell.keyPositions[key.split(/[.[]/)[0]] : undefined;
  return top ?? { line: cell.headerLine, column: 0 };
}

export function formatCellError(e: CellError): string {
  const l = e.location;
  const where = [
    l.file ? (l.line ? `${l.file}:${l.line}${l.column ? `:${l.column}` : ''}` : l.file) : '',
    l.cell ? `cell '${l.cell}'` : '',
    l.key ? `key '${l.key}'` : '',
    l.row !== undefined ? `row ${l.row}` : '',
    l.dataColumn ? `column '${l.dataColumn}'` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return [where ? `${where}: ${e.message}` : e.message, ...e.details.map((d) => `  ${d}`)].join('\n');
}
