/**
 * The CV -> stacking hand-over (docs/design.md §7.5): list CV runs (`phasebook cv-runs`) and load the
 * out-of-fold stacking dataset of one run and horizon, with errors that list what does exist.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pl from 'nodejs-polars';
import { UserError, type ErrorLocation } from '../errors';
import type { ModelTask } from '../base/matrix';
import { CV_RESULTS_FILE, cvOverview, parseCvResults, type CvBest, type CvResults } from './cvResults';
import { horizonsOfDatasetFiles, STACKING_DIR, stackingDatasetFileName } from './foreign';
import { parseRunId } from './id';
import { pathSegmentProblem } from './name';
import { listDirSync, mapTimeSliced, mtimeSync, readJsonSync, type JsonRead } from './readSync';
import { newestFirst } from './summary';
import { MANIFEST_FILE } from './store';
import { isWriterInfo, writerGone } from './liveness';
import { formatCreated, formatMetricValue, renderTable } from './table';
import type { RunManifest, RunStatus } from './types';

export { stackingDatasetFileName } from './foreign';

export interface CvRunInfo {
  id: string;
  dir: string;
  status: RunStatus;
  /** ISO-8601 UTC. */
  created: string;
  models: string[];
  /** Horizons the run was asked for (cv_results.json), else those it has datasets for. */
  horizons: number[];
  /** Horizons with a `stacking/stacking_dataset_h{H}.parquet` on disk. */
  datasetHorizons: number[];
  folds?: number;
  /** Best model per horizon by the primary metric. */
  best: CvBest[];
  /** No run.json: written by another tool. */
  foreign: boolean;
  error?: string;
}

/** Every CV run under the stacking root (with run.json, cv_results.json or datasets), newest first. */
export async function listCvRuns(stackingRoot: string): Promise<CvRunInfo[]> {
  const root = resolve(stackingRoot);
  const dirs = listDirSync(root)
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name);
  const infos = await mapTimeSliced(dirs, (name) => readCvRunInfo(join(root, name), name));
  return infos.filter((i): i is CvRunInfo => !!i).sort(newestFirst);
}

function readCvRunInfo(dir: string, id: string): CvRunInfo | undefined {
  const names = listDirSync(dir).map((e) => e.name);
  const datasetHorizons = names.includes(STACKING_DIR)
    ? horizonsOfDatasetFiles(listDirSync(join(dir, STACKING_DIR)).map((e) => e.name))
    : [];
  const manifest = names.includes(MANIFEST_FILE) ? readJsonSync(join(dir, MANIFEST_FILE)) : undefined;
  const results = names.includes(CV_RESULTS_FILE) ? readJsonSync(join(dir, CV_RESULTS_FILE)) : undefined;
  if (!manifest && !results && !datasetHorizons.length) return undefined;
  const info: CvRunInfo = {
    id,
    dir,
    status: results ? 'complete' : 'running',
    created: '',
    models: [],
    horizons: datasetHorizons,
    datasetHorizons,
    best: [],
    foreign: !manifest,
  };
  let created: string | undefined;
  if (manifest) {
    if (!manifest.ok) {
      info.status = 'failed';
      info.error = `run.json does not parse: ${manifest.error}`;
    } else {
      const m = manifest.value as Partial<RunManifest>;
      if (m.kind !== undefined && m.kind !== 'cv') return undefined;
      info.status = m.status === 'complete' || m.status === 'running' ? m.status : 'failed';
      if (typeof m.error === 'string') info.error = m.error;
      const gone =
        info.status === 'running'
          ? writerGone(isWriterInfo(m.writer) ? m.writer : undefined, mtimeSync(join(dir, MANIFEST_FILE)))
          : undefined;
      if (gone) {
        info.status = 'interrupted';
        info.error = `interrupted: ${gone}`;
      }
      if (typeof m.created === 'string' && !Number.isNaN(Date.parse(m.created)))
        created = new Date(m.created).toISOString();
    }
  }
  if (results) {
    if (!results.ok) {
      info.status = 'failed';
      info.error ??= `${CV_RESULTS_FILE} does not parse: ${results.error}`;
    } else {
      const o = cvOverview(results.value);
      if (o.models) info.models = o.models;
      if (o.horizons) info.horizons = o.horizons;
      if (o.nSplits !== undefined) info.folds = o.nSplits;
      info.best = o.best;
      if (!created && o.created && !Number.isNaN(Date.parse(o.created))) created = new Date(o.created).toISOString();
    }
  }
  info.created = created ?? parseRunId(id)?.created ?? mtimeSync(dir).toISOString();
  return info;
}

