/**
 * One executor interface for running a notebook's cells (docs/design.md §4.6). A Job is "run these cells of
 * this notebook"; the data plane is the content-addressed disk cache (.phasebook/cache/<key>):
 * a job loads its upstream results from there and stores its outputs there, so whoever runs it
 * needs only the notebook text, the cell names, the seed and the roots. Results are identical
 * wherever a job runs, because cache keys and seeds are. Executors: serial in-process
 * (serial.ts) and a local pool of child processes (pool.ts); a distributed one would implement
 * the same interface without touching phases.
 */
import type { CellOutcome, ExecutionEvent } from '../graph/events';
import type { LogRecord } from '../log';
import type { ArtifactRoots } from '../runs/roots';
import type { CellOverrides } from '../notebook/overrides';

/** Everything a worker needs to rebuild the session that plans and keys the cells. */
export interface NotebookRef {
  notebookPath: string;
  text: string;
  baseDir: string;
  rootDefaults?: Partial<ArtifactRoots>;
  rootOverrides?: Partial<ArtifactRoots>;
  seed: number;
  /** Modules a worker loads first (extra phase kinds registered by plugins or tests). */
  preload?: string[];
  /** Cell keys replaced for this run (`--config FILE.yaml`): a worker applies them as the coordinator did. */
  overrides?: CellOverrides;
}

export interface Job {
  /** Unique in one run: the name of its first cell. */
  id: string;
  /** Cells to run, in execution order (virtual names). */
  cells: string[];
  /** Jobs that must finish first (ids). */
  dependsOn: string[];
  /** Ignore the cache for these cells. */
  force: boolean;
}

/** An execution event as it crosses a process boundary: results stay in the disk cache. */
export type WireEvent =
  | Exclude<ExecutionEvent, { type: 'finished' }>
  | (Omit<Extract<ExecutionEvent, { type: 'finished' }>, 'result'> & { hasResult: boolean });

export type WireOutcome = Omit<CellOutcome, 'result'>;

export type JobEvent =
  | { type: 'job-started'; job: string; worker: number }
  | { type: 'cell'; job: string; event: WireEvent }
  | { type: 'log'; job: string; record: LogRecord }
  | { type: 'job-finished'; job: string; ok: boolean; outcomes: WireOutcome[] }
  /** The job could not complete: its process died, or it was cancelled. */
  | { type: 'job-failed'; job: string; error: string; cancelled: boolean }
  /** Not run because a job it depends on failed. */
  | { type: 'job-skipped'; job: string; because: string };

export interface ExecutorRunOptions {
  notebook: NotebookRef;
  signal?: AbortSignal;
  /**
   * The plan's cache keys and graph, the coordinator's cache root and its resolved roots (executors beyond this
   * machine need them: their workers write into staging roots the coordinator then fills its own from).
   */
  plan?: {
    keys: ReadonlyMap<string, string>;
    ancestors(cell: string): string[];
    cacheRoot: string;
    roots: ArtifactRoots;
  };
}

export interface Executor {
  readonly name: string;
  /** Jobs that can run at once. */
  readonly slots: number;
  run(jobs: Job[], opts: ExecutorRunOptions): AsyncIterable<JobEvent>;
}

/** Strips the in-memory result from a finished event. */
export function toWireEvent(e: ExecutionEvent): WireEvent {
  if (e.type !== 'finished') return e;
  const { result, ...rest } = e;
  return { ...rest, hasResult: result !== undefined };
}
