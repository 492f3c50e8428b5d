/**
 * RunSummary: one line of the run index (explorer rows, `phasebook runs`). Built from a run.json,
 * or from the files of a run written by another tool (`foreign: true`).
 */
import type { CvBest } from './cvResults';
import { parseRunId } from './id';
import type { RunKind, RunManifest, RunStatus } from './types';

export interface KeyMetric {
  name: string;
  value: number;
}

export interface RunSummary {
  id: string;
  kind: RunKind;
  status: RunStatus;
  /** ISO-8601 UTC. */
  created: string;
  finished?: string;
  /** Absolute path of the run directory. */
  dir: string;
  metrics: Record<string, number>;
  keyMetric?: KeyMetric;
  models?: string[];
  horizons?: number[];
  /** Number of CV folds (n_splits), or of walk-forward windows for a results run. */
  folds?: number;
  /** True when the run has no run.json (written by another tool in a known layout). */
  foreign: boolean;
  /** Why a run is failed: its error, or why its run.json could not be read. */
  error?: string;
  /** Phases of a results (backtest / workflow) run. */
  phases?: string[];
  /** The CV run a stacking run was trained on. */
  parent?: string;
  /** Top-N checkpoints a training run kept (meta.checkpoints; see ./recorded.ts). */
  checkpoints?: number;
  /**
   * Selection-adjusted headline per results phase (meta.selection), e.g. "Sharpe 1.42 · deflated 0.31 after 48 trials ·
   * PBO 0.37".
   */
  selection?: Record<string, string>;
  /** The run's config, flattened to scalars (`model.alpha`); arrays as JSON text. */
  config?: Record<string, ConfigScalar>;
  seed?: number;
  /** The user's name, tags and note for the run (run.json `annotations`). */
  name?: string;
  tags?: string[];
  note?: string;
  /** Made by autorun (meta.autorun), not by an explicit run. */
  autorun?: boolean;
}

export type ConfigScalar = string | number | boolean | null;

const MODEL_METRICS = ['roc_auc', 'auc', 'accuracy', 'f1', 'r2', 'rmse', 'mae', 'mse', 'log_loss', 'brier'];
const TRADING_METRICS = [
  'sharpe_ratio',
  'sharpe',
  'best_sharpe_ratio',
  'total_return',
  'avg_total_return',
  'max_drawdown',
];

/**
 * The metric a run is known by: `preferred` when the run has it, else the first of a priority list
 * (AUC, accuracy, F1, R², RMSE... for models; Sharpe, return for backtests), preferring test-set
 * values (`test_auc`, `test.auc`) over plain, validation and other ones; else the first metric.
 */
export function pickKeyMetric(
  metrics: Record<string, number>,
  kind: RunKind,
  preferred?: string,
): KeyMetric | undefined {
  const names = Object.keys(metrics).filter((n) => Number.isFinite(metrics[n]) && !/_ci_(low|high)$/.test(n));
  if (!names.length) return undefined;
  if (preferred && names.includes(preferred)) return { name: preferred, value: metrics[preferred]! };
  const order =
    kind === 'backtest' || kind === 'workflow'
      ? [...TRADING_METRICS, ...MODEL_METRICS]
      : [...MODEL_METRICS, ...TRADING_METRICS];
  for (const p of order) {
    const matching = names.filter((n) => n === p || n.endsWith(`_${p}`) || n.endsWith(`.${p}`));
    if (!matching.length) continue;
    const rank = (n: string) =>
      /(^|[_.])test[_.]/.test(n) ? 0 : n === p ? 1 : /(^|[_.])val(id(ation)?)?[_.]/.test(n) ? 2 : 3;
    const name = [...matching].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))[0]!;
    return { name, value: metrics[name]! };
  }
  const first = names[0]!;
  return { name: first, value: metrics[first]! };
}

/** Key metric of a CV run: the best model of its first horizon, e.g. `roc_auc h20 gbdt`. */
export function keyMetricFromBest(best: readonly CvBest[]): KeyMetric | undefined {
  const b = best[0];
  return b ? { name: `${b.metric} h${b.horizon} ${b.model}`, value: b.value } : undefined;
}

/** Headline metrics of a CV run: `best_{metric}_h{H}` per horizon. */
export function metricsFromBest(best: readonly CvBest[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const b of best) out[`best_${b.metric}_h${b.horizon}`] = b.value;
  return out;
}

/** Finite numbers of a JSON object, nested objects flattened with dots (two levels: `test.auc`). */
export function numericMetrics(json: unknown, depth = 2, prefix = ''): Record<string, number> {
  const out: Record<string, number> = {};
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return out;
  for (const [k, v] of Object.entries(json as Record<string, unknown>)) {
    if (typeof v === 'number' && Number.isFinite(v)) out[prefix + k] = v;
    else if (depth > 1 && v !== null && typeof v === 'object' && !Array.isArray(v))
      Object.assign(out, numericMetrics(v, depth - 1, `${prefix}${k}.`));
  }
  return out;
}

