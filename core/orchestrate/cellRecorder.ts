/**
 * One memory layout for a result's frame, whether it was just computed or restored from the
 * cache (a restored frame is one chunk): so a cache hit is byte-identical to a fresh computation,
 * and so is everything written from it downstream.
 */
export function normaliseResult(r: PhaseResult): PhaseResult {
  const d = r.dataset;
  if (!d || d.frame.nChunks() <= 1) return r;
  return { ...r, dataset: { ...d, frame: d.frame.rechunk() } };
}

/**
 * What a session records around each cell it runs (docs/design.md §4.7): the drift check before computing,
 * the job log while computing, the checkpoint after (computed or restored), and the
 * "skipped: unchanged since ..." note for a cell whose checkpoint already has its key.
 */
import { relative } from 'node:path';
import { toCellError } from '../graph/cellError';
import type { CellError } from '../graph/events';
import type { Logger } from '../log';
import type { Cell } from '../notebook/types';
import { getPhase } from '../spec/registry';
import type { PhaseResult } from '../spec/types';
import type { ArtifactRoots } from '../runs/roots';
import { branchLabels } from './branch';
import { touchEntry } from './cacheStats';
import {
  buildCheckpoint,
  checkInputSchema,
  readCheckpoint,
  unchangedNote,
  writeCheckpoint,
  type CheckpointMeta,
} from './checkpoints';
import type { Expansion } from './expand';
import { jobLogger } from './jobLog';

export interface RecorderOptions {
  roots: ArtifactRoots;
  baseDir: string;
  notebookPath: string;
  seed: number;
  expansion: Expansion;
  cells: ReadonlyMap<string, Cell>;
  structureKeys(): Promise<Map<string, string>>;
  log: Logger;
  /** False in tests that want no files besides the cache (default true). */
  enabled?: boolean;
}

export type RecordedInput = { cell: string; key?: string; result?: PhaseResult };

export class CellRecorder {
  private structure?: Promise<Map<string, string>>;

  constructor(private readonly o: RecorderOptions) {}

  private structureKey(name: string): Promise<string | undefined> {
    this.structure ??= this.o.structureKeys();
    return this.structure.then((m) => m.get(name));
  }

  private branch(name: string): Record<string, string> {
    return branchLabels(this.o.expansion.virtual.get(name)?.branch ?? []);
  }

  /** The cell's logger: the session's, plus logs/{job}.log. */
  logger(name: string, base: Logger, key: string): Logger {
    const log = jobLogger(base, this.o.roots.logs, name, { key: key.slice(0, 16) });
    log.info(`job ${name} started`, { branch: this.branch(name) });
    return log;
  }

  /**
   * A schema-drift failure for this cell, or undefined. Checked where outside data enters: on
   * cells that read a source cell (load, import). Below that, a schema follows from the accepted
   * upstream schema and the configs, so one drift is reported once, not on every descendant.
   */
  async drift(
    name: string,
    parents: readonly string[],
    inputs: readonly (PhaseResult | undefined)[],
  ): Promise<CellError | undefined> {
    const fromSource = parents.some((p) => {
      const pc = this.o.cells.get(p);
      return pc?.type === 'phase' && getPhase(pc.kind)?.needsInput === false;
    });
    if (!fromSource) return undefined;
    const structureKey = await this.structureKey(name);
    const cell = this.o.cells.get(name) as Cell;
    if (!structureKey) return undefined;
    const prev = await readCheckpoint(this.o.roots.artifacts, name);
    const e = checkInputSchema(prev, structureKey, inputs, {
      file: relative(process.cwd(), this.o.notebookPath) || this.o.notebookPath,
      cell: name,
      line: cell.headerLine + 1,
      artifactsRoot: this.o.roots.artifacts,
    });
    if (e) this.o.log.error(e.message, { cell: name, details: e.details });
    return e ? toCellError(e, cell, this.o.notebookPath) : undefined;
  }

  async computed(
    name: string,
    key: string,
    result: PhaseResult,
    inputs: RecordedInput[],
    started: Date,
    durationMs: number,
  ): Promise<void> {
    await this.write(name, key, 'ok', result, inputs, started, durationMs);
  }

  /** Records a restored cell; returns the note to show when its checkpoint was already current. */
  async cached(name: string, key: string, result: PhaseResult, inputs: RecordedInput[]): Promise<string | undefined> {
    await touchEntry(this.o.roots.cache, key);
    const prev = await readCheckpoint(this.o.roots.artifacts, name);
    const note = unchangedNote(prev, key);
    if (note) {
      this.o.log.info(note, { cell: name });
      return note;
    }
    await this.write(name, key, 'cached', result, inputs, new Date(), 0);
    return undefined;
  }

  private async write(
    name: string,
    key: string,
    status: CheckpointMeta['status'],
    result: PhaseResult,
    inputs: RecordedInput[],
    started: Date,
    durationMs: number,
  ): Promise<void> {
    if (this.o.enabled === false) return;
    const cell = this.o.cells.get(name) as Cell;
    try {
      const meta = buildCheckpoint({
        job: name,
        kind: cell.kind,
        branch: this.branch(name),
        key,
        structureKey: (await this.structureKey(name)) ?? '',
        status,
        seed: this.o.seed,
        baseDir: this.o.baseDir,
        inputs,
        result,
        started,
        durationMs,
      });
      await writeCheckpoint(this.o.roots.artifacts, meta);
    } catch (e) {
      this.o.log.warn(`could not write the checkpoint of cell '${name}': ${(e as Error).message}`, { cell: name });
    }
  }
}
