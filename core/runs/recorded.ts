/**
 * What a run.json records about files kept in the run folder, read for the explorer's commands:
 * a training run's top-N checkpoints (meta.checkpoints) and a pipeline run's copy of the notebook
 * it ran (notebook.pipeline, meta.reproduce). Pure: the caller reads the JSON.
 */
import { basename, dirname, join, resolve } from 'node:path';

export interface RecordedCheckpoint {
  step: number;
  score: number;
  /** 1 = best. */
  rank: number;
  /** Absolute path of the checkpoint's model JSON. */
  path: string;
  sha256?: string;
}

export interface RecordedCheckpoints {
  metric: string;
  direction: 'min' | 'max';
  /** Best first. */
  kept: RecordedCheckpoint[];
}

/** The folder of a run that holds its kept checkpoints (meta.checkpoints.dir). */
export const CHECKPOINT_FOLDER = 'checkpoints';

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** meta.checkpoints of a run.json (undefined when the run kept none). */
export function recordedCheckpoints(runDir: string, manifest: unknown): RecordedCheckpoints | undefined {
  const c = obj(obj(obj(manifest)?.meta)?.checkpoints);
  if (!c || !Array.isArray(c.kept)) return undefined;
  const folder = join(runDir, typeof c.dir === 'string' ? c.dir : CHECKPOINT_FOLDER);
  const kept: RecordedCheckpoint[] = [];
  for (const k of c.kept) {
    const e = obj(k);
    if (!e || typeof e.step !== 'number' || typeof e.score !== 'number' || typeof e.file !== 'string') continue;
    kept.push({
      step: e.step,
      score: e.score,
      rank: kept.length + 1,
      path: join(folder, basename(e.file)),
      ...(typeof e.sha256 === 'string' ? { sha256: e.sha256 } : {}),
    });
  }
  if (!kept.length) return undefined;
  return {
    metric: typeof c.metric === 'string' ? c.metric : 'val_loss',
    direction: c.direction === 'max' ? 'max' : 'min',
    kept,
  };
}

/** The train cell line that uses a checkpoint instead of fitting. */
export function fromCheckpointLine(runId: string, step: number): string {
  return `from_checkpoint: ${runId}@${step}`;
}

/**
 * The CLI arguments that train from a checkpoint (`phasebook train --from-checkpoint RUN_ID@STEP`).
 * The CLI finds the run under `{dir}/runs`: a run in a folder named `runs` gets `--dir` its parent.
 */
export function trainFromCheckpointArgs(runDir: string, runId: string, step: number): string[] {
  const root = dirname(runDir);
  return [
    'train',
    '--from-checkpoint',
    `${runId}@${step}`,
    ...(basename(root) === 'runs' ? ['--dir', dirname(root)] : []),
  ];
}

/** The copy of the notebook text each pipeline run keeps in its folder. */
export const STORED_NOTEBOOK = 'notebook.pipeline';

export interface RecordedNotebook {
  /** The copy the run kept. */
  stored: string;
  /** Today's notebook file (config.notebook against meta.reproduce.base_dir). */
  current?: string;
  /** The notebook's name as recorded (config.notebook). */
  name: string;
  sha256?: string;
}

/** Where a pipeline run's stored notebook and today's file are; a reason when the run has none. */
export function recordedNotebook(
  runDir: string,
  manifest: unknown,
  storedExists: boolean,
): RecordedNotebook | { missing: string } {
  const m = obj(manifest);
  const id = typeof m?.id === 'string' ? m.id : basename(runDir);
  if (m?.kind !== 'pipeline')
    return {
      missing:
        `run ${id} is a ${typeof m?.kind === 'string' ? m.kind : 'foreign'} run: only pipeline runs (phasebook ` +
        `run NOTEBOOK) keep the notebook they ran`,
    };
  if (!storedExists)
    return {
      missing: `run ${id} has no ${STORED_NOTEBOOK}: it was recorded before runs kept a copy of their notebook`,
    };
  const reproduce = obj(obj(m.meta)?.reproduce);
  const notebook = obj(m.config)?.notebook;
  const name = typeof notebook === 'string' ? notebook : STORED_NOTEBOOK;
  const current =
    typeof notebook === 'string' && typeof reproduce?.base_dir === 'string'
      ? resolve(runDir, reproduce.base_dir, notebook)
      : undefined;
  return {
    stored: join(runDir, STORED_NOTEBOOK),
    name,
    ...(current ? { current } : {}),
    ...(typeof reproduce?.notebook_sha256 === 'string' ? { sha256: reproduce.notebook_sha256 } : {}),
  };
}
