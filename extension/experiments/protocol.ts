/**
 * The message contract of the "Phasebook: Experiments" webview (docs/design.md §9). The webview posts
 * `ready` first; the host then sends every run (`runs` with `reset`), and from then on only the runs
 * that landed or changed (`runs` without `reset`) and the folders that went away (`removed`).
 * metrics.db's metrics (read by a kernel) follow in `metrics`, whole, each time the database changes.
 * `view` sets the grouping, filter or selection (the Open Experiments command's argument).
 * The table itself is computed in the webview (core/experiments), never in the host.
 */
import type { RunDbMetrics } from '../../core/experiments/dbMetrics';
import type { ExperimentRun } from '../../core/experiments/table';
import type { GroupBy } from '../../core/experiments/view';

/** What the table is set to show: any field given replaces the webview's own. */
export interface ExperimentsViewRequest {
  groupBy?: GroupBy;
  filter?: string;
  /** Run folders to select (replacing the selection). */
  select?: string[];
}

export type ExperimentsToWebview =
  | { type: 'runs'; runs: ExperimentRun[]; reset: boolean }
  | { type: 'removed'; dirs: string[] }
  | { type: 'metrics'; runs: RunDbMetrics[] }
  /** `seq` numbers the request; the webview's drawings report the last one applied (`viewSeq`). */
  | ({ type: 'view'; seq?: number } & ExperimentsViewRequest);

/** One drawn cell: its text and its hover text (a metric's CI, a group's mean ± sd over n runs). */
export interface RenderedCell {
  text: string;
  title: string;
}

export interface ExperimentsRendered {
  rows: number;
  groups: number;
  columns: string[];
  firstRows: string[];
  /** The first rows' cells (by `columns`), as drawn. */
  firstCells: RenderedCell[][];
  /** Selected run folders. */
  selected: string[];
  /** The `seq` of the last `view` message applied (0: none). */
  viewSeq: number;
}

export type ExperimentsToHost =
  | { type: 'ready' }
  | { type: 'openDashboards'; dirs: string[] }
  | { type: 'compare'; dirs: string[] }
  | { type: 'trainStacking'; dir: string }
  /** After each render: what the table shows (the host tests read it). */
  | ({ type: 'rendered' } & ExperimentsRendered)
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const cells = (v: unknown): boolean =>
  Array.isArray(v) &&
  v.every(
    (row) =>
      Array.isArray(row) &&
      row.every((c) => typeof (c as RenderedCell)?.text === 'string' && typeof (c as RenderedCell).title === 'string'),
  );

export function isExperimentsMessage(m: unknown): m is ExperimentsToHost {
  if (m === null || typeof m !== 'object') return false;
  const x = m as Record<string, unknown>;
  switch (x.type) {
    case 'ready':
      return true;
    case 'openDashboards':
    case 'compare':
      return strings(x.dirs);
    case 'trainStacking':
      return typeof x.dir === 'string';
    case 'rendered':
      return (
        typeof x.rows === 'number' &&
        typeof x.groups === 'number' &&
        strings(x.columns) &&
        strings(x.firstRows) &&
        cells(x.firstCells) &&
        strings(x.selected) &&
        typeof x.viewSeq === 'number'
      );
    case 'log':
      return (x.level === 'info' || x.level === 'warn' || x.level === 'error') && typeof x.message === 'string';
    default:
      return false;
  }
}

/** The Open Experiments command's optional argument, checked (anything else is ignored). */
export function viewRequestOf(raw: unknown): ExperimentsViewRequest | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const x = raw as Record<string, unknown>;
  const r: ExperimentsViewRequest = {};
  if (x.groupBy === 'none' || x.groupBy === 'seed' || x.groupBy === 'scenario') r.groupBy = x.groupBy;
  if (typeof x.filter === 'string') r.filter = x.filter;
  if (strings(x.select)) r.select = x.select;
  return Object.keys(r).length ? r : undefined;
}
