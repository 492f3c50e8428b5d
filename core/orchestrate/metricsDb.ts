/**
 * artifacts/metrics.db (docs/design.md §4.8): every metric of every executed cell, queryable with SQL.
 *
 *   executions(execution_id, notebook, started, finished, seed, exit_code, executor, engine_version)
 *   cells(execution_id, cell, origin, kind, scenario, model, branch, status, duration_ms, cache_key, run_id)
 *   metrics(execution_id, run_id, cell, origin, scenario, model, branch, metric, value, ci_low, ci_high, status)
 *   latest_metrics: the metrics rows of the most recent execution
 *
 * A flat metric `rmse` with `rmse_ci_low` / `rmse_ci_high` beside it becomes one row with its CI.
 */
import { join } from 'node:path';
import { UserError } from '../errors';
import { openDatabase, updateDatabase, type QueryResult, type SqlDatabase, type SqlValue } from '../runs/sqlite';

export const METRICS_DB = 'metrics.db';

export function metricsDbPath(artifactsRoot: string): string {
  return join(artifactsRoot, METRICS_DB);
}

const SCHEMA =
  `
CREATE TABLE IF NOT EXISTS executions (execution_id TEXT PRIMARY KEY, notebook TEXT, started TEXT, finished ` +
  `TEXT, seed INTEGER, exit_code INTEGER, executor TEXT, engine_version TEXT);
CREATE TABLE IF NOT EXISTS cells (execution_id TEXT, cell TEXT, origin TEXT, kind TEXT, scenario TEXT, model ` +
  `TEXT, branch TEXT, status TEXT, duration_ms REAL, cache_key TEXT, run_id TEXT, PRIMARY KEY (execution_id, cell));
CREATE TABLE IF NOT EXISTS metrics (execution_id TEXT, run_id TEXT, cell TEXT, origin TEXT, scenario TEXT, ` +
  `model TEXT, branch TEXT, metric TEXT, value REAL, ci_low REAL, ci_high REAL, status TEXT);
CREATE INDEX IF NOT EXISTS metrics_by_metric ON metrics (metric, scenario, model);
CREATE VIEW IF NOT EXISTS latest_metrics AS SELECT * FROM metrics WHERE execution_id = (SELECT execution_id ` +
  `FROM executions ORDER BY started DESC, execution_id DESC LIMIT 1);
`;

export interface ExecutionRow {
  executionId: string;
  notebook: string;
  started: string;
  finished: string;
  seed: number;
  exitCode: number;
  executor: string;
  engineVersion: string;
}

export interface CellRow {
  cell: string;
  origin: string;
  kind: string;
  branch: Record<string, string>;
  status: string;
  durationMs: number;
  cacheKey?: string;
  runId?: string;
  metrics?: Record<string, number>;
  /** Metrics of each model the cell scored (a CV run): rows with the model column set. */
  modelMetrics?: { model: string; metrics: Record<string, number> }[];
}

export interface MetricRow {
  metric: string;
  value: number;
  ciLow: number | null;
  ciHigh: number | null;
}

/** Folds `x_ci_low` / `x_ci_high` into the row of `x`. */
export function foldMetrics(flat: Record<string, number>): MetricRow[] {
  const rows: MetricRow[] = [];
  for (const [k, v] of Object.entries(flat)) {
    if (/_ci_(low|high)$/.test(k) && k.replace(/_ci_(low|high)$/, '') in flat) continue;
    const num = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? null : x);
    rows.push({ metric: k, value: v, ciLow: num(flat[`${k}_ci_low`]), ciHigh: num(flat[`${k}_ci_high`]) });
  }
  return rows;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

export function insertExecution(db: SqlDatabase, e: ExecutionRow, cells: readonly CellRow[]): void {
  db.exec(SCHEMA);
  db.run('BEGIN');
  db.run('INSERT OR REPLACE INTO executions VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
    e.executionId,
    e.notebook,
    e.started,
    e.finished,
    e.seed,
    e.exitCode,
    e.executor,
    e.engineVersion,
  ]);
  const cell = db.prepare('INSERT OR REPLACE INTO cells VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const metric = db.prepare('INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  try {
    for (const c of cells) {
      const scenario = c.branch.scenario ?? null;
      const model = c.branch.model ?? null;
      const branch = Object.keys(c.branch).length ? JSON.stringify(c.branch) : null;
      cell.run([
        e.executionId,
        c.cell,
        c.origin,
        c.kind,
        scenario,
        model,
        branch,
        c.status,
        Math.round(c.durationMs),
        c.cacheKey ?? null,
        c.runId ?? null,
      ]);
      for (const m of foldMetrics(c.metrics ?? {})) {
        metric.run([
          e.executionId,
          c.runId ?? null,
          c.cell,
          c.origin,
          scenario,
          model,
          branch,
          m.metric,
          finite(m.value),
          m.ciLow,
          m.ciHigh,
          c.status,
        ]);
      }
      for (const mm of c.modelMetrics ?? []) {
        for (const m of foldMetrics(mm.metrics)) {
          metric.run([
            e.executionId,
            c.runId ?? null,
            c.cell,
            c.origin,
            scenario,
            mm.model,
            branch,
            m.metric,
            finite(m.value),
            m.ciLow,
            m.ciHigh,
            c.status,
          ]);
        }
      }
    }
  } finally {
    cell.free();
    metric.free();
  }
  db.run('COMMIT');
}

export async function writeExecution(path: string, e: ExecutionRow, cells: readonly CellRow[]): Promise<void> {
  await updateDatabase(path, (db) => insertExecution(db, e, cells));
}

export interface TableResult {
  columns: string[];
  rows: SqlValue[][];
}

/**
 * Runs SQL against a metrics database (the `phasebook query` command and the palette command).
 * A missing file or bad SQL is a UserError naming the file; writes never reach the disk.
 */
export async function queryMetrics(path: string, sql: string): Promise<TableResult> {
  const db = await openDatabase(path);
  if (!db) throw new UserError('no metrics database yet: run a notebook first', { file: path });
  try {
    let res: QueryResult[];
    try {
      res = db.exec(sql);
    } catch (e) {
      const tables =
        db
          .exec("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")[0]
          ?.values.map((v) => String(v[0])) ?? [];
      throw new UserError(`SQL error: ${(e as Error).message}`, { file: path }, [`tables: ${tables.join(', ')}`]);
    }
    const last = res[res.length - 1];
    return last ? { columns: last.columns, rows: last.values } : { columns: [], rows: [] };
  } finally {
    db.close();
  }
}
