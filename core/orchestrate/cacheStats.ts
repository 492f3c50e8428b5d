/**
 * The feature cache (docs/design.md §4.8) is the cell cache in .phasebook/cache: entries keyed by the
 * content hash of a cell's inputs (file contents, upstream keys) and its config, so features are
 * computed once per distinct input and config. This module adds what a feature cache needs besides:
 * hit-rate and size statistics, a maximum age, and cleanup (`phasebook cache stats|clean`).
 *
 * Hits and misses are appended per execution to `stats.jsonl` in the cache root (append-only, so
 * concurrent processes never lose counts). An entry's age is the time since it was last written
 * or restored (restoring touches it).
 */
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { DAY_MS, DEFAULT_MAX_AGE_DAYS, entryDir } from '../graph/resultStore';

export { DEFAULT_MAX_AGE_DAYS };
export const STATS_FILE = 'stats.jsonl';

export type KindCounts = Record<string, { hits: number; misses: number }>;

export async function appendCacheStats(cacheRoot: string, byKind: KindCounts): Promise<void> {
  await mkdir(cacheRoot, { recursive: true });
  await appendFile(join(cacheRoot, STATS_FILE), JSON.stringify({ ts: new Date().toISOString(), byKind }) + '\n');
}

/** Marks an entry as used now (its age restarts). */
export async function touchEntry(cacheRoot: string, key: string): Promise<void> {
  const now = new Date();
  await utimes(join(entryDir(cacheRoot, key), 'result.json'), now, now).catch(() => undefined);
}

export interface CacheEntry {
  key: string;
  dir: string;
  bytes: number;
  savedAt: Date;
  lastUsed: Date;
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const f of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, f.name);
    total += f.isDirectory() ? await dirBytes(p) : (await stat(p)).size;
  }
  return total;
}

/** Every complete entry of the cache (temp folders of interrupted writes are left out). */
export async function listEntries(cacheRoot: string): Promise<CacheEntry[]> {
  if (!existsSync(cacheRoot)) return [];
  const out: CacheEntry[] = [];
  for (const shard of await readdir(cacheRoot, { withFileTypes: true })) {
    if (!shard.isDirectory() || shard.name.length !== 2) continue;
    for (const e of await readdir(join(cacheRoot, shard.name), { withFileTypes: true })) {
      if (!e.isDirectory() || e.name.includes('.tmp-')) continue;
      const dir = join(cacheRoot, shard.name, e.name);
      const result = join(dir, 'result.json');
      if (!existsSync(result)) continue;
      const st = await stat(result);
      let savedAt = st.mtime;
      try {
        const saved = (JSON.parse(await readFile(result, 'utf8')) as { savedAt?: string }).savedAt;
        if (saved) savedAt = new Date(saved);
      } catch {
        // an unreadable entry still counts by its file time
      }
      out.push({ key: e.name, dir, bytes: await dirBytes(dir), savedAt, lastUsed: st.mtime });
    }
  }
  return out.sort((a, b) => a.lastUsed.getTime() - b.lastUsed.getTime());
}

export interface CacheStats {
  root: string;
  entries: number;
  bytes: number;
  oldest?: Date;
  newest?: Date;
  hits: number;
  misses: number;
  /** Hits / (hits + misses), in percent (undefined before any execution). */
  hitRatePercent?: number;
  byKind: KindCounts;
  executions: number;
  /** The max age the counts below use (ms). */
  maxAgeMs: number;
  /** Entries unused for longer than maxAgeMs: no longer served, removed by `cache clean`. */
  expired: number;
  expiredBytes: number;
}

export async function cacheStats(cacheRoot: string, opts: { maxAgeMs?: number; now?: Date } = {}): Promise<CacheStats> {
  const entries = await listEntries(cacheRoot);
  const maxAgeMs = opts.maxAgeMs ?? DEFAULT_MAX_AGE_DAYS * DAY_MS;
  const now = (opts.now ?? new Date()).getTime();
  const expired = entries.filter((e) => now - e.lastUsed.getTime() > maxAgeMs);
  const byKind: KindCounts = {};
  let executions = 0;
  const file = join(cacheRoot, STATS_FILE);
  if (existsSync(file)) {
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      if (!line.trim()) continue;
      try {
        const rec = JSON.parse(line) as { byKind: KindCounts };
        executions++;
        for (const [k, v] of Object.entries(rec.byKind)) {
          const c = (byKind[k] ??= { hits: 0, misses: 0 });
          c.hits += v.hits;
          c.misses += v.misses;
        }
      } catch {
        // a torn last line of a crashed writer
      }
    }
  }
  const hits = Object.values(byKind).reduce((a, v) => a + v.hits, 0);
  const misses = Object.values(byKind).reduce((a, v) => a + v.misses, 0);
  return {
    root: cacheRoot,
    entries: entries.length,
    bytes: entries.reduce((a, e) => a + e.bytes, 0),
    oldest: entries[0]?.lastUsed,
    newest: entries[entries.length - 1]?.lastUsed,
    hits,
    misses,
    hitRatePercent: hits + misses ? (100 * hits) / (hits + misses) : undefined,
    byKind,
    executions,
    maxAgeMs,
    expired: expired.length,
    expiredBytes: expired.reduce((a, e) => a + e.bytes, 0),
  };
}

export interface CleanResult {
  removed: number;
  freedBytes: number;
  kept: number;
}

/** Removes entries unused for longer than `maxAgeMs` (every entry with `all`), and stray temp folders. */
export async function cleanCache(
  cacheRoot: string,
  opts: { maxAgeMs?: number; all?: boolean; now?: Date } = {},
): Promise<CleanResult> {
  const now = (opts.now ?? new Date()).getTime();
  const maxAge = opts.maxAgeMs ?? DEFAULT_MAX_AGE_DAYS * DAY_MS;
  const entries = await listEntries(cacheRoot);
  let removed = 0;
  let freedBytes = 0;
  for (const e of entries) {
    if (!opts.all && now - e.lastUsed.getTime() <= maxAge) continue;
    await rm(e.dir, { recursive: true, force: true });
    removed++;
    freedBytes += e.bytes;
  }
  if (existsSync(cacheRoot)) {
    for (const shard of await readdir(cacheRoot, { withFileTypes: true })) {
      if (!shard.isDirectory() || shard.name.length !== 2) continue;
      for (const e of await readdir(join(cacheRoot, shard.name))) {
        const p = join(cacheRoot, shard.name, e);
        if (e.includes('.tmp-') && now - (await stat(p)).mtimeMs > 3_600_000)
          await rm(p, { recursive: true, force: true });
      }
    }
    if (opts.all) await rm(join(cacheRoot, STATS_FILE), { force: true });
  }
  return { removed, freedBytes, kept: entries.length - removed };
}
