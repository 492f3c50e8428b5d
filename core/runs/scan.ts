/**
 * The run index: every run under the artifact roots, as RunSummary rows. Reads run.json (and,
 * for runs of other tools, a few small JSON files) with small synchronous reads in time slices
 * of a few milliseconds, yielding to the event loop between slices; never Parquet.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CV_RESULTS_FILE, cvOverview } from './cvResults';
import { readForeignCvRun, readForeignResultsRun, readForeignTrainingRun } from './foreign';
import { isWriterInfo, writerGone } from './liveness';
import type { ArtifactRoots } from './roots';
import { MANIFEST_FILE } from './store';
import { listDirSync, mapTimeSliced, mtimeSync, readJsonSync, readSmallFileSync } from './readSync';
import { failedSummary, keyMetricFromBest, newestFirst, summarizeManifest, type RunSummary } from './summary';
import type { RunKind } from './types';

export type { RunSummary } from './summary';
export { newestFirst } from './summary';
export { formatRunsTable } from './table';

/** Which layout a root holds, and the kind a run there has when its run.json says nothing usable. */
type Layout = 'stacking' | 'runs' | 'results';
const LAYOUT_KIND: Record<Layout, RunKind> = { stacking: 'cv', runs: 'training', results: 'workflow' };

export interface ScanOptions {
  kind?: RunKind;
}

/** Every run under the stacking, runs and results roots, newest first. */
export async function scanRuns(roots: ArtifactRoots, opts: ScanOptions = {}): Promise<RunSummary[]> {
  const jobs: Array<{ dir: string; layout: Layout; id: string }> = [];
  const seen = new Set<string>();
  for (const layout of ['stacking', 'runs', 'results'] as const) {
    const root = resolve(roots[layout]);
    // A root that does not exist (yet) holds no runs.
    for (const e of listDirSync(root)) {
      if (!e.isDirectory() || e.name.startsWith('.')) continue;
      const dir = join(root, e.name);
      if (seen.has(dir)) continue;
      seen.add(dir);
      const nested = layout === 'results' ? workflowRunsIn(dir) : [];
      if (!nested.length) jobs.push({ dir, layout, id: e.name });
      for (const d of nested) {
        if (seen.has(d)) continue;
        seen.add(d);
        jobs.push({ dir: d, layout, id: `${e.name}/${basename(d)}` });
      }
    }
  }
  const found = await mapTimeSliced(jobs, (j) => readRunAs(j.dir, j.layout, j.id));
  const runs = found.filter((r): r is RunSummary => !!r && (!opts.kind || r.kind === opts.kind));
  return runs.sort(newestFirst);
}

/**
 * The run in one directory, or undefined when it holds none. With `roots`, a folder without
 * run.json is read in the layout of the root it sits in; without, every layout is tried.
 */
export async function readRun(dir: string, roots?: ArtifactRoots): Promise<RunSummary | undefined> {
  const abs = resolve(dir);
  const at = roots ? layoutOf(abs, roots) : undefined;
  return readRunAs(abs, at?.layout, at?.id ?? basename(abs));
}

/**
 * The workflow runs in a results-root folder that is a results_dir (notes/002:
 * results/{results_dir}/{workflow_id}/): its subfolders holding run.json, when the folder itself
 * has none. Empty for a run folder, and for the layout before notes/002 (results/{name}/{phase}/).
 */
export function workflowRunsIn(dir: string): string[] {
  if (existsSync(join(dir, MANIFEST_FILE))) return [];
  return listDirSync(dir)
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && existsSync(join(dir, e.name, MANIFEST_FILE)))
    .map((e) => join(dir, e.name));
}

/**
 * The run folder under a results root that a path below it belongs to: `{results_dir}/{workflow_id}`
 * when the first folder is a results_dir (no run.json, the second holds one), else the first folder.
 */
export function resultsRunDir(root: string, segments: readonly string[]): string {
  const first = join(root, segments[0]!);
  const second = segments[1];
  if (
    second &&
    !second.startsWith('.') &&
    !existsSync(join(first, MANIFEST_FILE)) &&
    existsSync(join(first, second, MANIFEST_FILE))
  )
    return join(first, second);
  return first;
}

/**
 * The run directory that a changed path belongs to (its first folder below a root), for the
 * watcher; undefined for paths outside the roots or directly in a root.
 */
