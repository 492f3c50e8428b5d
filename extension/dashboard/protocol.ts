/**
 * The one message contract between the extension host and the Phasebook webviews (run dashboard,
 * compare panel, notebook renderer). Imported by both sides; discriminated unions on `type`.
 * The webview posts `ready` first; the host sends data only after it.
 * Frames travel as Arrow IPC stream bytes (never JSON rows).
 */
import type { RunKind, RunStatus } from '../../core/runs/types';

/**
 * The notebook renderer's id (package.json contributes.notebookRenderer); its output mimes are in core/kernel/mimes.ts.
 */
export const RENDERER_ID = 'phasebook.renderer';

export interface ArtifactView {
  /** As recorded (relative to the run folder, or absolute). */
  path: string;
  /** Absolute path (what `openArtifact` sends back). */
  absPath: string;
  exists: boolean;
  bytes?: number;
  rows?: number;
  sha256?: string;
}

export interface Lineage {
  notebook?: string;
  cell?: string;
  cli?: string[];
  featureSetId?: string;
  gitCommit?: string;
  seed?: number;
  configHash?: string;
  engineVersion?: string;
  /** The CV run a stacking run was trained on, with its folder when it is on disk. */
  parentRun?: { id: string; dir?: string };
}

/** pooled[model][horizon][metric]: one score over all out-of-fold rows, with its interval when drawn. */
export type CvPooled = Record<string, Record<string, Record<string, { value: number; low?: number; high?: number }>>>;

export interface FoldView {
  model: string;
  horizon: number;
  fold: number;
  scores: Record<string, number>;
}

/** Everything the dashboard shows of one run, read by the host from the run's files. */
export interface RunPayload {
  dir: string;
  id: string;
  kind: RunKind;
  status: RunStatus;
  created: string;
  finished?: string;
  error?: string;
  /** Written by another tool (no run.json). */
  foreign: boolean;
  metrics: Record<string, number>;
  config: Record<string, unknown>;
  meta: Record<string, unknown>;
  lineage: Lineage;
  artifacts: ArtifactView[];
  cv?: {
    primary_metric?: string;
    models: string[];
    horizons: number[];
    n_splits?: number;
    folds: FoldView[];
    pooled?: CvPooled;
  };
  metaWeights?: Record<string, number>;
  /**
   * Selection-adjusted headline per results phase (run.json meta.selection): "Sharpe 1.42 · deflated 0.31 after 48
   * trials".
   */
  selection?: Record<string, string>;
  /** Arrow IPC streams by role: `predictions` (y_true, y_pred / prob...), `equity` (x, equity, group). */
  frames: { predictions?: Uint8Array; equity?: Uint8Array };
  /** Whether `frames.equity` x is epoch ms (true) or a bar index. */
  equityTemporal?: boolean;
  /** What could not be read or was cut ("predictions.parquet: first 1,000,000 of 3,200,000 rows"). */
  notes: string[];
}

export type HostToWebview =
  | { type: 'run'; run: RunPayload }
  | { type: 'compare'; runs: RunPayload[] }
  | { type: 'loading'; message: string }
  | { type: 'error'; message: string };

export interface SaveFileMessage {
  type: 'save';
  fileName: string;
  mime: string;
  /** Text content (SVG, CSV) ... */
  text?: string;
  /** ... or binary content as base64 (PNG). */
  base64?: string;
}

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'openArtifact'; path: string }
  | { type: 'openRun'; dir: string }
  | { type: 'reveal'; path: string }
  | SaveFileMessage
  | { type: 'log'; level: 'error' | 'warn' | 'info'; message: string };

/**
 * A table for the grid webview (webview/entries/table.ts): a Parquet/IPC/CSV file opened with
 * "Phasebook table", or a "Query metrics" result. The frame travels as Arrow IPC stream bytes.
 */
export interface TablePayload {
  title: string;
  /** What the rows come from: the file, or the database and the SQL. */
  source: string;
  detail?: string;
  ipc: Uint8Array;
  /** Rows of the whole file when `ipc` holds its first rows only. */
  totalRows?: number;
}

export type HostToTableView =
  { type: 'table'; table: TablePayload } | { type: 'loading'; message: string } | { type: 'error'; message: string };

/** What the view shows once drawn (the grid's header, or the error), so the host can log it and tests read it. */
export interface TableRendered {
  type: 'rendered';
  columns: string[];
  dtypes: string[];
  rows: number;
  error?: string;
}

export type TableViewToHost =
  { type: 'ready' } | TableRendered | { type: 'log'; level: 'error' | 'warn' | 'info'; message: string };

/** Narrows an untrusted message from the grid webview. */
export function isTableViewMessage(m: unknown): m is TableViewToHost {
  if (!m || typeof m !== 'object') return false;
  const x = m as Record<string, unknown>;
  const strings = (v: unknown): boolean => Array.isArray(v) && v.every((s) => typeof s === 'string');
  switch (x.type) {
    case 'ready':
      return true;
    case 'rendered':
      return (
        strings(x.columns) &&
        strings(x.dtypes) &&
        typeof x.rows === 'number' &&
        (x.error === undefined || typeof x.error === 'string')
      );
    case 'log':
      return typeof x.message === 'string' && ['error', 'warn', 'info'].includes(x.level as string);
    default:
      return false;
  }
}

/** The notebook renderer talks to the host only to save exports. */
export type RendererToHost = SaveFileMessage;

const WEBVIEW_TYPES = new Set(['ready', 'openArtifact', 'openRun', 'reveal', 'save', 'log']);

/** Narrows an untrusted message from a webview to the contract (unknown shapes are dropped). */
export function isWebviewMessage(m: unknown): m is WebviewToHost {
  if (!m || typeof m !== 'object') return false;
  const t = (m as { type?: unknown }).type;
  if (typeof t !== 'string' || !WEBVIEW_TYPES.has(t)) return false;
  const x = m as Record<string, unknown>;
  switch (t) {
    case 'openArtifact':
    case 'reveal':
      return typeof x.path === 'string';
    case 'openRun':
      return typeof x.dir === 'string';
    case 'save':
      return (
        typeof x.fileName === 'string' &&
        typeof x.mime === 'string' &&
        (typeof x.text === 'string' || typeof x.base64 === 'string')
      );
    case 'log':
      return typeof x.message === 'string';
    default:
      return true;
  }
}

/** Narrows an untrusted message from the notebook renderer (it only asks to save exports). */
export function isRendererMessage(m: unknown): m is RendererToHost {
  return isWebviewMessage(m) && m.type === 'save';
}
