/**
 * Top-N checkpoints of a training run (docs/design.md §4.10.4).
 * A `train` cell with `checkpoints: { top_n: 3, metric: val_loss }` keeps the N best models by
 * validation loss in the run folder's `checkpoints/` (one JSON model per file, worse ones
 * deleted by the manager), recorded in run.json meta.checkpoints and its artifacts.
 *
 * Candidates: an iterative model (gbdt) offers the model after every boosting round, scored by
 * that round's validation loss — rounds past the early-stopping best included, so the N kept
 * are the N best of every round that ran. Any other model is one candidate: the fitted model,
 * scored by its validation loss (log_loss or rmse on the val split).
 *
 * A checkpoint is used again with `from_checkpoint: RUN_ID[@STEP]` (or a path to one file):
 * the model is read (its sha256 checked) instead of fitted.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../../errors';
import type { ModelJSON, ModelSnapshot, TrainedModel } from '../model';
import { CheckpointManager, type CheckpointEntry } from './checkpoints';

export const CHECKPOINT_DIR = 'checkpoints';
/** The metric checkpoints are ranked by: the validation loss, lower is better. */
export const CHECKPOINT_METRICS = ['val_loss'] as const;

export interface CheckpointSettings {
  top_n: number;
  metric?: string;
}

export interface CheckpointRecord {
  metric: string;
  direction: 'min' | 'max';
  top_n: number;
  /** Folder inside the run. */
  dir: string;
  /** Kept checkpoints, best first (file names inside `dir`). */
  kept: { step: number; score: number; file: string; sha256: string }[];
  /** Candidates that were ranked (boosting rounds, or 1). */
  candidates: number;
}

export function checkSettings(c: CheckpointSettings, cell?: string): void {
  if (!Number.isInteger(c.top_n) || c.top_n < 1)
    throw new UserError(`checkpoints.top_n must be a whole number >= 1, got ${JSON.stringify(c.top_n)}`, {
      cell,
      key: 'checkpoints',
    });
  const metric = c.metric ?? 'val_loss';
  if (!(CHECKPOINT_METRICS as readonly string[]).includes(metric)) {
    throw new UserError(
      `checkpoints.metric '${metric}' is not supported: checkpoints are ranked by ` +
        `${CHECKPOINT_METRICS.join(', ')} (the validation loss after each step, lower is better)`,
      { cell, key: 'checkpoints' },
    );
  }
}

/**
 * Saves the N best candidates of `model` into `{runDir}/checkpoints`. `valLoss` scores a model
 * without snapshots. Returns what was kept (best first) and the files written (absolute).
 */
export async function keepTopCheckpoints(
  model: TrainedModel,
  runDir: string,
  c: CheckpointSettings,
  valLoss: number | undefined,
  cell?: string,
): Promise<{ record: CheckpointRecord; files: string[] }> {
  checkSettings(c, cell);
  const dir = join(runDir, CHECKPOINT_DIR);
  const manager = new CheckpointManager(dir, { topN: c.top_n, metric: c.metric ?? 'val_loss', direction: 'min' });
  let candidates: ModelSnapshot[] = model.snapshots?.() ?? [];
  if (!candidates.length) {
    if (valLoss === undefined || Number.isNaN(valLoss))
      throw new UserError(
        'checkpoints need a validation loss: the val split is empty (give split fractions with a val part)',
        { cell, key: 'checkpoints' },
      );
    candidates = [{ step: 0, score: valLoss, toJSON: () => model.toJSON() }];
  }
  // Rank first, then write only the N that make the cut (the manager would evict the rest anyway).
  const best = [...candidates]
    .sort((a, b) => manager.comparator.compare(a.score, b.score) || a.step - b.step)
    .slice(0, c.top_n);
  for (const s of best.sort((a, b) => a.step - b.step)) await manager.save(s.toJSON(), s.score, s.step);
  const kept = manager.list();
  const record: CheckpointRecord = {
    metric: manager.comparator.metric,
    direction: manager.comparator.direction,
    top_n: c.top_n,
    dir: CHECKPOINT_DIR,
    kept: kept.map((e) => ({ step: e.step, score: e.score, file: e.file, sha256: e.sha256 })),
    candidates: candidates.length,
  };
  return { record, files: [...kept.map((e) => join(dir, e.file)), manager.metadataPath] };
}

/**
 * `RUN_ID`, `RUN_ID@STEP`, a run folder, or a checkpoint file -> the checkpoint's model JSON and where it came from.
 */
export function readCheckpoint(
  ref: string,
  runsRoot: string,
  baseDir: string,
  cell?: string,
): { json: ModelJSON; file: string; step?: number; runDir?: string } {
  const at = /^(.*)@(\d+)$/.exec(ref);
  const target = at ? at[1] : ref;
  const step = at ? Number(at[2]) : undefined;
  const asPath = isAbsolute(target) ? target : resolve(baseDir, target);
  if (existsSync(asPath) && statSync(asPath).isFile()) {
    try {
      return { json: JSON.parse(readFileSync(asPath, 'utf8')) as ModelJSON, file: asPath };
    } catch (e) {
      throw new UserError(`checkpoint ${asPath} is not valid JSON: ${(e as Error).message}`, {
        cell,
        key: 'from_checkpoint',
        file: asPath,
      });
    }
  }
  const runDir = existsSync(join(asPath, CHECKPOINT_DIR)) ? asPath : join(runsRoot, target);
  const dir = join(runDir, CHECKPOINT_DIR);
  const metaFile = join(dir, 'checkpoint_checkpoints.json');
  if (!/^[A-Za-z0-9_.@/-]+$/.test(target) || !existsSync(metaFile)) {
    throw new UserError(`no checkpoints for '${ref}': ${dir} has none (train with checkpoints: { top_n: N } first)`, {
      cell,
      key: 'from_checkpoint',
    });
  }
  const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as {
    metric: string;
    direction: 'min' | 'max';
    topN: number;
    entries: CheckpointEntry[];
  };
  const manager = new CheckpointManager(dir, { topN: meta.topN, metric: meta.metric, direction: meta.direction });
  const entry = step === undefined ? manager.best() : manager.list().find((e) => e.step === step);
  const json = manager.load(step) as ModelJSON;
  return { json, file: join(dir, entry?.file ?? ''), step: entry?.step, runDir };
}