/** The table printed by `phasebook cv-runs`. */
export function formatCvRunsTable(runs: readonly CvRunInfo[]): string {
  if (!runs.length) return 'no CV runs found\n';
  const rows = runs.map((r) => [
    r.id,
    r.status,
    formatCreated(r.created),
    r.models.join(',') || '?',
    r.horizons.join(','),
    r.folds === undefined ? '' : String(r.folds),
    r.best.map((b) => `h${b.horizon} ${b.model} ${b.metric}=${formatMetricValue(b.value)}`).join('; '),
  ]);
  return renderTable(['id', 'status', 'created (UTC)', 'models', 'horizons', 'folds', 'best'], rows);
}

export interface StackingMeta {
  cvRunId: string;
  horizon: number;
  /** The CV run directory. */
  runDir: string;
  rows: number;
  /** `{model}_pred` and `{model}_prob_{class}` columns, in file order. */
  predictionColumns: string[];
  task: ModelTask;
  /** True when the dataset has the `fold` column. */
  hasFold: boolean;
  /** cv_results.json when it is Phasebook's format. */
  cvResults?: CvResults;
  /** Config and seed of the CV run, from its run.json. */
  config?: Record<string, unknown>;
  seed?: number;
}

export interface StackingData {
  frame: pl.DataFrame;
  path: string;
  models: string[];
  meta: StackingMeta;
}

/** At most this many entries of a listing are shown in an error; the rest are counted. */
const LISTING_LIMIT = 20;

function listing(items: readonly string[]): string {
  const shown = items.slice(0, LISTING_LIMIT).join(', ');
  return items.length > LISTING_LIMIT ? `[${shown}, ... and ${items.length - LISTING_LIMIT} more]` : `[${shown}]`;
}

/**
 * Loads `{stackingRoot}/{cvRunId}/stacking/stacking_dataset_h{H}.parquet`. UserErrors, each listing
 * what exists: the run is not found (available runs), the horizon is missing (available files and
 * horizons), the dataset has no `y_true` or no prediction column (its columns).
 */
