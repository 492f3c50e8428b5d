/**
 * The message contract of the "Phasebook: Experiments" webview (docs/design.md §9). The webview posts
 * `ready` first; the host then sends every run (`runs` with `reset`), and from then on only the runs
 * that landed or changed (`runs` without `reset`) and the folders that went away (`removed`).
 * The table itself is computed in the webview (core/experiments), never in the host.
 */
import type { ExperimentRun } from '../../core/experiments/table';

export type ExperimentsToWebview =
  { type: 'runs'; runs: ExperimentRun[]; reset: boolean } | { type: 'removed'; dirs: string[] };

export type ExperimentsToHost =
  | { type: 'ready' }
  | { type: 'openDashboards'; dirs: string[] }
  | { type: 'compare'; dirs: string[] }
  | { type: 'trainStacking'; dir: string }
  /** After each render: what the table shows (the host tests read it). */
  | { type: 'rendered'; rows: number; groups: number; columns: string[]; firstRows: string[] }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

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
      return typeof x.rows === 'number' && typeof x.groups === 'number' && strings(x.columns) && strings(x.firstRows);
    case 'log':
      return (x.level === 'info' || x.level === 'warn' || x.level === 'error') && typeof x.message === 'string';
    default:
      return false;
  }
}
