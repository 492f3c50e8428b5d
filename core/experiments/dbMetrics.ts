/**
 * The experiments table's metrics from artifacts/metrics.db (docs/design.md §9): every metric row that
 * names a run (a CV run's every model per horizon with its pooled CI, a stacking run's metrics and its
 * base models', each fan-out branch's run), the latest execution's value per (run, model, metric).
 * Read in the kernel (request `runMetrics`: the host never loads sql.js); merged into the rows by
 * buildExperimentsTable. A missing database is no error: the table then shows run.json's metrics only.
 */
import { UserError } from '../errors';
import { openDatabase, type SqlValue } from '../runs/sqlite';

/** One metric of one run as metrics.db recorded it; `model` is set for a model's own metrics. */
export interface DbMetric {
  metric: string;
  model?: string;
  value: number;
  low?: number;
  high?: number;
}

/** Per run id, its metrics.db metrics (structured-clone friendly: it crosses IPC and postMessage). */
export interface RunDbMetrics {
  runId: string;
  metrics: DbMetric[];
}

/** Oldest execution first, so a later execution's row (a re-run, a cache hit) replaces an earlier one. */
export const RUN_METRICS_SQL =
  'SELECT m.run_id, m.model, m.metric, m.value, m.ci_low, m.ci_high FROM metrics m ' +
  'LEFT JOIN executions e ON e.execution_id = m.execution_id ' +
  "WHERE m.run_id IS NOT NULL AND m.run_id != '' AND m.value IS NOT NULL ORDER BY e.started, m.execution_id";

const num = (v: SqlValue | undefined): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/** Rows of RUN_METRICS_SQL (run_id, model, metric, value, ci_low, ci_high) -> one entry per run. Pure. */
export function latestRunMetrics(rows: readonly (readonly SqlValue[])[]): RunDbMetrics[] {
  const byRun = new Map<string, Map<string, DbMetric>>();
  for (const [runId, model, metric, value, low, high] of rows) {
    const v = num(value);
    if (typeof runId !== 'string' || typeof metric !== 'string' || v === undefined) continue;
    const m: DbMetric = { metric, value: v };
    if (typeof model === 'string' && model) m.model = model;
    const lo = num(low);
    const hi = num(high);
    if (lo !== undefined && hi !== undefined) {
      m.low = lo;
      m.high = hi;
    }
    let run = byRun.get(runId);
    if (!run) byRun.set(runId, (run = new Map()));
    run.set(`${m.model ?? ''}\u0000${metric}`, m);
  }
  return [...byRun].map(([runId, ms]) => ({ runId, metrics: [...ms.values()] }));
}

/** Every run's metrics in the database at `path`; [] when there is no database yet. */
export async function readRunMetrics(path: string): Promise<RunDbMetrics[]> {
  const db = await openDatabase(path);
  if (!db) return [];
  try {
    const tables = db.exec("SELECT name FROM sqlite_master WHERE name IN ('metrics', 'executions')");
    if ((tables[0]?.values.length ?? 0) < 2) return [];
    return latestRunMetrics(db.exec(RUN_METRICS_SQL)[0]?.values ?? []);
  } catch (e) {
    throw new UserError(`cannot read the runs' metrics: ${(e as Error).message}`, { file: path });
  } finally {
    db.close();
  }
}
