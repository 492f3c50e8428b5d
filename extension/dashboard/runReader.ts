/**
 * Reads one run folder into the dashboard payload: run.json (or another tool's files through the
 * run index), cv_results.json, meta-learner weights, predictions and equity frames. Small JSON is
 * read directly; frames are read by a kernel (request `readRunFrames`, core/kernel/runFrames.ts) and arrive as
 * Arrow IPC: the host loads no Parquet. No vscode import: unit-testable.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { UserError } from '../../core/errors';
import { readRun } from '../../core/runs/scan';
import { listDirSync, readJsonSync } from '../../core/runs/readSync';
import type { ArtifactRoots } from '../../core/runs/roots';
import type { RunManifest } from '../../core/runs/types';
import type { ArtifactView, CvPooled, FoldView, Lineage, RunPayload } from './protocol';
import type { RunFramesReply } from '../../core/kernel/protocol';

const MODEL_JSON_LIMIT = 2 * 1024 * 1024;

function isRecord(x: unknown): x is Record<string, unknown> {
  return !!x && typeof x === 'object' && !Array.isArray(x);
}

function numberRecord(x: unknown): Record<string, number> | undefined {
  if (!isRecord(x)) return undefined;
  const out = Object.fromEntries(
    Object.entries(x).filter(([, v]) => typeof v === 'number' && Number.isFinite(v)),
  ) as Record<string, number>;
  return Object.keys(out).length ? out : undefined;
}

/** Meta-learner weights: run.json meta.meta_weights / meta.weights, else model.json (small ones only). */
export function metaWeightsOf(meta: Record<string, unknown>, dir: string): Record<string, number> | undefined {
  const fromMeta = numberRecord(meta.meta_weights) ?? numberRecord(meta.weights);
  if (fromMeta) return fromMeta;
  const path = join(dir, 'model.json');
  try {
    if (statSync(path).size > MODEL_JSON_LIMIT) return undefined;
  } catch {
    return undefined;
  }
  const json = readJsonSync(path);
  if (!json?.ok || !isRecord(json.value)) return undefined;
  const m = json.value;
  const direct = numberRecord(m.meta_weights) ?? numberRecord(m.weights);
  if (direct) return direct;
  const coef = (m.coef ?? m.coefficients ?? m.weights) as unknown;
  const names = (m.features ?? m.feature_names ?? m.inputs ?? m.columns) as unknown;
  if (
    Array.isArray(coef) &&
    Array.isArray(names) &&
    coef.length === names.length &&
    coef.every((c) => typeof c === 'number')
  ) {
    return Object.fromEntries(names.map((n, i) => [String(n), coef[i] as number]));
  }
  return undefined;
}

function cvOf(dir: string, notes: string[]): RunPayload['cv'] {
  const json = readJsonSync(join(dir, 'cv_results.json'));
  if (!json) return undefined;
  if (!json.ok) {
    notes.push(`cv_results.json could not be read: ${json.error}`);
    return undefined;
  }
  const v = json.value as Record<string, unknown>;
  const folds: FoldView[] = Array.isArray(v.folds)
    ? v.folds.filter(isRecord).map((f) => ({
        model: String(f.model),
        horizon: Number(f.horizon),
        fold: Number(f.fold ?? 0),
        scores: numberRecord(f.scores) ?? {},
      }))
    : [];
  return {
    primary_metric: typeof v.primary_metric === 'string' ? v.primary_metric : undefined,
    models: Array.isArray(v.models) ? v.models.map(String) : [...new Set(folds.map((f) => f.model))],
    horizons: Array.isArray(v.horizons) ? v.horizons.map(Number) : [...new Set(folds.map((f) => f.horizon))],
    n_splits: typeof v.n_splits === 'number' ? v.n_splits : undefined,
    folds,
    ...(isRecord(v.pooled) ? { pooled: v.pooled as CvPooled } : {}),
  };
}

