/**
 * The experiments table (docs/design.md §9): one row per run (a fan-out branch is its own run),
 * a column for every config key and every metric, each column marked `changed` when its values
 * differ between the runs ("show only what changed" hides the rest). Built from the run index's
 * summaries (run.json fields); a metric's `{m}_ci_low` / `{m}_ci_high` become its interval, not
 * columns. metrics.db's metrics of the run (core/experiments/dbMetrics) join them: a model's own
 * metric is the column `{model}.{metric}` (a CV run's every model, a stacking run's base models), a
 * run-level one fills `{metric}` where run.json lacks it, each with its CI; the run's fan-out branch
 * (`scenario`, `model`) fills those config keys where run.json lacks them. Pure and headless: the
 * webview calls it, the host only ships the summaries and the database's rows.
 */
import type { DbMetric, RunDbMetrics } from './dbMetrics';
import type { ConfigScalar, RunSummary } from '../runs/summary';
import { runLabel } from '../runs/label';
import type { RunKind, RunStatus } from '../runs/types';

/** What the host sends per run: the summary fields the table needs (structured-clone friendly). */
export interface ExperimentRun {
  id: string;
  dir: string;
  kind: RunKind;
  status: RunStatus;
  created: string;
  label: string;
  name?: string;
  tags?: string[];
  note?: string;
  seed?: number;
  autorun?: boolean;
  config: Record<string, ConfigScalar>;
  metrics: Record<string, number>;
}

export type CellValue = ConfigScalar | undefined;

export type ColumnKind = 'run' | 'config' | 'metric';

export interface ExperimentColumn {
  key: string;
  kind: ColumnKind;
  label: string;
  /** Its values differ between runs (or some runs lack it). Run columns are always shown. */
  changed: boolean;
}

export interface ExperimentRow {
  run: ExperimentRun;
  /** Column key -> value: `run:*` for the fixed columns, `config:{key}`, `metric:{name}`. */
  values: Record<string, CellValue>;
  /** Metric name -> its interval, when the run recorded one. */
  ci: Record<string, { low: number; high: number }>;
}

export interface ExperimentsTable {
  columns: ExperimentColumn[];
  rows: ExperimentRow[];
}

const CI = /^(.*)_ci_(low|high)$/;

export const RUN_COLUMNS: readonly ExperimentColumn[] = [
  { key: 'run:label', kind: 'run', label: 'run', changed: true },
  { key: 'run:kind', kind: 'run', label: 'kind', changed: true },
  { key: 'run:status', kind: 'run', label: 'status', changed: true },
  { key: 'run:created', kind: 'run', label: 'created', changed: true },
  { key: 'run:tags', kind: 'run', label: 'tags', changed: true },
  { key: 'run:seed', kind: 'run', label: 'seed', changed: true },
];

/** The host side: a run index summary as the table's input. */
export function experimentRun(s: RunSummary): ExperimentRun {
  const r: ExperimentRun = {
    id: s.id,
    dir: s.dir,
    kind: s.kind,
    status: s.status,
    created: s.created,
    label: runLabel(s),
    config: s.config ?? {},
    metrics: s.metrics,
  };
  if (s.name) r.name = s.name;
  if (s.tags?.length) r.tags = s.tags;
  if (s.note) r.note = s.note;
  if (s.seed !== undefined) r.seed = s.seed;
  if (s.autorun) r.autorun = true;
  return r;
}

/** A metric.db metric's column name: the model's own metrics are prefixed with the model. */
export function dbMetricName(m: DbMetric): string {
  return m.model ? `${m.model}.${m.metric}` : m.metric;
}

/** What metrics.db says of one run: its metrics and its fan-out branch. */
export type DbRun = Pick<RunDbMetrics, 'branch'> & { metrics: readonly DbMetric[] };

function rowOf(run: ExperimentRun, db: DbRun | undefined): ExperimentRow {
  const values: Record<string, CellValue> = {
    'run:label': run.label,
    'run:kind': run.kind,
    'run:status': run.status,
    'run:created': run.created,
    'run:tags': run.tags?.join(' ') ?? '',
    'run:seed': run.seed,
  };
  // The run's seed is a column of its own; the config's copy of it would only repeat it.
  for (const [k, v] of Object.entries(run.config))
    if (!(k === 'seed' && run.seed !== undefined)) values[`config:${k}`] = v;
  // A fan-out branch's run: its branch keys (a training run's config has its model, not its scenario).
  for (const [k, v] of Object.entries(db?.branch ?? {})) values[`config:${k}`] ??= v;
  const ci: ExperimentRow['ci'] = {};
  for (const [name, v] of Object.entries(run.metrics)) {
    const m = CI.exec(name);
    if (!m) {
      values[`metric:${name}`] = v;
      continue;
    }
    const base = m[1]!;
    const low = run.metrics[`${base}_ci_low`];
    const high = run.metrics[`${base}_ci_high`];
    if (low !== undefined && high !== undefined && base in run.metrics) ci[base] = { low, high };
  }
  // run.json's own values win (the database holds the same numbers, possibly of an older execution).
  for (const m of db?.metrics ?? []) {
    const name = dbMetricName(m);
    const key = `metric:${name}`;
    if (values[key] === undefined) values[key] = m.value;
    if (!ci[name] && m.low !== undefined && m.high !== undefined && values[key] === m.value)
      ci[name] = { low: m.low, high: m.high };
  }
  return { run, values, ci };
}

/**
 * Rows and columns for these runs; config columns first (by key), then metrics (by name). `db`: each
 * run id's metrics.db metrics and branch, merged into its row.
 */
export function buildExperimentsTable(
  runs: readonly ExperimentRun[],
  db?: ReadonlyMap<string, DbRun>,
): ExperimentsTable {
  const rows = runs.map((r) => rowOf(r, db?.get(r.id)));
  const first = new Map<string, CellValue>();
  const changed = new Set<string>();
  const count = new Map<string, number>();
  for (const row of rows)
    for (const [key, v] of Object.entries(row.values)) {
      if (key.startsWith('run:')) continue;
      count.set(key, (count.get(key) ?? 0) + 1);
      if (!first.has(key)) first.set(key, v);
      else if (first.get(key) !== v) changed.add(key);
    }
  for (const [key, n] of count) if (n < rows.length) changed.add(key);
  const keys = [...count.keys()];
  const columns = (kind: 'config' | 'metric') =>
    keys
      .filter((k) => k.startsWith(`${kind}:`))
      .sort()
      .map((key): ExperimentColumn => ({ key, kind, label: key.slice(kind.length + 1), changed: changed.has(key) }));
  return { columns: [...RUN_COLUMNS, ...columns('config'), ...columns('metric')], rows };
}

/** Columns to draw: not hidden, and (with `onlyChanged`) only those whose values differ. */
export function visibleColumns(
  table: ExperimentsTable,
  opts: { onlyChanged: boolean; hidden: ReadonlySet<string> },
): ExperimentColumn[] {
  // With one run nothing differs: show everything rather than an empty table.
  const only = opts.onlyChanged && table.rows.length > 1;
  return table.columns.filter((c) => !opts.hidden.has(c.key) && (!only || c.changed));
}
