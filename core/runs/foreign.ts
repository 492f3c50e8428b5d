/**
 * Runs without a run.json, written by other tools in the layouts of docs/design.md §7.4:
 *   data/stacking/<id>/   cv_results.json and/or stacking/stacking_dataset_h{H}.parquet   -> cv
 *   runs/<id>/            model.json and/or metrics.json                                 -> training / stacking
 *   results/<name>/<phase>/[<window>/]   phase_summary.json / aggregate_results.json      -> backtest / workflow
 * Only small JSON files are read; never a Parquet file, never model.json (it can be large).
 */
import type { Dirent } from 'node:fs';
import { join } from 'node:path';
import { CV_RESULTS_FILE, cvOverview } from './cvResults';
import { parseRunId } from './id';
import { listDirSync, mtimeSync, readJsonSync } from './readSync';
import {
  createdFromId,
  keyMetricFromBest,
  metricsFromBest,
  numericMetrics,
  pickKeyMetric,
  type RunSummary,
} from './summary';

export const STACKING_DIR = 'stacking';
const DATASET_FILE = /^stacking_dataset_h(\d+)\.parquet$/;

/** `stacking_dataset_h20.parquet` */
export function stackingDatasetFileName(horizon: number): string {
  return `stacking_dataset_h${horizon}.parquet`;
}

/** Horizons of the stacking dataset files in a list of file names, ascending. */
export function horizonsOfDatasetFiles(names: readonly string[]): number[] {
  const hs: number[] = [];
  for (const n of names) {
    const m = DATASET_FILE.exec(n);
    if (m) hs.push(Number(m[1]));
  }
  return hs.sort((a, b) => a - b);
}

const names = (dir: string): string[] => listDirSync(dir).map((e) => e.name);

/** Creation time from the id, else the folder's mtime (stat only when needed). */
function createdOf(id: string, dir: string): string {
  return parseRunId(id) ? createdFromId(id, new Date(0)) : mtimeSync(dir).toISOString();
}

/** A CV run folder of another tool; undefined when the folder has neither cv_results.json nor datasets. */
export function readForeignCvRun(dir: string, id: string, entries: readonly Dirent[]): RunSummary | undefined {
  const hasResults = entries.some((e) => e.name === CV_RESULTS_FILE && e.isFile());
  const hasStackingDir = entries.some((e) => e.name === STACKING_DIR && e.isDirectory());
  const fileHorizons = hasStackingDir ? horizonsOfDatasetFiles(names(join(dir, STACKING_DIR))) : [];
  if (!hasResults && !fileHorizons.length) return undefined;
  const s: RunSummary = {
    id,
    kind: 'cv',
    status: hasResults ? 'complete' : 'running',
    created: '',
    dir,
    metrics: {},
    foreign: true,
  };
  if (fileHorizons.length) s.horizons = fileHorizons;
  let createdFromResults: string | undefined;
  if (hasResults) {
    const r = readJsonSync(join(dir, CV_RESULTS_FILE));
    if (r && !r.ok) {
      s.status = 'failed';
      s.error = `${CV_RESULTS_FILE} does not parse: ${r.error}`;
    } else if (r?.ok) {
      const o = cvOverview(r.value);
      if (o.models) s.models = o.models;
      if (o.horizons) s.horizons = o.horizons;
      if (o.nSplits !== undefined) s.folds = o.nSplits;
      s.metrics = metricsFromBest(o.best);
      const key = keyMetricFromBest(o.best);
      if (key) s.keyMetric = key;
      if (o.created && !Number.isNaN(Date.parse(o.created))) createdFromResults = new Date(o.created).toISOString();
    }
  }
  s.created = createdFromResults ?? createdOf(id, dir);
  return s;
}

