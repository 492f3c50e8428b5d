/**
 * The host <-> kernel contract (docs/design.md §8), imported by both sides. Messages travel over
 * the child_process IPC channel with `serialization: 'advanced'`, so Uint8Array payloads (Arrow IPC
 * frames) cross without JSON encoding. Every request that expects a reply has its reply type in
 * `KernelReplies`: the host's `request()` returns `KernelReplies[K]` and the kernel's handler for
 * K must return it (`KernelHandlerMap`), so neither side picks a type at a call site.
 */
import type { LogRecord } from '../log';
import type { ArtifactRoots } from '../runs/roots';
import type { CellError, CellStatus } from '../graph/events';
import type { RunKind } from '../runs/types';
import type { SummaryValue } from '../base/outputs';
import type { ExecutorChoice } from '../engine/executorChoice';
import type { RunDbMetrics } from '../experiments/dbMetrics';

export type KernelRequest =
  | {
      type: 'open';
      id: number;
      notebookPath: string;
      text: string;
      rootDefaults?: Partial<ArtifactRoots>;
      seed?: number;
      /** The VS Code settings phasebook.executor.* (the notebook's `executor:` block wins over them). */
      executor?: ExecutorChoice;
    }
  | { type: 'update'; id: number; text: string }
  | { type: 'run'; id: number; cells?: string[]; force?: boolean }
  /** `autorun`: sent by autorun mode after an edit burst; the runs it creates say so (run.json meta.autorun). */
  | { type: 'runStale'; id: number; autorun?: boolean }
  | { type: 'restore'; id: number }
  | { type: 'inspect'; id: number; cell: string; limit?: number }
  | {
      type: 'trainStacking';
      id: number;
      cvRunId: string;
      horizon: number;
      metaLearner: string;
      stackingRoot?: string;
      runsRoot?: string;
    }
  /** The first rows of a table file (Parquet, IPC, CSV), for the run explorer; needs no open notebook. */
  | { type: 'readTable'; id: number; path: string; limit?: number }
  /** SQL on an artifacts root's metrics.db, the result as one frame ("Query metrics"); the host never loads sql.js. */
  | { type: 'query'; id: number; artifactsRoot: string; sql: string }
  /** Every run's metrics in an artifacts root's metrics.db, for the experiments table (none without a db). */
  | { type: 'runMetrics'; id: number; artifactsRoot: string }
  /** The frames a run dashboard charts: a predictions Parquet file, the equity curves of a run folder. */
  | { type: 'readRunFrames'; id: number; predictions?: string; equityDir?: string }
  | { type: 'cancel' }
  | { type: 'shutdown' };

/** The executor that computed a cell and, on a worker fleet, the worker and the attempts it took. */
export interface ExecutedBy {
  /** 'in-process', 'serial', 'local-pool' or 'bullmq'. */
  executor: string;
  worker?: string;
  attempts?: number;
}

/** A cell's outputs in transportable form: frames are Arrow IPC stream bytes. */
export interface CellOutputPayload {
  summary: Record<string, SummaryValue>;
  metrics?: Record<string, number>;
  warnings: string[];
  artifacts: { path: string; label: string }[];
  run?: { id: string; dir: string; kind: RunKind };
  /** When the result was computed and how long that took (shown on a cache hit). */
  ran?: { at: string; durationMs: number };
  charts: { id: string; title: string; spec: Record<string, unknown>; data: Record<string, Uint8Array> }[];
  tables: { title: string; rows: number; columns: string[]; ipc: Uint8Array; truncated: boolean }[];
  /**
   * The dataset's shape, for the one-line summary, and its columns (name and polars dtype), for the editor's
   * column-name completion and diagnostics downstream.
   */
  dataset?: {
    rows: number;
    columns: number;
    features: number;
    featureSetId?: string;
    schema?: ColumnSchema;
  };
}

/** A frame's columns: name and polars dtype (`Int64`, `Float64`, `String`...). */
export type ColumnSchema = readonly { name: string; dtype: string }[];

