/**
 * The trial ledger (docs/design.md §6.10): every evaluated configuration of a study, in artifacts/metrics.db,
 * with its per-period out-of-sample returns, so selection-adjusted statistics (core/stats) can be
 * computed from everything that was tried, not only from what is shown.
 *
 *   trials(study, trial, execution, notebook, cell, origin, branch, metric, value, periods,
 *          periods_per_year, times, returns, recorded)      times/returns: float64 little-endian
 *   trial_exclusions(study, trial, reason, excluded)
 *
 * A study is by default `<notebook file>/<cell>/<metric>` (the notebook plus the target cell and
 * metric). A trial is named `<cell>#<8 hex of its returns' hash>`: a re-run that produces the same
 * returns is the same trial (counted once), a changed cell that changes them is a new one.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { UserError } from '../errors';
import { openDatabase, updateDatabase, type SqlDatabase, type SqlValue } from './sqlite';

const SCHEMA =
  `
CREATE TABLE IF NOT EXISTS trials (study TEXT, trial TEXT, execution TEXT, notebook TEXT, cell TEXT, origin ` +
  `TEXT, branch TEXT, metric TEXT, value REAL, periods INTEGER, periods_per_year REAL, times ` +
  `BLOB, returns BLOB, recorded TEXT, PRIMARY KEY (study, trial));
CREATE TABLE IF NOT EXISTS trial_exclusions (study TEXT, trial TEXT, reason TEXT, excluded TEXT, PRIMARY KEY ` +
  `(study, trial));
`;

export interface TrialInput {
  study: string;
  /** Virtual cell name (`backtest[median_impute][ridge]`). */
  cell: string;
  origin: string;
  branch: Record<string, string>;
  notebook: string;
  metric: string;
  value: number;
  periodsPerYear: number;
  /** Bar times (ms) and per-period returns, equal length. */
  times: Float64Array;
  returns: Float64Array;
  execution?: string;
}

export interface Trial extends Omit<TrialInput, 'execution'> {
  trial: string;
  execution: string | null;
  recorded: string;
  excluded?: { reason: string; at: string };
}

/** `<notebook file>/<cell>/<metric>`. */
export function defaultStudy(notebookPath: string, origin: string, metric: string): string {
  return `${basename(notebookPath)}/${origin}/${metric}`;
}

/** The notebook cell of a virtual cell name (`backtest[a][b]` -> `backtest`). */
export function originOf(cell: string): string {
  const i = cell.indexOf('[');
  return i > 0 ? cell.slice(0, i) : cell;
}

/** `<cell>#<8 hex of sha256 over times and returns>`. */
export function trialName(cell: string, times: Float64Array, returns: Float64Array): string {
  const h = createHash('sha256')
    .update(Buffer.from(times.buffer, times.byteOffset, times.byteLength))
    .update(Buffer.from(returns.buffer, returns.byteOffset, returns.byteLength));
  return `${cell}#${h.digest('hex').slice(0, 8)}`;
}

