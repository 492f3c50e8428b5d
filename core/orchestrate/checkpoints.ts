/**
 * Job checkpoints (docs/design.md §4.7): every cell that completes writes
 * `artifacts/{job}[_{scenario}][_{model}].meta.json` (input and output hashes, rows, timings,
 * versions) and then the marker `….ok`, so a marker always has its metadata.
 *
 * - A re-run skips a cell whose inputs, config and code version are unchanged (its cache key is
 *   the one recorded) and says "skipped: unchanged since <time>".
 * - Schema drift is a hard failure: when the cell's structure key (config, upstream configs, file
 *   names, engine version, seed — everything but file contents) is the recorded one but the
 *   schema of its input frame is not, the data changed shape under an unchanged pipeline:
 *   ValidationError (exit 2), never a silent re-run. An edit of the pipeline itself changes the
 *   structure key and simply records the new schema.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { ValidationError } from '../errors';
import type { PhaseResult } from '../spec/types';
import { writeFileAtomic } from '../runs/atomicWrite';
import { ENGINE_VERSION } from '../version';
import { jobStem } from './branch';
import { describeSchemaChange, frameHash, frameSchema, schemaHash, type SchemaColumn } from './fingerprint';

export const CHECKPOINT_FORMAT = 1;

export interface FrameFacts {
  rows: number;
  columns: number;
  schemaHash: string;
  contentHash: string;
}

export interface CheckpointMeta {
  format: number;
  /** Cell name as run (`train[median_impute][ridge]`). */
  job: string;
  kind: string;
  branch: Record<string, string>;
  /** Cache key: inputs, config and code version. */
  key: string;
  /** The key without file contents (see the module doc). */
  structureKey: string;
  status: 'ok' | 'cached';
  seed: number;
  inputs: ({ cell: string; key?: string } & Partial<FrameFacts>)[];
  /** Schema of the first input frame (what drift is checked against). */
  inputSchema?: { hash: string; columns: SchemaColumn[] };
  output?: FrameFacts;
  artifacts: string[];
  run?: string;
  warnings: string[];
  timings: { started: string; finished: string; durationMs: number };
  versions: { engine: string; node: string };
}

export function checkpointPaths(artifactsRoot: string, cell: string): { ok: string; meta: string } {
  const stem = jobStem(cell);
  return { ok: join(artifactsRoot, `${stem}.ok`), meta: join(artifactsRoot, `${stem}.meta.json`) };
}

/** The recorded checkpoint of a cell, when its marker exists and its metadata reads. */
export async function readCheckpoint(artifactsRoot: string, cell: string): Promise<CheckpointMeta | undefined> {
  const p = checkpointPaths(artifactsRoot, cell);
  if (!existsSync(p.ok)) return undefined;
  try {
    const m = JSON.parse(await readFile(p.meta, 'utf8')) as CheckpointMeta;
    return m.format === CHECKPOINT_FORMAT ? m : undefined;
  } catch {
    return undefined;
  }
}

export async function writeCheckpoint(artifactsRoot: string, meta: CheckpointMeta): Promise<void> {
  const p = checkpointPaths(artifactsRoot, meta.job);
  mkdirSync(artifactsRoot, { recursive: true });
  await unlink(p.ok).catch(() => undefined);
  await writeFileAtomic(p.meta, JSON.stringify(meta, null, 2) + '\n');
  await writeFileAtomic(p.ok, `${meta.timings.finished} ${meta.key}\n`);
}

export function frameFacts(result: PhaseResult | undefined): FrameFacts | undefined {
  const df = result?.dataset?.frame;
  if (!df) return undefined;
  return { rows: df.height, columns: df.width, schemaHash: schemaHash(frameSchema(df)), contentHash: frameHash(df) };
}

/** What the recorder hands over: the metadata's identity fields plus the live result. */
export interface CheckpointInput extends Pick<
  CheckpointMeta,
  'job' | 'kind' | 'branch' | 'key' | 'structureKey' | 'status' | 'seed'
> {
  baseDir: string;
  inputs: { cell: string; key?: string; result?: PhaseResult }[];
  result: PhaseResult;
  started: Date;
  durationMs: number;
}

export function buildCheckpoint(c: CheckpointInput): CheckpointMeta {
  const first = c.inputs.find((i) => i.result?.dataset)?.result?.dataset?.frame;
  const columns = first ? frameSchema(first) : undefined;
  return {
    format: CHECKPOINT_FORMAT,
    job: c.job,
    kind: c.kind,
    branch: c.branch,
    key: c.key,
    structureKey: c.structureKey,
    status: c.status,
    seed: c.seed,
    inputs: c.inputs.map((i) => ({ cell: i.cell, key: i.key, ...frameFacts(i.result) })),
    inputSchema: columns ? { hash: schemaHash(columns), columns } : undefined,
    output: frameFacts(c.result),
    artifacts: c.result.artifacts.map((a) => relative(c.baseDir, a.path)),
    run: c.result.run?.id,
    warnings: c.result.warnings,
    timings: {
      started: c.started.toISOString(),
      finished: new Date(c.started.getTime() + c.durationMs).toISOString(),
      durationMs: Math.round(c.durationMs),
    },
    versions: { engine: ENGINE_VERSION, node: process.version },
  };
}

/**
 * The drift check before a cell computes: a ValidationError when the recorded checkpoint has the
 * same structure key but a different input schema. `where` names the notebook file and cell.
 */
export function checkInputSchema(
  prev: CheckpointMeta | undefined,
  structureKey: string,
  inputs: readonly (PhaseResult | undefined)[],
  where: { file: string; cell: string; line: number; artifactsRoot: string },
): ValidationError | undefined {
  if (!prev?.inputSchema || prev.structureKey !== structureKey) return undefined;
  const first = inputs.find((r) => r?.dataset)?.dataset?.frame;
  if (!first) return undefined;
  const columns = frameSchema(first);
  if (schemaHash(columns) === prev.inputSchema.hash) return undefined;
  const marker = checkpointPaths(where.artifactsRoot, where.cell).ok;
  return new ValidationError(
    `the schema of the input changed since the last run (${prev.timings.finished}) while the pipeline did ` +
      `not: the data drifted`,
    { file: where.file, cell: where.cell, line: where.line },
    [
      ...describeSchemaChange(prev.inputSchema.columns, columns),
      `fix the source data, or delete ${marker} to accept the new schema`,
    ],
  );
}

/** "skipped: unchanged since <time>" when the recorded checkpoint has this key. */
export function unchangedNote(prev: CheckpointMeta | undefined, key: string): string | undefined {
  return prev && prev.key === key ? `skipped: unchanged since ${prev.timings.finished}` : undefined;
}
