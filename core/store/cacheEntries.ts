/**
 * Cache entries through the artifact store: the data plane of a worker fleet. An entry
 * (.phasebook/cache/<key>/: result.json and its Arrow frames) becomes one object per file, named
 * by the sha256 of its bytes (`objects/ab/abcd…`), plus a manifest `entries/<key>.json` listing
 * them, written last — so an entry whose manifest is in the store has all its objects there.
 * Manifests are scoped (`entries/<scope>/<key>.json`, scope = the project, see fleetScope): a
 * result names the files its cell wrote under the project folder, so it is only valid there.
 * Pulling verifies every object's hash and renames the rebuilt folder into place whole.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sha256 } from '../base/hash';
import { entryDir } from '../graph/resultStore';
import { StoreError, type ArtifactStore } from './types';

export const ENTRY_FORMAT = 1;

interface EntryManifest {
  format: number;
  key: string;
  /** File name in the entry folder -> sha256 of its bytes. */
  files: Record<string, string>;
}

export const objectName = (sha: string): string => `objects/${sha.slice(0, 2)}/${sha}`;
export const entryName = (scope: string, key: string): string => `entries/${scope}/${key}.json`;

export async function storeHasEntry(store: ArtifactStore, scope: string, key: string): Promise<boolean> {
  return store.has(entryName(scope, key));
}

/** Uploads a cache entry; false when the local cache has no such entry. */
export async function pushEntry(store: ArtifactStore, scope: string, cacheRoot: string, key: string): Promise<boolean> {
  const dir = entryDir(cacheRoot, key);
  if (!existsSync(join(dir, 'result.json'))) return false;
  if (await storeHasEntry(store, scope, key)) return true;
  const files: Record<string, string> = {};
  for (const f of (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort()) {
    const data = await readFile(join(dir, f));
    const sha = sha256(data);
    await store.put(objectName(sha), data);
    files[f] = sha;
  }
  const manifest: EntryManifest = { format: ENTRY_FORMAT, key, files };
  await store.put(entryName(scope, key), Buffer.from(JSON.stringify(manifest)));
  return true;
}

/** Downloads an entry into the local cache (kept when already there); false when the store has none. */
export async function pullEntry(store: ArtifactStore, scope: string, cacheRoot: string, key: string): Promise<boolean> {
  const dir = entryDir(cacheRoot, key);
  if (existsSync(join(dir, 'result.json'))) return true;
  const raw = await store.get(entryName(scope, key));
  if (!raw) return false;
  let m: EntryManifest;
  try {
    m = JSON.parse(raw.toString('utf8')) as EntryManifest;
  } catch {
    throw new StoreError(`the manifest ${entryName(scope, key)} in ${store.url} is not JSON`);
  }
  if (m.format !== ENTRY_FORMAT || m.key !== key)
    throw new StoreError(
      `the manifest ${entryName(scope, key)} in ${store.url} is not an entry of format ${ENTRY_FORMAT} for this key`,
    );
  const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(16).slice(2)}`;
  await mkdir(tmp, { recursive: true });
  try {
    for (const [f, sha] of Object.entries(m.files)) {
      if (f.includes('/') || f.startsWith('.'))
        throw new StoreError(`the manifest ${entryName(scope, key)} in ${store.url} names a bad file '${f}'`);
      const data = await store.get(objectName(sha));
      if (!data)
        throw new StoreError(`object ${objectName(sha)} (file ${f} of entry ${key}) is missing from ${store.url}`);
      if (sha256(data) !== sha)
        throw new StoreError(`object ${objectName(sha)} in ${store.url} does not hash to its name`);
      await writeFile(join(tmp, f), data);
    }
    await mkdir(dirname(dir), { recursive: true });
    await rename(tmp, dir).catch(async () => {
      // Another puller got there first: same key, same content.
      await rm(tmp, { recursive: true, force: true });
    });
    return true;
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
