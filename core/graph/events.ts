import type { PhaseResult } from '../spec/types';
import type { RunKind } from '../runs/types';
import type { ErrorLocation } from '../errors';

/** What an execution reports as it goes; the kernel forwards these to the host, the CLI prints them. */
export type CellStatus = 'ok' | 'cached' | 'failed' | 'skipped' | 'cancelled';

export type ExecutionEvent =
  | { type: 'queued'; cell: string; order: number }
  | { type: 'started'; cell: string; order: number }
  | { type: 'progress'; cell: string; fraction: number; message?: string }
  | {
      type: 'finished';
      cell: string;
      status: CellStatus;
      durationMs: number;
      result?: PhaseResult;
      error?: CellError;
      cacheKey?: string;
      note?: string;
      /** Computed cells: the executor that ran it ('in-process', 'serial', 'local-pool', 'bullmq'). */
      executor?: string;
      /** On a worker fleet: the worker that ran it and the attempts it took. */
      worker?: string;
      attempts?: number;
    }
  | { type: 'run-created'; cell: string; id: string; dir: string; kind: RunKind };

export interface CellError {
  message: string;
  location: ErrorLocation;
  details: string[];
  /** 2 for validation failures, 1 otherwise. */
  exitCode: number;
  /** Only for internal errors (bugs), never for user mistakes. */
  stack?: string;
  /** Set when the cell did not run because this upstream cell failed (the host shows it muted, "waiting for ..."). */
  blockedBy?: string;
}

export interface CellOutcome {
  cell: string;
  status: CellStatus;
  durationMs: number;
  error?: CellError;
  cacheKey?: string;
  result?: PhaseResult;
  /** A line to show beside the status, e.g. "skipped: unchanged since 2026-01-02T10:00:00Z" for a cached cell. */
  note?: string;
  /** Attempts it took on a worker fleet (1 when the first one succeeded), and the worker that ran it. */
  attempts?: number;
  worker?: string;
  /** The executor that computed it (absent for cells restored, blocked or cancelled). */
  executor?: string;
}

export interface RunRequest {
  /** Cells to run (their stale or never-run ancestors run first). Default: every executable cell. */
  cells?: string[];
  /** Ignore the cache for the requested cells (ancestors still reuse valid results). */
  force?: boolean;
  /** Started by autorun mode, not by the user: the runs cells create carry meta.autorun. */
  autorun?: boolean;
  signal?: AbortSignal;
  onEvent?: (e: ExecutionEvent) => void;
  /**
   * Every cell of the request has finished (its last `finished` event is out); called before the
   * execution is recorded (metrics.db, cache statistics), so a host can show the notebook idle then.
   */
  onCellsDone?: () => void;
}

export interface ExecutionReport {
  ok: boolean;
  exitCode: number;
  outcomes: CellOutcome[];
  /** Id of this execution in artifacts/metrics.db (absent when nothing was recorded). */
  executionId?: string;
  /** Which executor ran the computed cells ('in-process', 'local-pool', ...). */
  executor?: string;
}