export type KernelEvent =
  | { type: 'queued'; cell: string; order: number }
  | { type: 'started'; cell: string; order: number }
  | { type: 'progress'; cell: string; fraction: number; message?: string }
  | {
      type: 'finished';
      cell: string;
      status: CellStatus;
      durationMs: number;
      output?: CellOutputPayload;
      error?: CellError;
      /** A computed cell: where it ran (absent for restored, blocked and cancelled cells). */
      executedBy?: ExecutedBy;
    }
  | { type: 'runCreated'; cell: string; id: string; dir: string; kind: RunKind }
  | { type: 'stale'; cells: string[] }
  /**
   * The running request's cells have all finished; the reply follows once the execution is recorded
   * (metrics.db can take seconds). The host ends the request's executions here, not at the reply.
   */
  | { type: 'cellsDone' };

export interface RunReply {
  ok: boolean;
  exitCode: number;
  cells: { cell: string; status: CellStatus }[];
}

export interface OpenReply {
  mode: 'autorun' | 'lazy';
  seed: number;
  roots: ArtifactRoots;
  diagnostics: number;
}

export interface InspectReply {
  rows: number;
  columns: string[];
  ipc: Uint8Array;
}

export interface TrainStackingReply {
  runId: string;
  dir: string;
  metrics: Record<string, number>;
}

export interface TablePreviewReply {
  path: string;
  /** Rows in the whole file. */
  rows: number;
  columns: string[];
  /** polars' dtype names, as the kernel read them (the grid shows Arrow's from `ipc`). */
  dtypes: string[];
  /** The first rows as Arrow IPC stream bytes. */
  ipc: Uint8Array;
}

/** A SQL result: one f64 column per all-number result column, str otherwise. */
export interface QueryReply {
  /** The database the SQL ran on. */
  db: string;
  sql: string;
  rows: number;
  columns: string[];
  ipc: Uint8Array;
}

/** The experiments table's metrics.db metrics, per run id. */
export interface RunMetricsReply {
  db: string;
  runs: RunDbMetrics[];
}

/** One frame a dashboard charts (absent when unreadable), with what was cut or could not be read. */
export interface FrameRead {
  ipc?: Uint8Array;
  notes: string[];
}

export interface RunFramesReply {
  predictions?: FrameRead;
  /** `temporal`: x is epoch ms (else a bar index). */
  equity?: FrameRead & { temporal: boolean };
}

/** The notebook text changed: the cells whose results are now stale (also sent as a `stale` event). */
export interface UpdateReply {
  stale: string[];
  mode: 'autorun' | 'lazy';
}

/** Results restored from the disk cache after (re)open: one `finished` event per cell, then this. */
export interface RestoreReply {
  cells: string[];
}

/** Request type -> reply type, for every request the kernel answers. */
export interface KernelReplies {
  open: OpenReply;
  update: UpdateReply;
  run: RunReply;
  runStale: RunReply;
  restore: RestoreReply;
  inspect: InspectReply;
  trainStacking: TrainStackingReply;
  readTable: TablePreviewReply;
  query: QueryReply;
  runMetrics: RunMetricsReply;
  readRunFrames: RunFramesReply;
}

export type KernelCallType = keyof KernelReplies;

/** A request the kernel answers, as sent (with its id). */
export type KernelRequestOf<K extends KernelCallType> = Extract<KernelRequest, { type: K }>;

/** A request as the host writes it (the id is added when it is sent). */
export type KernelCall = { [K in KernelCallType]: Omit<KernelRequestOf<K>, 'id'> }[KernelCallType];

/** The kernel side of the contract: one handler per request type, returning that type's reply. */
export type KernelHandlerMap = { [K in KernelCallType]: (req: KernelRequestOf<K>) => Promise<KernelReplies[K]> };

export type KernelMessage =
  | { type: 'ready'; pid: number }
  /** A detached kernel finished the last request (also one asked by a window that is gone). */
  | { type: 'idle' }
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: CellError }
  | { type: 'event'; event: KernelEvent }
  | { type: 'log'; record: LogRecord };
