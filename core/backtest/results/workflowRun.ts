/**
 * The workflow run around results phases (notes/002): `results/[{results_dir}/]{workflow_id}/run.json`,
 * its phases in `{phase}/[{window_id}/]`. Several cells may write phases into one workflow run (the
 * same results_dir and workflow), so the folder is not
 * created exclusively like other runs: each phase registers itself in run.json (status
 * `running`), and run.json is rewritten atomically, last, when the phase completes or fails.
 * Re-running a cell replaces its phase folder; a phase written by another cell is never replaced.
 *
 * run.json meta: phases (names, in order of first run), phase_owners (notebook#cell),
 * phase_metrics (per phase), windows (window ids per walk-forward phase) and folds (their total).
 * Top-level metrics are the phase's own for a one-phase run, `{phase}.{metric}` otherwise.
 */
import { mkdir, readFile, rm, utimes } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UserError } from '../../errors';
import { writeFileAtomic } from '../../runs/atomicWrite';
import { gitCommit } from '../../runs/git';
import { configHash, fileDigest } from '../../runs/hash';
import { pathSegmentProblem } from '../../runs/name';
import { MANIFEST_FILE } from '../../runs/store';
import { currentWriter, HEARTBEAT_MS } from '../../runs/liveness';
import type { ArtifactEntry, RunManifest } from '../../runs/types';
import { ENGINE_VERSION } from '../../version';

export interface WorkflowStageOptions {
  resultsRoot: string;
  /** The results_dir key: a folder of workflow runs under the results root (optional). */
  resultsDir?: string;
  /** The workflow id: the run folder (under results_dir when set). */
  workflow: string;
  phase: string;
  /** Who writes the phase: `notebook#cell` (or the CLI command). */
  owner: string;
  config: Record<string, unknown>;
  seed: number;
  source: RunManifest['source'];
  baseDir?: string;
  cell?: string;
}

export interface WorkflowStage {
  /** The workflow run folder. */
  readonly runDir: string;
  /** This phase's folder (emptied when the phase was run before by the same owner). */
  readonly stageDir: string;
  readonly runId: string;
  /** Marks the phase complete with its metrics; `files` are recorded as artifacts (relative to the run). */
  complete(metrics: Record<string, number>, extra?: { windows?: string[]; files?: string[] }): Promise<RunManifest>;
  fail(error: string): Promise<RunManifest>;
}

type Meta = {
  phases: string[];
  phase_owners: Record<string, string>;
  phase_metrics: Record<string, Record<string, number>>;
  windows: Record<string, string[]>;
  folds?: number;
  phase_status: Record<string, string>;
  /** The seed each phase used (a cell's own `seed:` wins over the execution's). */
  phase_seeds: Record<string, number>;
} & Record<string, unknown>;

async function readManifest(dir: string): Promise<RunManifest | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as RunManifest;
  } catch {
    return undefined;
  }
}

function metaOf(m: RunManifest | undefined): Meta {
  const meta = (m?.meta ?? {}) as Partial<Meta>;
  return {
    ...meta,
    phases: Array.isArray(meta.phases) ? [...meta.phases] : [],
    phase_owners: { ...(meta.phase_owners ?? {}) },
    phase_metrics: { ...(meta.phase_metrics ?? {}) },
    windows: { ...(meta.windows ?? {}) },
    phase_status: { ...(meta.phase_status ?? {}) },
    phase_seeds: { ...(meta.phase_seeds ?? {}) },
  };
}

function topMetrics(meta: Meta): Record<string, number> {
  const out: Record<string, number> = {};
  const single = meta.phases.length === 1;
  for (const p of meta.phases)
    for (const [k, v] of Object.entries(meta.phase_metrics[p] ?? {})) out[single ? k : `${p}.${k}`] = v;
  return out;
}

