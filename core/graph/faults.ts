/**
 * Errors that are the user's, though they do not arrive as UserErrors: an I/O error on a path
 * (permissions, a full disk, a missing folder) and a polars error raised by the user's data (text
 * where numbers are needed). The error boundaries (a cell, the CLI) turn them into UserErrors that
 * name the path or the column; the stack stays in the log. Everything else is a bug.
 */
import { UserError, isUserError } from '../errors';
import { describeDtype, isTextDtype } from '../frame/contractTypes';
import { displayPath } from '../frame/io';
import type { PhaseResult } from '../spec/types';
import type { DataType } from 'nodejs-polars';

const IO_WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  EEXIST: 'it already exists',
  EIO: 'input/output error',
  EDQUOT: 'disk quota exceeded',
};

const VERBS: Record<string, string> = {
  open: 'open',
  read: 'read',
  write: 'write',
  mkdir: 'create the folder',
  rename: 'move',
  scandir: 'list',
  stat: 'find',
  unlink: 'remove',
  rmdir: 'remove',
  copyfile: 'copy',
};

/** An errno error with a path (EACCES, ENOSPC, ...) as a UserError naming the path, else undefined. */
export function ioFault(e: unknown): UserError | undefined {
  if (isUserError(e) || !(e instanceof Error)) return undefined;
  const x = e as NodeJS.ErrnoException;
  if (!x.code || !x.syscall || !(x.code in IO_WORDS)) return undefined;
  const path = x.path ? displayPath(x.path) : undefined;
  const verb = VERBS[x.syscall] ?? x.syscall;
  return new UserError(
    `cannot ${verb}${path ? ` ${path}` : ''}: ${IO_WORDS[x.code]} (${x.code})`,
    path ? { file: path } : {},
  );
}

const isPolarsError = (e: Error) => /[\\/]nodejs-polars[\\/]/.test(e.stack ?? '');

/**
 * An error thrown from inside nodejs-polars while a cell worked on its inputs, as a UserError
 * naming the column: the one the message names, else the only text column of the input. The
 * details list the input's text columns and how to make them numbers.
 */
export function polarsFault(e: unknown, inputs: readonly PhaseResult[]): UserError | undefined {
  if (isUserError(e) || !(e instanceof Error) || !isPolarsError(e)) return undefined;
  const message = e.message.split('\n')[0].trim();
  const text = new Map<string, string>();
  const columns = new Set<string>();
  const sources = new Set<string>();
  for (const r of inputs) {
    const d = r.dataset;
    if (!d) continue;
    d.sources.forEach((s) => sources.add(s));
    for (const [name, dt] of Object.entries(d.frame.schema) as [string, DataType][]) {
      columns.add(name);
      if (name !== 'symbol' && isTextDtype(dt)) text.set(name, describeDtype(dt));
    }
  }
  const named = [...message.matchAll(/[`'"]([^`'"]+)[`'"]/g)].map((m) => m[1]).filter((c) => columns.has(c));
  const column = named[0] ?? (text.size === 1 ? [...text.keys()][0] : undefined);
  const details: string[] = [];
  if (text.size) {
    const first = [...text.keys()][0];
    details.push(
      `text columns in the cell's input: ` +
        `${[...text.keys()].join(', ')}${sources.size ? ` (from ${[...sources].join(', ')})` : ''}`,
      `a \`validate\` cell above this one reports (or quarantines) the rows that are not numbers; \`columns: ` +
        `{ ${first}: float }\` on the load cell makes each one an error naming its line`,
    );
  }
  return new UserError(
    `the data does not fit this operation: ${message}`,
    column ? { dataColumn: column } : {},
    details,
  );
}