/** A training run folder of another tool: model.json and/or metrics.json. */
export function readForeignTrainingRun(dir: string, id: string, entries: readonly Dirent[]): RunSummary | undefined {
  const hasModel = entries.some((e) => e.name === 'model.json' && e.isFile());
  const hasMetrics = entries.some((e) => e.name === 'metrics.json' && e.isFile());
  if (!hasModel && !hasMetrics) return undefined;
  const parsed = parseRunId(id);
  const kind = parsed?.model === 'stacking' || id.startsWith('stacking_') ? 'stacking' : 'training';
  const s: RunSummary = { id, kind, status: 'complete', created: createdOf(id, dir), dir, metrics: {}, foreign: true };
  if (parsed?.model) s.models = [parsed.model];
  if (parsed?.horizon !== undefined) s.horizons = [parsed.horizon];
  if (hasMetrics) {
    const r = readJsonSync(join(dir, 'metrics.json'));
    if (r && !r.ok) {
      s.status = 'failed';
      s.error = `metrics.json does not parse: ${r.error}`;
    } else if (r?.ok) {
      s.metrics = numericMetrics(r.value);
      const key = pickKeyMetric(s.metrics, kind);
      if (key) s.keyMetric = key;
    }
  }
  return s;
}

const PHASE_FILES = ['phase_summary.json', 'aggregate_results.json'];

interface PhaseInfo {
  name: string;
  windows: number;
  metrics: Record<string, number>;
  timestamp?: string;
}

/** Metrics and timestamp of one phase folder that holds phase_summary.json / aggregate_results.json. */
function readPhaseFiles(dir: string, files: readonly string[]): Omit<PhaseInfo, 'name' | 'windows'> {
  if (files.includes('phase_summary.json')) {
    const r = readJsonSync(join(dir, 'phase_summary.json'));
    if (r?.ok && r.value && typeof r.value === 'object') {
      const v = r.value as Record<string, unknown>;
      const ts =
        typeof v.timestamp === 'string' && !Number.isNaN(Date.parse(v.timestamp))
          ? new Date(v.timestamp).toISOString()
          : undefined;
      return { metrics: numericMetrics(v.metrics_summary, 1), ...(ts ? { timestamp: ts } : {}) };
    }
  }
  if (files.includes('aggregate_results.json')) {
    const r = readJsonSync(join(dir, 'aggregate_results.json'));
    if (r?.ok && r.value && typeof r.value === 'object')
      return { metrics: numericMetrics((r.value as Record<string, unknown>).aggregate_metrics, 1) };
  }
  return { metrics: {} };
}

/** A results folder of another tool: phases (with optional walk-forward windows) holding summaries. */
export function readForeignResultsRun(dir: string, id: string, entries: readonly Dirent[]): RunSummary | undefined {
  const phases: PhaseInfo[] = [];
  const topNames = entries.map((e) => e.name);
  if (PHASE_FILES.some((f) => topNames.includes(f))) {
    phases.push({ name: '', windows: 0, ...readPhaseFiles(dir, topNames) });
  }
  for (const e of entries) {
    if (!e.isDirectory() || e.name.startsWith('.') || e.name === 'containers') continue;
    const phaseDir = join(dir, e.name);
    const inPhase = names(phaseDir);
    if (PHASE_FILES.some((f) => inPhase.includes(f))) {
      phases.push({ name: e.name, windows: 0, ...readPhaseFiles(phaseDir, inPhase) });
      continue;
    }
    // Walk-forward: <phase>/<window_id>/ holds the files. Count the windows; no per-window reads.
    let windows = 0;
    for (const w of inPhase) {
      if (w.startsWith('.') || w === 'containers') continue;
      const inner = names(join(phaseDir, w));
      if (PHASE_FILES.some((f) => inner.includes(f))) windows++;
    }
    if (windows) phases.push({ name: e.name, windows, metrics: {} });
  }
  if (!phases.length) return undefined;
  const named = phases.filter((p) => p.name);
  const kind = named.length > 1 ? 'workflow' : 'backtest';
  const metrics: Record<string, number> = {};
  for (const p of phases) {
    for (const [k, v] of Object.entries(p.metrics)) metrics[named.length > 1 && p.name ? `${p.name}.${k}` : k] = v;
  }
  const stamps = phases
    .map((p) => p.timestamp)
    .filter((t): t is string => !!t)
    .sort();
  const s: RunSummary = {
    id,
    kind,
    status: 'complete',
    created: stamps[0] ?? createdOf(id, dir),
    dir,
    metrics,
    foreign: true,
  };
  if (stamps.length) s.finished = stamps[stamps.length - 1]!;
  if (named.length) s.phases = named.map((p) => p.name);
  const windows = phases.reduce((a, p) => a + p.windows, 0);
  if (windows) s.folds = windows;
  const key = pickKeyMetric(metrics, kind);
  if (key) s.keyMetric = key;
  return s;
}