export async function beginWorkflowStage(o: WorkflowStageOptions): Promise<WorkflowStage> {
  const segments: Array<[string | undefined, string]> = [
    [o.resultsDir, 'results_dir'],
    [o.workflow, 'workflow'],
    [o.phase, 'phase'],
  ];
  for (const [value, key] of segments) {
    const problem = value === undefined ? undefined : pathSegmentProblem(value);
    if (problem) throw new UserError(`invalid ${key} ${JSON.stringify(value)}: ${problem}`, { cell: o.cell, key });
  }
  const id = o.resultsDir !== undefined ? `${o.resultsDir}/${o.workflow}` : o.workflow;
  const runDir =
    o.resultsDir !== undefined
      ? join(resolve(o.resultsRoot), o.resultsDir, o.workflow)
      : join(resolve(o.resultsRoot), o.workflow);
  await mkdir(runDir, { recursive: true });
  const before = await readManifest(runDir);
  const meta = metaOf(before);
  const owner = meta.phase_owners[o.phase];
  if (owner && owner !== o.owner) {
    throw new UserError(
      `results/${id}/${o.phase} was written by ${owner}; it is not replaced`,
      { cell: o.cell, key: 'phase' },
      ['choose another phase name (or workflow, or results_dir), or delete that folder first'],
    );
  }
  const stageDir = join(runDir, o.phase);
  await rm(stageDir, { recursive: true, force: true });
  await mkdir(stageDir, { recursive: true });
  if (!meta.phases.includes(o.phase)) meta.phases.push(o.phase);
  meta.phase_owners[o.phase] = o.owner;
  meta.phase_status[o.phase] = 'running';
  meta.phase_seeds[o.phase] = o.seed;
  delete meta.phase_metrics[o.phase];
  delete meta.windows[o.phase];
  const configs = { ...((before?.config as Record<string, unknown>) ?? {}), [o.phase]: o.config };
  const commit = await gitCommit(o.baseDir ?? process.cwd());
  const manifest: RunManifest = {
    id,
    kind: meta.phases.length > 1 ? 'workflow' : 'backtest',
    status: 'running',
    created: before?.created ?? new Date().toISOString(),
    source: o.source,
    config: configs,
    config_hash: configHash(configs),
    ...(commit ? { git_commit: commit } : {}),
    seed: o.seed,
    metrics: topMetrics(meta),
    artifacts: (before?.artifacts ?? []).filter((a) => !a.path.startsWith(`${o.phase}/`)),
    meta,
    writer: currentWriter(),
    engine_version: ENGINE_VERSION,
  };
  await write(runDir, manifest);
  const beat = setInterval(() => {
    const now = new Date();
    utimes(join(runDir, MANIFEST_FILE), now, now).catch(() => undefined);
  }, HEARTBEAT_MS);
  beat.unref();

  const finish = async (
    status: 'complete' | 'failed',
    metrics: Record<string, number>,
    extra: { windows?: string[]; files?: string[]; error?: string },
  ) => {
    clearInterval(beat);
    // Re-read: another cell may have finished its phase in the meantime.
    const current = (await readManifest(runDir)) ?? manifest;
    const m = metaOf(current);
    if (!m.phases.includes(o.phase)) m.phases.push(o.phase);
    m.phase_status[o.phase] = status;
    m.phase_metrics[o.phase] = metrics;
    if (extra.windows) m.windows[o.phase] = extra.windows;
    const folds = Object.values(m.windows).reduce((a, w) => a + w.length, 0);
    if (folds) m.folds = folds;
    const artifacts: ArtifactEntry[] = current.artifacts.filter((a) => !a.path.startsWith(`${o.phase}/`));
    for (const f of extra.files ?? []) {
      const h = await fileDigest(join(runDir, f)).catch(() => undefined);
      if (h) artifacts.push({ path: f, bytes: h.bytes, sha256: h.sha256 });
    }
    const statuses = Object.values(m.phase_status);
    const next: RunManifest = {
      ...current,
      kind: m.phases.length > 1 ? 'workflow' : 'backtest',
      status: statuses.includes('failed') ? 'failed' : statuses.includes('running') ? 'running' : 'complete',
      finished: new Date().toISOString(),
      metrics: topMetrics(m),
      artifacts,
      meta: m,
    };
    if (next.status !== 'running') delete next.writer;
    if (extra.error !== undefined) next.error = `${o.phase}: ${extra.error}`;
    else if (next.status !== 'failed') delete next.error;
    await write(runDir, next);
    return next;
  };
  return {
    runDir,
    stageDir,
    runId: id,
    complete: (metrics, extra = {}) => finish('complete', metrics, extra),
    fail: (error) => finish('failed', {}, { error }),
  };
}

/**
 * Records a phase's selection-adjusted headline ("Sharpe 1.42 · deflated 0.31 after 48 trials")
 * in run.json `meta.selection[phase]`, for the run explorer and the dashboard. No-op without run.json.
 */
export async function recordStageSelection(runDir: string, phase: string, line: string): Promise<void> {
  const current = await readManifest(runDir);
  if (!current) return;
  const meta = (current.meta ?? {}) as Record<string, unknown>;
  const prev =
    meta.selection !== null && typeof meta.selection === 'object' && !Array.isArray(meta.selection)
      ? (meta.selection as Record<string, string>)
      : {};
  await write(runDir, { ...current, meta: { ...meta, selection: { ...prev, [phase]: line } } });
}

function write(dir: string, m: RunManifest): Promise<void> {
  return writeFileAtomic(join(dir, MANIFEST_FILE), JSON.stringify(m, null, 2) + '\n');
}