/** Sort order of listings: newest first, ties by id descending. */
export function newestFirst(a: { created: string; id: string }, b: { created: string; id: string }): number {
  return a.created < b.created ? 1 : a.created > b.created ? -1 : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Creation time from the id's timestamp, else the given fallback (folder mtime). */
export function createdFromId(id: string, fallback: Date): string {
  return parseRunId(id)?.created ?? fallback.toISOString();
}

const KINDS: readonly RunKind[] = ['cv', 'training', 'stacking', 'backtest', 'workflow', 'pipeline'];
const STATUSES: readonly RunStatus[] = ['running', 'complete', 'failed'];

/**
 * Summary of a parsed run.json. Anything malformed is tolerated (the manifest may come from an
 * older engine): an unknown status or kind is reported, never thrown.
 */
export function summarizeManifest(
  json: unknown,
  dir: string,
  fallback: { id: string; kind: RunKind; mtime: Date },
): RunSummary {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return failedSummary(dir, fallback, 'run.json is not a JSON object');
  }
  const m = json as Partial<RunManifest> & Record<string, unknown>;
  const id = typeof m.id === 'string' && m.id ? m.id : fallback.id;
  const kind = KINDS.includes(m.kind as RunKind) ? (m.kind as RunKind) : fallback.kind;
  const status = STATUSES.includes(m.status as RunStatus) ? (m.status as RunStatus) : 'failed';
  const metrics = numericMetrics(m.metrics, 1);
  const meta =
    m.meta !== null && typeof m.meta === 'object' && !Array.isArray(m.meta) ? (m.meta as Record<string, unknown>) : {};
  const s: RunSummary = {
    id,
    kind,
    status,
    created: validIso(m.created) ?? createdFromId(id, fallback.mtime),
    dir,
    metrics,
    foreign: false,
  };
  const finished = validIso(m.finished);
  if (finished) s.finished = finished;
  if (typeof m.error === 'string') s.error = m.error;
  else if (!STATUSES.includes(m.status as RunStatus))
    s.error = `run.json has an unknown status ${JSON.stringify(m.status)}`;
  applyMeta(s, meta);
  applyUserFields(s, m);
  if (!s.keyMetric) {
    const key = pickKeyMetric(metrics, kind, typeof meta.key_metric === 'string' ? meta.key_metric : undefined);
    if (key) s.keyMetric = key;
  }
  return s;
}

/** Models, horizons, folds, parent and (for CV runs) best scores recorded in a manifest's meta. */
function applyMeta(s: RunSummary, meta: Record<string, unknown>): void {
  const strings = (v: unknown) =>
    Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
  const numbers = (v: unknown) =>
    Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : undefined;
  const models = strings(meta.models) ?? (typeof meta.model === 'string' ? [meta.model] : undefined);
  const horizons = numbers(meta.horizons) ?? (typeof meta.horizon === 'number' ? [meta.horizon] : undefined);
  if (models) s.models = models;
  if (horizons) s.horizons = horizons;
  const folds =
    typeof meta.n_splits === 'number' ? meta.n_splits : typeof meta.folds === 'number' ? meta.folds : undefined;
  if (folds !== undefined) s.folds = folds;
  // Results (backtest / workflow) runs list their phases in meta.phases.
  const phases = strings(meta.phases);
  if (phases?.length) s.phases = phases;
  const parent =
    typeof meta.cv_run_id === 'string' ? meta.cv_run_id : typeof meta.parent === 'string' ? meta.parent : undefined;
  if (parent) s.parent = parent;
  const kept = (meta.checkpoints as { kept?: unknown } | null | undefined)?.kept;
  if (Array.isArray(kept) && kept.length) s.checkpoints = kept.length;
  const sel = meta.selection;
  if (sel !== null && typeof sel === 'object' && !Array.isArray(sel)) {
    const lines = Object.entries(sel as Record<string, unknown>).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    );
    if (lines.length) s.selection = Object.fromEntries(lines);
  }
  if (Array.isArray(meta.best)) {
    const best = (meta.best as unknown[]).filter(isCvBest);
    const key = keyMetricFromBest(best);
    if (key) s.keyMetric = key;
  }
}

/** Config (flattened), seed, annotations and the autorun mark of a manifest. */
function applyUserFields(s: RunSummary, m: Partial<RunManifest> & Record<string, unknown>): void {
  const config = flattenConfig(m.config);
  if (Object.keys(config).length) s.config = config;
  if (typeof m.seed === 'number') s.seed = m.seed;
  const a = m.annotations as Record<string, unknown> | null | undefined;
  if (a !== null && typeof a === 'object' && !Array.isArray(a)) {
    if (typeof a.name === 'string' && a.name) s.name = a.name;
    if (Array.isArray(a.tags)) {
      const tags = a.tags.filter((t): t is string => typeof t === 'string' && t.length > 0);
      if (tags.length) s.tags = tags;
    }
    if (typeof a.note === 'string' && a.note) s.note = a.note;
  }
  if ((m.meta as Record<string, unknown> | undefined)?.autorun === true) s.autorun = true;
}

/** A config object as scalars: nested objects joined with dots (three levels), arrays as JSON text. */
export function flattenConfig(json: unknown, depth = 3, prefix = ''): Record<string, ConfigScalar> {
  const out: Record<string, ConfigScalar> = {};
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return out;
  for (const [k, v] of Object.entries(json as Record<string, unknown>)) {
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[prefix + k] = v;
    else if (Array.isArray(v)) out[prefix + k] = JSON.stringify(v);
    else if (typeof v === 'object' && depth > 1) Object.assign(out, flattenConfig(v, depth - 1, `${prefix}${k}.`));
    else if (typeof v === 'object') out[prefix + k] = JSON.stringify(v);
  }
  return out;
}

function isCvBest(v: unknown): v is CvBest {
  if (v === null || typeof v !== 'object') return false;
  const b = v as Record<string, unknown>;
  return (
    typeof b.model === 'string' &&
    typeof b.metric === 'string' &&
    typeof b.horizon === 'number' &&
    typeof b.value === 'number'
  );
}

export function failedSummary(
  dir: string,
  fallback: { id: string; kind: RunKind; mtime: Date },
  error: string,
): RunSummary {
  return {
    id: fallback.id,
    kind: fallback.kind,
    status: 'failed',
    created: createdFromId(fallback.id, fallback.mtime),
    dir,
    metrics: {},
    foreign: false,
    error,
  };
}

function validIso(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}
