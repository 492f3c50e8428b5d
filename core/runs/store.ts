/**
 * The atomic run store (docs/design.md §7.2). A run is a directory created exclusively under an artifact
 * root; `run.json` is written at the start with status `running` and rewritten last, atomically,
 * by `complete()` or `fail()`. A process that dies in between leaves `running`, never `complete`.
 */
import { mkdir, utimes } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../errors';
import { ENGINE_VERSION } from '../version';
import { writeFileAtomic } from './atomicWrite';
import { gitCommit } from './git';
import { configHash, fileDigest, sha256Hex } from './hash';
import { newRunId } from './id';
import { currentWriter, HEARTBEAT_MS } from './liveness';
import { pathSegmentProblem, validateOutputName } from './name';
import type { ArtifactEntry, RunKind, RunManifest } from './types';

export const MANIFEST_FILE = 'run.json';

export interface BeginRunOptions {
  /** The artifact root the run goes under (e.g. roots.stacking for a CV run). Created if missing. */
  root: string;
  kind: RunKind;
  /** The run id; generated (`newRunId()`) when absent. Ignored when `outputName` is given. */
  id?: string;
  /** A user-chosen name that replaces the id; must be one safe path segment. */
  outputName?: string;
  config: Record<string, unknown>;
  seed: number;
  /** `autorun`: made by autorun mode; written as meta.autorun, not into the manifest's source. */
  source: RunManifest['source'] & { autorun?: boolean };
  featureSetId?: string;
  meta?: Record<string, unknown>;
  /** Folder whose git commit is recorded; defaults to the process's working directory. */
  baseDir?: string;
}

export interface RunWriter {
  readonly dir: string;
  readonly id: string;
  /** A copy of the manifest as it stands. */
  manifest(): RunManifest;
  /** Writes a file inside the run dir atomically and records its size, sha256 and rows. */
  writeArtifact(relPath: string, data: Buffer | string, opts?: { rows?: number }): Promise<ArtifactEntry>;
  /** Absolute path for a file inside the run dir (parent folders created), for writers like polars. */
  artifactPath(relPath: string): Promise<string>;
  /** Records a file written by someone else (e.g. `df.writeParquet(path)`), hashing it. */
  addArtifact(path: string, rows?: number): Promise<ArtifactEntry>;
  /** Adds (or overwrites) headline metrics. */
  setMetrics(metrics: Record<string, number>): void;
  /** Adds (or overwrites) meta fields: model, horizon, parent run, fallbacks... */
  setMeta(meta: Record<string, unknown>): void;
  /** Writes run.json last with status `complete`. */
  complete(): Promise<RunManifest>;
  /** Writes run.json with status `failed` and the reason. */
  fail(error: string): Promise<RunManifest>;
}

/** Creates the run directory exclusively and writes run.json with status `running`. */
export async function beginRun(opts: BeginRunOptions): Promise<RunWriter> {
  let id: string;
  if (opts.outputName !== undefined) {
    validateOutputName(opts.outputName);
    id = opts.outputName;
  } else if (opts.id !== undefined) {
    const problem = pathSegmentProblem(opts.id);
    if (problem) throw new UserError(`invalid run id ${JSON.stringify(opts.id)}: ${problem}`, { key: 'id' });
    id = opts.id;
  } else {
    id = newRunId();
  }
  const root = resolve(opts.root);
  await mkdir(root, { recursive: true });
  const dir = join(root, id);
  try {
    await mkdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new UserError(
        `run '${id}' already exists in ${root}`,
        opts.outputName !== undefined ? { key: 'output_name' } : {},
        ['choose another output_name, or delete the existing run first'],
      );
    }
    throw e;
  }
  const commit = await gitCommit(opts.baseDir ?? process.cwd());
  const { autorun, ...source } = opts.source;
  const manifest: RunManifest = {
    id,
    kind: opts.kind,
    status: 'running',
    created: new Date().toISOString(),
    source,
    config: opts.config,
    config_hash: configHash(opts.config),
    ...(opts.featureSetId !== undefined ? { feature_set_id: opts.featureSetId } : {}),
    ...(commit ? { git_commit: commit } : {}),
    seed: opts.seed,
    metrics: {},
    artifacts: [],
    ...(opts.meta || autorun ? { meta: { ...opts.meta, ...(autorun ? { autorun: true } : {}) } } : {}),
    writer: currentWriter(),
    engine_version: ENGINE_VERSION,
  };
  await writeManifest(dir, manifest);
  return new DirRunWriter(dir, manifest);
}

