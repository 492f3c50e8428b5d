/**
 * A fleet job's outputs applied by the coordinator (docs/design.md §4.9.1), the only writer of the project
 * folder: the job's output manifest (staging.ts) names every file its cell wrote, as a root, a path under it
 * and the sha256 of its bytes in the artifact store. Each object is checked against its name, then written
 * atomically (temp + rename) under the coordinator's own root, run.json files last so a run folder never
 * looks finished before its other files are there; job logs are appended to, and the trials a cell recorded
 * in its staged ledger are merged into artifacts/metrics.db.
 */
import { appendFile, chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { sha256 } from '../../base/hash';
import type { ArtifactRoots } from '../../runs/roots';
import { writeFileAtomic } from '../../runs/atomicWrite';
import { mergeTrials } from '../../runs/trials';
import { objectName } from '../../store/cacheEntries';
import { StoreError, type ArtifactStore } from '../../store/types';
import { unstageText } from './staging';
import { OUTPUT_FORMAT, outputsName, type OutputFile, type OutputManifest } from './protocol';

async function object(store: ArtifactStore, sha: string, what: string): Promise<Buffer> {
  const data = await store.get(objectName(sha));
  if (!data) throw new StoreError(`object ${objectName(sha)} (${what}) is missing from ${store.url}`);
  if (sha256(data) !== sha) throw new StoreError(`object ${objectName(sha)} in ${store.url} does not hash to its name`);
  return data;
}

/** The sha256 of the output manifest a worker stored for a key (when the job's return value is lost). */
export async function storedOutputs(store: ArtifactStore, scope: string, key: string): Promise<string | undefined> {
  return (await store.get(outputsName(scope, key)))?.toString('utf8').trim() || undefined;
}

function target(f: OutputFile, roots: ArtifactRoots, baseDir: string): string {
  const dir = f.root === 'base' ? baseDir : roots[f.root];
  const abs = resolve(dir, f.path);
  const rel = relative(dir, abs);
  if (!dir || rel === '' || rel.startsWith('..') || isAbsolute(rel))
    throw new StoreError(`an output manifest names a file outside its root: ${f.root}/${f.path}`);
  return abs;
}

/** Writes a job's outputs into the project; returns the files written. */
export async function applyOutputs(
  store: ArtifactStore,
  manifestSha: string,
  roots: ArtifactRoots,
  baseDir: string,
): Promise<string[]> {
  const m = JSON.parse((await object(store, manifestSha, 'an output manifest')).toString('utf8')) as OutputManifest;
  if (m.format !== OUTPUT_FORMAT)
    throw new StoreError(`the output manifest ${objectName(manifestSha)} is not of format ${OUTPUT_FORMAT}`);
  const last = (f: OutputFile): number => (basename(f.path) === 'run.json' ? 1 : 0);
  const files = [...m.files].sort((a, b) => last(a) - last(b));
  const written: string[] = [];
  for (const f of files) {
    const path = target(f, roots, baseDir);
    const data = await object(store, f.sha256, `${f.root}/${f.path}`);
    await mkdir(dirname(path), { recursive: true });
    if (f.how === 'append') await appendFile(path, data);
    else if (f.how === 'trials') {
      const tmp = `${path}.staged-${process.pid}-${Math.random().toString(16).slice(2)}`;
      await writeFile(tmp, data);
      try {
        await mergeTrials(tmp, path, (v) => unstageText(m.mapping ?? [], v));
      } finally {
        await rm(tmp, { force: true });
      }
    } else {
      await writeFileAtomic(path, data);
      await chmod(path, f.mode & 0o777);
    }
    written.push(path);
  }
  return written;
}
