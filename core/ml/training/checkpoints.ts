/**
 * Top-N checkpoint retention. Each checkpoint is a JSON payload (a model's toJSON()) ranked by
 * its score in the metric's direction; only the best N stay on disk, the rest are deleted.
 *
 * Layout in `dir` (docs/design.md §6.9: checkpoints as *.ok + metadata):
 *   {prefix}_step{step}.json       the payload, written atomically
 *   {prefix}_step{step}.json.ok    written after the payload: marks it complete; holds its entry
 *                                  (step, score, sha256, bytes, created) as JSON
 *   {prefix}_checkpoints.json      metadata: metric, direction, topN and the kept entries, best first
 * Opening a folder rebuilds the entries from the .ok markers: a payload without its marker (an
 * interrupted save) is deleted, as is anything beyond the best N, so a resumed run sees exactly
 * the complete checkpoints it would have kept.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../errors';
import { writeFileAtomic } from '../../runs/atomicWrite';
import type { MetricDirection } from '../metrics';
import { MetricComparator } from './comparator';

export interface CheckpointOptions {
  /** Checkpoints kept (integer >= 1). */
  topN: number;
  metric: string;
  /** Needed only for a metric that ../metrics does not know. */
  direction?: MetricDirection;
  /** File name prefix (default 'checkpoint'): several managers can share a folder. */
  prefix?: string;
}

export interface CheckpointEntry {
  step: number;
  score: number;
  /** File name inside the checkpoint folder. */
  file: string;
  sha256: string;
  bytes: number;
  created: string;
}

interface Metadata {
  metric: string;
  direction: MetricDirection;
  topN: number;
  entries: CheckpointEntry[];
}

export class CheckpointManager {
  readonly dir: string;
  readonly topN: number;
  readonly prefix: string;
  readonly comparator: MetricComparator;
  private entries: CheckpointEntry[] = [];

  constructor(dir: string, opts: CheckpointOptions) {
    if (!Number.isInteger(opts.topN) || opts.topN < 1)
      throw new UserError(`checkpoints: top_n must be an integer >= 1, got ${opts.topN}`, { key: 'top_n' });
    const prefix = opts.prefix ?? 'checkpoint';
    if (!/^[A-Za-z0-9_.-]+$/.test(prefix))
      throw new UserError(`checkpoints: prefix '${prefix}' must be a plain file name part`, { key: 'prefix' });
    this.dir = dir;
    this.topN = opts.topN;
    this.prefix = prefix;
    this.comparator = new MetricComparator(opts.metric, opts.direction);
    mkdirSync(dir, { recursive: true });
    this.recover();
  }

  get metadataPath(): string {
    return join(this.dir, `${this.prefix}_checkpoints.json`);
  }

  fileFor(step: number): string {
    return `${this.prefix}_step${step}.json`;
  }

  /** Kept checkpoints, best first. */
  list(): CheckpointEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  best(): CheckpointEntry | undefined {
    return this.entries[0] ? { ...this.entries[0] } : undefined;
  }

  /**
   * Saves `payload` (JSON-serialisable) as the checkpoint of `step` if its score ranks among the
   * best N, then deletes whichever checkpoint fell out. Returns the entry, or null when the score
   * did not make the cut (or is NaN) and nothing was written. Saving a step again replaces it.
   */
  async save(payload: unknown, score: number, step: number): Promise<CheckpointEntry | null> {
    if (!Number.isInteger(step) || step < 0)
      throw new Error(`checkpoint step must be a non-negative integer, got ${step}`);
    if (Number.isNaN(score)) return null;
    const others = this.entries.filter((e) => e.step !== step);
    const rank = this.rank([...others, { step, score } as CheckpointEntry]);
    const position = rank.findIndex((e) => e.step === step);
    if (position >= this.topN) return null;

    const text = JSON.stringify(payload);
    const file = this.fileFor(step);
    const sha256 = createHash('sha256').update(text).digest('hex');
    const entry: CheckpointEntry = {
      step,
      score,
      file,
      sha256,
      bytes: Buffer.byteLength(text),
      created: new Date().toISOString(),
    };
    await unlink(join(this.dir, `${file}.ok`)).catch(() => undefined);
    await writeFileAtomic(join(this.dir, file), text);
    await writeFileAtomic(join(this.dir, `${file}.ok`), JSON.stringify(entry) + '\n');

    const kept = this.rank([...others, entry]);
    const evicted = kept.slice(this.topN);
    this.entries = kept.slice(0, this.topN);
    for (const e of evicted) await this.remove(e.file);
    await this.writeMetadata();
    return { ...entry };
  }