const blob = (a: Float64Array): Uint8Array => new Uint8Array(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
function floats(v: SqlValue): Float64Array {
  if (!(v instanceof Uint8Array)) return new Float64Array(0);
  const copy = new Uint8Array(v); // aligned copy
  return new Float64Array(copy.buffer, 0, copy.byteLength >> 3);
}

/** Records trials (INSERT OR IGNORE on (study, trial): the first recording of a trial is kept). Returns their names. */
export async function recordTrials(dbPath: string, trials: readonly TrialInput[]): Promise<string[]> {
  const names = trials.map((t) => trialName(t.cell, t.times, t.returns));
  if (!trials.length) return names;
  await updateDatabase(dbPath, (db) => {
    db.exec(SCHEMA);
    const st = db.prepare('INSERT OR IGNORE INTO trials VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    try {
      trials.forEach((t, i) => {
        if (t.times.length !== t.returns.length)
          throw new Error(`trial ${names[i]}: ${t.times.length} times but ${t.returns.length} returns`);
        st.run([
          t.study,
          names[i],
          t.execution ?? null,
          t.notebook,
          t.cell,
          t.origin,
          JSON.stringify(t.branch),
          t.metric,
          Number.isFinite(t.value) ? t.value : null,
          t.returns.length,
          t.periodsPerYear,
          blob(t.times),
          blob(t.returns),
          new Date().toISOString(),
        ]);
      });
    } finally {
      st.free();
    }
  });
  return names;
}

function readTrials(db: SqlDatabase, study?: string): Trial[] {
  const has = db.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'trials'")[0]?.values.length;
  if (!has) return [];
  db.exec(SCHEMA);
  const where = study === undefined ? '' : `WHERE t.study = '${study.replace(/'/g, "''")}'`;
  const res = db.exec(
    `SELECT t.study, t.trial, t.execution, t.notebook, t.cell, t.origin, t.branch, t.metric, t.value, ` +
      `t.periods_per_year, t.times, t.returns, t.recorded, x.reason, x.excluded
    FROM trials t LEFT JOIN trial_exclusions x ON x.study = t.study AND x.trial = t.trial ${where} ORDER BY ` +
      `t.study, t.recorded, t.trial`,
  )[0];
  return (res?.values ?? []).map((r) => ({
    study: String(r[0]),
    trial: String(r[1]),
    execution: r[2] === null ? null : String(r[2]),
    notebook: String(r[3]),
    cell: String(r[4]),
    origin: String(r[5]),
    branch: JSON.parse(String(r[6] ?? '{}')) as Record<string, string>,
    metric: String(r[7]),
    value: r[8] === null ? NaN : Number(r[8]),
    periodsPerYear: Number(r[9]),
    times: floats(r[10]),
    returns: floats(r[11]),
    recorded: String(r[12]),
    ...(r[13] !== null && r[13] !== undefined ? { excluded: { reason: String(r[13]), at: String(r[14]) } } : {}),
  }));
}

/** Every trial (of one study), with its exclusion when there is one. */
export async function listTrials(dbPath: string, study?: string): Promise<Trial[]> {
  const db = await openDatabase(dbPath);
  if (!db) return [];
  try {
    return readTrials(db, study);
  } finally {
    db.close();
  }
}

/**
 * Copies the trials of another ledger file into this one (INSERT OR IGNORE: a trial already here is kept as it
 * is, with its first recording time): how a fleet's coordinator takes in what a worker's cell recorded in its
 * staged copy of the ledger, its paths put back by `text`. Returns how many were new.
 */
export async function mergeTrials(
  fromPath: string,
  toPath: string,
  text: (v: string) => string = (v) => v,
): Promise<number> {
  const from = await openDatabase(fromPath);
  if (!from) return 0;
  let rows: SqlValue[][];
  try {
    const has = from.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'trials'")[0]?.values.length;
    rows = has ? (from.exec('SELECT * FROM trials')[0]?.values ?? []) : [];
  } finally {
    from.close();
  }
  if (!rows.length) return 0;
  return updateDatabase(toPath, (db) => {
    db.exec(SCHEMA);
    const before = Number(db.exec('SELECT count(*) FROM trials')[0]?.values[0]?.[0] ?? 0);
    const st = db.prepare('INSERT OR IGNORE INTO trials VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    try {
      for (const r of rows) st.run(r.map((v) => (typeof v === 'string' ? text(v) : v)));
    } finally {
      st.free();
    }
    return Number(db.exec('SELECT count(*) FROM trials')[0]?.values[0]?.[0] ?? 0) - before;
  });
}

/**
 * Excludes a trial from its study's statistics, with the reason recorded (or, with reason
 * undefined, puts it back). The trial must exist; an unknown one is an error listing the study's trials.
 */
export async function setTrialExclusion(
  dbPath: string,
  study: string,
  trial: string,
  reason: string | undefined,
): Promise<void> {
  await updateDatabase(dbPath, (db) => {
    const known = readTrials(db, study);
    if (!known.length) {
      const studies = [...new Set(readTrials(db).map((t) => t.study))];
      throw new UserError(`no study '${study}' in the trial ledger`, { file: dbPath }, [
        studies.length
          ? `studies: ${studies.join(', ')}`
          : 'no trials recorded yet: run a notebook with a backtest or scenario_compare cell',
      ]);
    }
    if (!known.some((t) => t.trial === trial)) {
      throw new UserError(`no trial '${trial}' in study '${study}'`, { file: dbPath }, [
        `trials: ${known.map((t) => t.trial).join(', ')}`,
      ]);
    }
    if (reason === undefined) db.run('DELETE FROM trial_exclusions WHERE study = ? AND trial = ?', [study, trial]);
    else
      db.run('INSERT OR REPLACE INTO trial_exclusions VALUES (?, ?, ?, ?)', [
        study,
        trial,
        reason,
        new Date().toISOString(),
      ]);
  });
}

/**
 * The ledger state a selection cell's cache key includes, for one notebook: a hash over the
 * exclusions of the notebook's studies (`<notebook file>/...`), so `phasebook trials --exclude`
 * or `--include` recomputes the cells that compute statistics from the ledger instead of serving
 * numbers from before. Only exclusions: trials are recorded by the cells themselves during a run,
 * and a key must not change between the plan and the job that reads it back. 'none' without any.
 */
export async function ledgerState(dbPath: string, notebookPath: string): Promise<string> {
  const db = await openDatabase(dbPath);
  if (!db) return 'none';
  try {
    const has = db.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'trial_exclusions'")[0]?.values
      .length;
    if (!has) return 'none';
    const prefix = `${basename(notebookPath)}/`;
    const res = db.exec(
      `SELECT study, trial FROM trial_exclusions WHERE substr(study, 1, ${prefix.length}) = ` +
        `'${prefix.replace(/'/g, "''")}' ORDER BY study, trial`,
    )[0];
    const rows = res?.values ?? [];
    if (!rows.length) return 'none';
    const h = createHash('sha256');
    for (const r of rows) h.update(`${String(r[0])}\0${String(r[1])}\n`);
    return `excluded:${rows.length}:${h.digest('hex').slice(0, 16)}`;
  } finally {
    db.close();
  }
}