export function runDirFor(path: string, roots: ArtifactRoots): string | undefined {
  const abs = resolve(path);
  for (const layout of ['stacking', 'runs', 'results'] as const) {
    const root = resolve(roots[layout]);
    const rel = relative(root, abs);
    if (!rel || rel.startsWith('..') || isAbsolute(rel)) continue;
    const segments = rel.split(sep);
    if (segments[0]!.startsWith('.')) return undefined;
    return layout === 'results' ? resultsRunDir(root, segments) : join(root, segments[0]!);
  }
  return undefined;
}

/** The layout of the root a run folder sits in, and its id (`{results_dir}/{workflow_id}` nested in a results root). */
function layoutOf(dir: string, roots: ArtifactRoots): { layout: Layout; id: string } | undefined {
  const parent = dirname(dir);
  for (const layout of ['stacking', 'runs', 'results'] as const)
    if (resolve(roots[layout]) === parent) return { layout, id: basename(dir) };
  if (
    resolve(roots.results) === dirname(parent) &&
    existsSync(join(dir, MANIFEST_FILE)) &&
    !existsSync(join(parent, MANIFEST_FILE))
  ) {
    return { layout: 'results', id: `${basename(parent)}/${basename(dir)}` };
  }
  return undefined;
}

function readRunAs(dir: string, layout: Layout | undefined, id: string): RunSummary | undefined {
  let text: string | undefined;
  try {
    text = readSmallFileSync(join(dir, MANIFEST_FILE));
  } catch (e) {
    return failedSummary(
      dir,
      { id, kind: layout ? LAYOUT_KIND[layout] : 'training', mtime: mtimeSync(dir) },
      `run.json cannot be read: ${(e as Error).message}`,
    );
  }
  if (text !== undefined) return fromManifestText(text, dir, id, layout);
  const entries = listDirSync(dir);
  if (!entries.length) return undefined;
  // A results_dir holding workflow runs is not itself a run.
  if ((layout === 'results' || layout === undefined) && workflowRunsIn(dir).length) return undefined;
  if (layout === 'stacking') return readForeignCvRun(dir, id, entries);
  if (layout === 'runs') return readForeignTrainingRun(dir, id, entries);
  if (layout === 'results') return readForeignResultsRun(dir, id, entries);
  return (
    readForeignCvRun(dir, id, entries) ??
    readForeignTrainingRun(dir, id, entries) ??
    readForeignResultsRun(dir, id, entries)
  );
}

function fromManifestText(text: string, dir: string, id: string, layout: Layout | undefined): RunSummary {
  const fallbackKind = layout ? LAYOUT_KIND[layout] : 'training';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return failedSummary(
      dir,
      { id, kind: fallbackKind, mtime: mtimeSync(dir) },
      `run.json does not parse: ${(e as Error).message}`,
    );
  }
  const needsMtime = !(json && typeof json === 'object' && typeof (json as { created?: unknown }).created === 'string');
  const s = summarizeManifest(json, dir, { id, kind: fallbackKind, mtime: needsMtime ? mtimeSync(dir) : new Date(0) });
  if (s.status === 'running') markInterrupted(s, (json as { writer?: unknown }).writer);
  const meta = (json as { meta?: { best?: unknown } }).meta;
  if (s.kind === 'cv' && !Array.isArray(meta?.best)) addCvResults(s);
  return s;
}

/** A `running` run whose writer is gone (killed mid-way) is `interrupted`, never `running`. */
function markInterrupted(s: RunSummary, writer: unknown): void {
  const why = writerGone(isWriterInfo(writer) ? writer : undefined, mtimeSync(join(s.dir, MANIFEST_FILE)));
  if (!why) return;
  s.status = 'interrupted';
  s.error = `interrupted: ${why}`;
}

/** A CV run whose run.json lacks the overview: read models, horizons, folds and best from cv_results.json. */
function addCvResults(s: RunSummary): void {
  const r = readJsonSync(join(s.dir, CV_RESULTS_FILE));
  if (!r?.ok) return;
  const o = cvOverview(r.value);
  if (o.models && !s.models) s.models = o.models;
  if (o.horizons && !s.horizons) s.horizons = o.horizons;
  if (o.nSplits !== undefined && s.folds === undefined) s.folds = o.nSplits;
  const key = keyMetricFromBest(o.best);
  if (key) s.keyMetric = key;
}