  /** The payload of a kept checkpoint (default: the best), checked against its recorded sha256. */
  load(step?: number): unknown {
    const entry = step === undefined ? this.entries[0] : this.entries.find((e) => e.step === step);
    if (!entry) {
      const have = this.entries.map((e) => e.step).join(', ') || 'none';
      throw new UserError(
        `no checkpoint${step === undefined ? '' : ` for step ${step}`} in ${this.dir}`,
        { file: this.dir },
        [`kept steps: ${have}`],
      );
    }
    const text = readFileSync(join(this.dir, entry.file), 'utf8');
    const sha = createHash('sha256').update(text).digest('hex');
    if (sha !== entry.sha256)
      throw new UserError(`checkpoint ${entry.file} was modified after it was saved (sha256 mismatch)`, {
        file: join(this.dir, entry.file),
      });
    return JSON.parse(text);
  }

  private rank(entries: CheckpointEntry[]): CheckpointEntry[] {
    return entries.sort((a, b) => this.comparator.compare(a.score, b.score) || a.step - b.step);
  }

  private async remove(file: string): Promise<void> {
    // Marker first: a checkpoint half-deleted by a crash is then an orphan, never "complete".
    await unlink(join(this.dir, `${file}.ok`)).catch(() => undefined);
    await unlink(join(this.dir, file)).catch(() => undefined);
  }

  private async writeMetadata(): Promise<void> {
    const meta: Metadata = {
      metric: this.comparator.metric,
      direction: this.comparator.direction,
      topN: this.topN,
      entries: this.entries,
    };
    await writeFileAtomic(this.metadataPath, JSON.stringify(meta, null, 2) + '\n');
  }

  /** Rebuilds the kept entries from complete checkpoints left by an earlier run; removes the rest. */
  private recover(): void {
    if (existsSync(this.metadataPath)) {
      let meta: Metadata;
      try {
        meta = JSON.parse(readFileSync(this.metadataPath, 'utf8')) as Metadata;
      } catch {
        throw new UserError(`checkpoint metadata ${this.metadataPath} is not valid JSON`, { file: this.metadataPath });
      }
      if (meta.direction !== this.comparator.direction) {
        throw new UserError(
          `checkpoints in ${this.dir} were ranked by ${meta.metric} (${meta.direction}), not ` +
            `${this.comparator.metric} (${this.comparator.direction})`,
          { file: this.metadataPath },
          ['use another folder or prefix'],
        );
      }
    }
    const names = new Set(readdirSync(this.dir));
    const own = (n: string) => n.startsWith(`${this.prefix}_step`) && n.endsWith('.json');
    const found: CheckpointEntry[] = [];
    for (const n of names) {
      if (!own(n) || !names.has(`${n}.ok`)) continue;
      try {
        const e = JSON.parse(readFileSync(join(this.dir, `${n}.ok`), 'utf8')) as CheckpointEntry;
        if (e.file === n && typeof e.score === 'number' && Number.isInteger(e.step)) found.push(e);
      } catch {
        // An unreadable marker: treat the checkpoint as incomplete.
      }
    }
    this.entries = this.rank(found).slice(0, this.topN);
    const keep = new Set(this.entries.map((e) => e.file));
    for (const n of names) {
      const payload = n.endsWith('.ok') ? n.slice(0, -3) : n;
      if (own(payload) && !keep.has(payload)) unlinkSync(join(this.dir, n));
    }
  }
}
