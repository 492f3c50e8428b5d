/**
 * A fleet job's staging project (worker side; docs/design.md §4.9.1): the coordinator is the only writer of
 * the project folder, so a worker runs each cell with its base folder and every output root moved into a
 * scratch folder of its own. The scratch folder mirrors the project as symlinks (data files, earlier runs,
 * metrics.db: a cell reads them where it would at home) except the cache and the logs (logs are appended
 * to, which would write through a symlink). Every write in the project is a new file or a temp file renamed
 * over the symlink, so after the cell a regular file in the scratch folder is one the cell wrote: it goes
 * to the artifact store as a sha256 object and is listed in the job's output manifest, which the
 * coordinator applies to its own folder (outputs.ts). Paths of the scratch folder written into text files
 * (the cached result, run.json) are put back to the project's, so the bytes are those of a serial run.
 */
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { sha256 } from '../../base/hash';
import type { ArtifactRoots } from '../../runs/roots';
import { TEMP_PREFIX } from '../../runs/atomicWrite';
import { objectName } from '../../store/cacheEntries';
import type { ArtifactStore } from '../../store/types';
import { OUTPUT_FORMAT, outputsName, type OutputFile, type OutputManifest, type OutputRoot } from './protocol';

/** The roots a cell writes (the cache is the worker's own). */
const WRITTEN: readonly Exclude<OutputRoot, 'base'>[] = ['stacking', 'runs', 'results', 'artifacts', 'logs'];
const SKIP_DIRS = new Set(['.git', 'node_modules']);

export interface Staging {
  /** The scratch folder standing for the project's base folder. */
  baseDir: string;
  /** Root overrides for the job's session (every written root in the scratch folder, the worker's cache). */
  roots: ArtifactRoots;
  /** The notebook's path in the scratch folder (reports name it relative to the base folder). */
  notebookPath: string;
  /** Scratch path -> project path, longest first. */
  mapping: [string, string][];
  close(): Promise<void>;
}

const inside = (parent: string, child: string): boolean => {
  const r = relative(parent, child);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
};

/** Mirrors `src` into `dst` as real folders and symlinked files, leaving out what `skip` names. */
async function mirror(src: string, dst: string, skip: (abs: string) => boolean): Promise<void> {
  await mkdir(dst, { recursive: true });
  const entries = await readdir(src, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const from = join(src, e.name);
    if (skip(from) || e.name.startsWith(TEMP_PREFIX)) continue;
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) await mirror(from, join(dst, e.name), skip);
    } else if (e.isFile() || e.isSymbolicLink()) await symlink(from, join(dst, e.name));
  }
}

/** Makes the staging project of one job under `scratchRoot` (the worker's own folder). */
export async function stageProject(
  baseDir: string,
  notebookPath: string,
  roots: ArtifactRoots,
  cacheDir: string,
  scratchRoot: string,
): Promise<Staging> {
  await mkdir(scratchRoot, { recursive: true });
  const S = await mkdtemp(join(scratchRoot, 'job-'));
  const staged = { ...roots, cache: cacheDir };
  const mapping: [string, string][] = [];
  for (const name of WRITTEN) {
    if (inside(baseDir, roots[name])) staged[name] = join(S, relative(baseDir, roots[name]));
    else {
      staged[name] = join(S, '.phasebook-roots', name);
      mapping.push([staged[name], roots[name]]);
    }
  }
  mapping.push([S, baseDir]);
  // Not the caches (the coordinator's, the worker's own when it lies in the project) nor the staging folders.
  const skip = (abs: string): boolean =>
    abs === roots.cache || inside(roots.logs, abs) || inside(cacheDir, abs) || inside(scratchRoot, abs);
  await mirror(baseDir, S, skip);
  for (const name of WRITTEN)
    if (!inside(baseDir, roots[name]) && name !== 'logs') await mirror(roots[name], staged[name], skip);
  return {
    baseDir: S,
    notebookPath: inside(baseDir, notebookPath) ? join(S, relative(baseDir, notebookPath)) : notebookPath,
    roots: staged,
    mapping,
    close: () => rm(S, { recursive: true, force: true }),
  };
}

/** A string with every scratch path put back to the project's. */
export function unstageText(mapping: readonly [string, string][], text: string): string {
  for (const [from, to] of mapping) text = text.split(from).join(to);
  return text;
}

/** Text with every scratch path put back to the project's (binary files are left as they are). */
function unstage(st: Pick<Staging, 'mapping'>, data: Buffer): Buffer {
  if (data.includes(0) || !st.mapping.some(([from]) => data.includes(from))) return data;
  return Buffer.from(unstageText(st.mapping, data.toString('utf8')), 'utf8');
}

/** The staged folder a scratch file lies under: a written root (the most specific), else the base folder. */
function rootOf(st: Staging, abs: string): { root: OutputRoot; path: string } {
  let best: { root: OutputRoot; dir: string } = { root: 'base', dir: st.baseDir };
  for (const name of WRITTEN)
    if (inside(st.roots[name], abs) && st.roots[name].length > best.dir.length)
      best = { root: name, dir: st.roots[name] };
  return { root: best.root, path: relative(best.dir, abs).split('\\').join('/') };
}

async function walkFiles(dir: string, out: string[]): Promise<string[]> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await walkFiles(p, out);
    else if (e.isFile() && !e.name.startsWith(TEMP_PREFIX) && !e.name.endsWith('.lock')) out.push(p);
  }
  return out;
}

/**
 * Pushes every file the cell wrote to the store and returns the sha256 of the job's output manifest (itself
 * an object); also stores `outputs/<scope>/<key>.json` naming it, for a coordinator that lost the job's return
 * value (Redis restarted).
 */
export async function pushOutputs(st: Staging, store: ArtifactStore, scope: string, key: string): Promise<string> {
  const files: OutputFile[] = [];
  for (const abs of (await walkFiles(st.baseDir, [])).sort()) {
    const where = rootOf(st, abs);
    const data = unstage(st, await readFile(abs));
    const sha = sha256(data);
    await store.put(objectName(sha), data);
    const how =
      where.root === 'logs' ? 'append' : where.root === 'artifacts' && where.path === 'metrics.db' ? 'trials' : 'write';
    files.push({ ...where, sha256: sha, mode: (await lstat(abs)).mode & 0o777, how });
  }
  const manifest: OutputManifest = { format: OUTPUT_FORMAT, key, files, mapping: st.mapping };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const sha = sha256(bytes);
  await store.put(objectName(sha), bytes);
  await store.put(outputsName(scope, key), Buffer.from(sha));
  return sha;
}

/** Puts the project's paths back into a cache entry's result.json before the entry is pushed. */
export async function unstageEntry(st: Staging, resultJson: string): Promise<void> {
  const data = await readFile(resultJson).catch(() => undefined);
  if (!data) return;
  const fixed = unstage(st, data);
  if (fixed !== data) await writeFile(resultJson, fixed);
}

/** An event or outcome as the coordinator must see it: the project's paths, not the scratch folder's. */
export function unstageJson<T>(st: Pick<Staging, 'mapping'>, value: T): T {
  const raw = Buffer.from(JSON.stringify(value));
  const fixed = unstage(st, raw);
  return fixed === raw ? value : (JSON.parse(fixed.toString('utf8')) as T);
}