function artifactsOf(dir: string, manifest: RunManifest | undefined): ArtifactView[] {
  const exists = (p: string): { exists: boolean; bytes?: number } => {
    try {
      const s = statSync(p);
      return { exists: true, bytes: s.isFile() ? s.size : undefined };
    } catch {
      return { exists: false };
    }
  };
  if (manifest?.artifacts?.length) {
    return manifest.artifacts.map((a) => {
      const absPath = isAbsolute(a.path) ? a.path : join(dir, a.path);
      const e = exists(absPath);
      return { path: a.path, absPath, exists: e.exists, bytes: a.bytes ?? e.bytes, rows: a.rows, sha256: a.sha256 };
    });
  }
  // Another tool's run (or a manifest without artifacts): the files that are there, two levels deep.
  const out: ArtifactView[] = [];
  const visit = (d: string, depth: number): void => {
    for (const e of listDirSync(d).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.') || out.length >= 200) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (depth < 2) visit(p, depth + 1);
      } else if (e.isFile() && e.name !== 'run.json') {
        out.push({ path: relative(dir, p).split('\\').join('/'), absPath: p, ...exists(p) });
      }
    }
  };
  visit(dir, 0);
  return out;
}

function lineageOf(
  manifest: RunManifest | undefined,
  meta: Record<string, unknown>,
  parent: string | undefined,
  roots: ArtifactRoots | undefined,
): Lineage {
  const parentId =
    typeof meta.cv_run_id === 'string' ? meta.cv_run_id : typeof meta.parent === 'string' ? meta.parent : parent;
  const parentDir = parentId && roots ? join(roots.stacking, parentId) : undefined;
  return {
    notebook: manifest?.source?.notebook,
    cell: manifest?.source?.cell,
    cli: manifest?.source?.cli,
    featureSetId: manifest?.feature_set_id,
    gitCommit: manifest?.git_commit,
    seed: manifest?.seed,
    configHash: manifest?.config_hash,
    engineVersion: manifest?.engine_version,
    parentRun: parentId ? { id: parentId, dir: parentDir && existsSync(parentDir) ? parentDir : undefined } : undefined,
  };
}

/** Reads a run's chart frames (the kernel's `readRunFrames`). */
export type RunFrameReader = (req: { predictions?: string; equityDir?: string }) => Promise<RunFramesReply>;

/** The dashboard payload of the run in `dir`; a UserError when the folder holds no run. */
export async function readRunPayload(
  dir: string,
  roots: ArtifactRoots | undefined,
  readFrames: RunFrameReader,
): Promise<RunPayload> {
  const summary = await readRun(dir, roots);
  if (!summary)
    throw new UserError(
      `'${dir}' is not a run folder (no run.json, cv_results.json, metrics.json, stacking datasets or results files)`,
      { file: dir },
    );
  const notes: string[] = [];
  const m = readJsonSync(join(summary.dir, 'run.json'));
  const manifest = m?.ok && isRecord(m.value) ? (m.value as unknown as RunManifest) : undefined;
  const meta = isRecord(manifest?.meta) ? manifest.meta : {};
  const payload: RunPayload = {
    dir: summary.dir,
    id: summary.id,
    kind: summary.kind,
    status: summary.status,
    created: summary.created,
    finished: summary.finished,
    error: summary.error,
    foreign: summary.foreign,
    metrics: numberRecord(manifest?.metrics) ?? summary.metrics ?? {},
    config: isRecord(manifest?.config) ? manifest.config : {},
    meta,
    lineage: lineageOf(manifest, meta, summary.parent, roots),
    selection: summary.selection,
    artifacts: artifactsOf(summary.dir, manifest),
    frames: {},
    notes,
  };
  if (summary.kind === 'cv' || existsSync(join(summary.dir, 'cv_results.json'))) payload.cv = cvOf(summary.dir, notes);
  const req: { predictions?: string; equityDir?: string } = {};
  if (summary.kind === 'stacking' || summary.kind === 'training') {
    payload.metaWeights = summary.kind === 'stacking' ? metaWeightsOf(meta, summary.dir) : undefined;
    const preds = join(summary.dir, 'predictions.parquet');
    if (existsSync(preds)) req.predictions = preds;
  }
  if (summary.kind === 'backtest' || summary.kind === 'workflow') req.equityDir = summary.dir;
  if (req.predictions || req.equityDir) {
    const r = await readFrames(req);
    if (r.predictions) {
      payload.frames.predictions = r.predictions.ipc;
      notes.push(...r.predictions.notes);
    }
    if (r.equity) {
      payload.frames.equity = r.equity.ipc;
      payload.equityTemporal = r.equity.temporal;
      notes.push(...r.equity.notes);
    }
  }
  return payload;
}