/**
 * Runs `body` inside a new run: completes it when `body` returns, marks it failed (with the error
 * message) and rethrows when it throws.
 */
export async function withRun<T>(
  opts: BeginRunOptions,
  body: (run: RunWriter) => Promise<T>,
): Promise<{ result: T; manifest: RunManifest }> {
  const run = await beginRun(opts);
  let result: T;
  try {
    result = await body(run);
  } catch (e) {
    await run.fail(e instanceof Error ? e.message : String(e)).catch(() => undefined);
    throw e;
  }
  return { result, manifest: await run.complete() };
}

function writeManifest(dir: string, manifest: RunManifest): Promise<void> {
  return writeFileAtomic(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
}

class DirRunWriter implements RunWriter {
  private finished = false;
  /** Touches run.json while the run is open, so the index can tell a live writer from a dead one. */
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    readonly dir: string,
    private readonly m: RunManifest,
  ) {
    const file = join(dir, MANIFEST_FILE);
    this.heartbeat = setInterval(() => {
      const now = new Date();
      utimes(file, now, now).catch(() => undefined);
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get id(): string {
    return this.m.id;
  }

  manifest(): RunManifest {
    return structuredClone(this.m);
  }

  async writeArtifact(relPath: string, data: Buffer | string, opts: { rows?: number } = {}): Promise<ArtifactEntry> {
    const abs = await this.artifactPath(relPath);
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    await writeFileAtomic(abs, buf);
    return this.record({
      path: this.relativeName(abs),
      bytes: buf.length,
      sha256: sha256Hex(buf),
      ...rowsField(opts.rows),
    });
  }

  async artifactPath(relPath: string): Promise<string> {
    this.assertOpen();
    const abs = this.inside(relPath);
    await mkdir(resolve(abs, '..'), { recursive: true });
    return abs;
  }

  async addArtifact(path: string, rows?: number): Promise<ArtifactEntry> {
    this.assertOpen();
    const abs = isAbsolute(path) ? path : this.inside(path);
    const { sha256, bytes } = await fileDigest(abs);
    return this.record({ path: this.relativeName(abs), bytes, sha256, ...rowsField(rows) });
  }

  setMetrics(metrics: Record<string, number>): void {
    this.assertOpen();
    Object.assign(this.m.metrics, metrics);
  }

  setMeta(meta: Record<string, unknown>): void {
    this.assertOpen();
    this.m.meta = { ...(this.m.meta ?? {}), ...meta };
  }

  complete(): Promise<RunManifest> {
    return this.finish('complete');
  }

  fail(error: string): Promise<RunManifest> {
    return this.finish('failed', error);
  }

  private async finish(status: 'complete' | 'failed', error?: string): Promise<RunManifest> {
    this.assertOpen();
    this.finished = true;
    clearInterval(this.heartbeat);
    this.m.status = status;
    delete this.m.writer;
    this.m.finished = new Date().toISOString();
    if (error !== undefined) this.m.error = error;
    await writeManifest(this.dir, this.m);
    return this.manifest();
  }

  private record(entry: ArtifactEntry): ArtifactEntry {
    const i = this.m.artifacts.findIndex((a) => a.path === entry.path);
    if (i >= 0) this.m.artifacts[i] = entry;
    else this.m.artifacts.push(entry);
    return { ...entry };
  }

  /** Absolute path of `relPath` inside the run dir; a path that leaves it (or is run.json) is a bug. */
  private inside(relPath: string): string {
    const abs = resolve(this.dir, relPath);
    if (!abs.startsWith(this.dir + sep))
      throw new Error(`artifact path '${relPath}' is outside the run directory ${this.dir}`);
    if (abs === join(this.dir, MANIFEST_FILE))
      throw new Error(`'${MANIFEST_FILE}' is written by the run store, not as an artifact`);
    return abs;
  }

  /** Path relative to the run dir with forward slashes, or absolute when outside it. */
  private relativeName(abs: string): string {
    const rel = relative(this.dir, abs);
    return rel.startsWith('..') || isAbsolute(rel) ? abs : rel.split(sep).join('/');
  }

  private assertOpen(): void {
    if (this.finished) throw new Error(`run '${this.m.id}' is already ${this.m.status}`);
  }
}

function rowsField(rows: number | undefined): { rows?: number } {
  return rows === undefined ? {} : { rows };
}