export async function loadStackingData(
  stackingRoot: string,
  cvRunId: string,
  horizon: number,
  opts: { location?: ErrorLocation } = {},
): Promise<StackingData> {
  const where = opts.location ?? {};
  const root = resolve(stackingRoot);
  const problem = pathSegmentProblem(cvRunId);
  if (problem) throw new UserError(`invalid CV run id ${JSON.stringify(cvRunId)}: ${problem}`, where);
  const runDir = join(root, cvRunId);
  const stackingDir = join(runDir, STACKING_DIR);
  if (!(await isDirectory(stackingDir))) {
    const available = (await listCvRuns(root)).filter((r) => r.datasetHorizons.length).map((r) => r.id);
    const lines = [
      `CV run not found: ${cvRunId}`,
      `Expected directory: ${stackingDir}`,
      `Available runs: ${listing(available)}`,
    ];
    if (await isDirectory(runDir))
      lines.push(
        `The folder ${runDir} exists but has no ${STACKING_DIR}/ folder: the CV run may still be running or ` +
          `may have failed.`,
      );
    throw new UserError(lines.join('\n'), where);
  }
  const manifest = readJsonSync(join(runDir, MANIFEST_FILE));
  const m = manifest?.ok ? (manifest.value as Partial<RunManifest>) : undefined;
  if (m && m.status !== 'complete') {
    throw new UserError(
      `CV run ${cvRunId} is not complete (status: ${String(m.status)})${m.error ? `: ${m.error}` : ''}\nIts ` +
        `out-of-fold predictions may be partial; re-run the CV or pick a complete run.`,
      where,
    );
  }
  const fileName = stackingDatasetFileName(horizon);
  const path = join(stackingDir, fileName);
  const files = (await readdir(stackingDir)).sort();
  if (!files.includes(fileName)) {
    const hs = horizonsOfDatasetFiles(files);
    const datasetFiles = hs.map(stackingDatasetFileName);
    throw new UserError(
      [
        `Stacking dataset not found for H${horizon}`,
        `Expected: ${path}`,
        `Available: ${listing(datasetFiles.length ? datasetFiles : files)}`,
        `Available horizons: [${hs.join(', ')}]`,
      ].join('\n'),
      where,
    );
  }
  let frame: pl.DataFrame;
  try {
    frame = pl.readParquet(path);
  } catch (e) {
    throw new UserError(`Invalid stacking dataset: cannot read ${path}: ${(e as Error).message}`, {
      ...where,
      file: path,
    });
  }
  const columns = frame.columns;
  if (!columns.includes('y_true')) {
    throw new UserError(
      `Invalid stacking dataset: missing 'y_true' column\nFile: ${path}\nColumns: ${listing(columns)}`,
      { ...where, file: path, dataColumn: 'y_true' },
    );
  }
  const results: JsonRead | undefined = readJsonSync(join(runDir, CV_RESULTS_FILE));
  let cvResults: CvResults | undefined;
  if (results?.ok) {
    try {
      cvResults = parseCvResults(JSON.stringify(results.value), join(runDir, CV_RESULTS_FILE));
    } catch {
      cvResults = undefined; // another tool's cv_results.json: the columns say enough
    }
  }
  const knownModels = cvResults?.models ?? cvOverview(results?.ok ? results.value : undefined).models;
  const { models, predictionColumns } = predictionColumnsOf(columns, knownModels);
  if (!predictionColumns.length) {
    throw new UserError(
      `Invalid stacking dataset: no base-model prediction columns ('{model}_pred' or ` +
        `'{model}_prob_{class}')\nFile: ${path}\nColumns: ${listing(columns)}`,
      { ...where, file: path },
    );
  }
  const task: ModelTask =
    cvResults?.task?.[String(horizon)] ??
    (predictionColumns.some((c) => c.includes('_prob_')) ? 'classification' : 'regression');
  const meta: StackingMeta = {
    cvRunId,
    horizon,
    runDir,
    rows: frame.height,
    predictionColumns,
    task,
    hasFold: columns.includes('fold'),
  };
  if (cvResults) meta.cvResults = cvResults;
  if (m?.config) meta.config = m.config;
  if (typeof m?.seed === 'number') meta.seed = m.seed;
  return { frame, path, models, meta };
}

/**
 * Base-model prediction columns (`{model}_pred`, `{model}_prob_{class}`) and their model names,
 * in column order. With the run's model list, names are matched by prefix (a model name may hold
 * underscores); without it, by the column patterns.
 */
export function predictionColumnsOf(
  columns: readonly string[],
  knownModels?: readonly string[],
): { models: string[]; predictionColumns: string[] } {
  const models: string[] = [];
  const predictionColumns: string[] = [];
  const known = [...(knownModels ?? [])].sort((a, b) => b.length - a.length);
  for (const c of columns) {
    let model = known.find((k) => c === `${k}_pred` || c.startsWith(`${k}_prob_`));
    if (!model) {
      const m = /^(.+)_pred$/.exec(c) ?? /^(.+?)_prob_.+$/.exec(c);
      model = m?.[1];
    }
    if (!model) continue;
    predictionColumns.push(c);
    if (!models.includes(model)) models.push(model);
  }
  return { models, predictionColumns };
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
