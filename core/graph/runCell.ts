import { CancelledError } from '../errors';
import type { Logger } from '../log';
import type { Cell } from '../notebook/types';
import { getPhase } from '../spec/registry';
import type { PhaseContext, PhaseResult } from '../spec/types';
import type { ArtifactRoots } from '../runs/roots';
import { toCellError } from './cellError';
import { ioFault, polarsFault } from './faults';
import type { CellError, ExecutionEvent } from './events';
import { runTsCell } from './tsCell';

export interface CellRunContext {
  notebookPath: string;
  baseDir: string;
  roots: ArtifactRoots;
  seed: number;
  log: Logger;
  signal: AbortSignal;
  upstream: ReadonlyMap<string, PhaseResult>;
  /** Started by autorun mode: the source of the runs the cell creates says so. */
  autorun?: boolean;
  emit: (e: ExecutionEvent) => void;
}

export type CellRunOutcome =
  | { ok: true; result: PhaseResult }
  | { ok: false; error: CellError; cancelled: boolean; /** What the cell threw. */ cause?: unknown };

/** Runs one phase or ts cell on its inputs; never throws. */
export async function runCell(cell: Cell, inputs: PhaseResult[], rc: CellRunContext): Promise<CellRunOutcome> {
  const ctx: PhaseContext = {
    cell: { name: cell.name, kind: cell.kind, index: cell.index },
    notebookPath: rc.notebookPath,
    baseDir: rc.baseDir,
    roots: rc.roots,
    seed: rc.seed,
    log: rc.log,
    signal: rc.signal,
    upstream: rc.upstream,
    source: { notebook: rc.notebookPath, cell: cell.name, ...(rc.autorun ? { autorun: true } : {}) },
    progress: (fraction, message) => rc.emit({ type: 'progress', cell: cell.name, fraction, message }),
  };
  try {
    let result: PhaseResult;
    if (cell.type === 'ts') {
      result = await runTsCell(cell, inputs, ctx);
    } else {
      const spec = getPhase(cell.kind);
      if (!spec) throw new Error(`unknown phase kind '${cell.kind}'`);
      result = await spec.run(cell.config, inputs, ctx);
    }
    if (rc.signal.aborted) throw new CancelledError();
    for (const w of result.warnings) rc.log.warn(w);
    return { ok: true, result };
  } catch (e) {
    const cancelled = e instanceof CancelledError || rc.signal.aborted;
    // An I/O error or a polars error on the user's data is the user's: named, its stack only logged.
    const fault = cancelled ? undefined : (ioFault(e) ?? polarsFault(e, inputs));
    const error = toCellError(cancelled ? new CancelledError() : (fault ?? e), cell, rc.notebookPath);
    const stack = error.stack ?? (fault ? (e as Error).stack : undefined);
    if (!cancelled) rc.log.error(error.message, stack ? { stack } : undefined);
    return { ok: false, error, cancelled, cause: e };
  }
}
