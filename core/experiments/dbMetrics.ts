/**
 * The experiments table's metrics from artifacts/metrics.db (docs/design.md §9): every metric row that
 * names a run (a CV run's every model per horizon with its pooled CI, a stacking run's metrics and its
 * base models', each fan-out branch's run), the latest execution's value per (run, model, metric), and
 * the fan-out branch each run was made in (`{ scenario, model }`: a branch's training run has no
 * scenario in its run.json config, so the table takes it from here).
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
  /** The fan-out branch that made the run (`{ scenario: 'median_impute', model: 'ridge' }`), if any. */
  branch?: Record<string, string>;
}

/** Oldest execution first, so a later execution's row (a re-run, a cache hit) replaces an earlier one. */
export const RUN_METRICS_SQL =
  'SELECT m.run_id, m.model, m.metric, m.value, m.ci_low, m.ci_high, m.branch FROM metrics m ' +
  'LEFT JOIN executions e ON e.execution_id = m.execution_id ' +
  "WHERE m.run_id IS NOT NULL AND m.run_id != '' AND m.value IS NOT NULL ORDER BY e.started, m.execution_id";

/** Each run's fan-out branch (a cell that made no metric still names its run here). */
export const RUN_BRANCHES_SQL =
  'SELECT c.run_id, c.branch FROM cells c LEFT JOIN executions e ON e.execution_id = c.execution_id ' +
  "WHERE c.run_id IS NOT NULL AND c.run_id != '' AND c.branch IS NOT NULL ORDER BY e.started, c.execution_id";

const num = (v: SqlValue | undefined): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/** A `branch` column's JSON (`{"scenario":"ffill"}`) as labels; undefined when absent or unreadable. */
function branchOf(v: SqlValue | undefined): Record<string, string> | undefined {
  if (typeof v !== 'string' || !v) return undefined;
  try {
    const o: unknown = JSON.parse(v);
    if (o === null || typeof o !== 'object' || Array.isArray(o)) return undefined;
    const labels = Object.entries(o).filter((e): e is [string, string] => typeof e[1] === 'string');
    return labels.length ? Object.fromEntries(labels) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Rows of RUN_METRICS_SQL (run_id, model, metric, value, ci_low, ci_high, branch) and of RUN_BRANCHES_SQL
 * (run_id, branch) -> one entry per run. Pure. A metric whose `model` is its branch's model is the run's own
 * (a `train[ffill][ridge]` run's rmse is `rmse`, not `ridge.rmse`): metrics.db puts the branch's model there.
 */
export function latestRunMetrics(
  rows: readonly (readonly SqlValue[])[],
  branchRows: readonly (readonly SqlValue[])[] = [],
): RunDbMetrics[] {
  const byRun = new Map<string, Map<string, DbMetric>>();
  const branches = new Map<string, Record<string, string>>();
  for (const [runId, branch] of branchRows) {
    const b = branchOf(branch);
    if (typeof runId === 'string' && b) branches.set(runId, b);
  }
  for (const [runId, model, metric, value, low, high, branch] of rows) {
    const v = num(value);
    if (typeof runId !== 'string' || typeof metric !== 'string' || v === undefined) continue;
    const m: DbMetric = { metric, value: v };
    if (typeof model === 'string' && model && branchOf(branch)?.model !== model) m.model = model;
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
  for (const runId of branches.keys()) if (!byRun.has(runId)) byRun.set(runId, new Map());
  return [...byRun].map(([runId, ms]): RunDbMetrics => {
    const branch = branches.get(runId);
    return branch ? { runId, metrics: [...ms.values()], branch } : { runId, metrics: [...ms.values()] };
  });
}

/** Every run's metrics in the database at `path`; [] when there is no database yet. */
export async function readRunMetrics(path: string): Promise<RunDbMetrics[]> {
  const db = await openDatabase(path);
  if (!db) return [];
  try {
    const tables = new Set(
      db.exec("SELECT name FROM sqlite_master WHERE name IN ('metrics', 'executions', 'cells')")[0]?.values.flat(),
    );
    if (!tables.has('metrics') || !tables.has('executions')) return [];
    const branches = tables.has('cells') ? (db.exec(RUN_BRANCHES_SQL)[0]?.values ?? []) : [];
    return latestRunMetrics(db.exec(RUN_METRICS_SQL)[0]?.values ?? [], branches);
  } catch (e) {
    throw new UserError(`cannot read the runs' metrics: ${(e as Error).message}`, { file: path });
  } finally {
    db.close();
  }
}
