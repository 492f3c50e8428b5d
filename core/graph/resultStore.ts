import pl from 'nodejs-polars';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dataset } from '../frame/dataset';
import type { ChartOutput, PhaseResult, TableOutput } from '../spec/types';
import type { Logger } from '../log';

/**
 * The on-disk half of the cell cache: one folder per cache key holding the result's JSON part and
 * its frames as Arrow IPC files. Written to a temp folder and renamed into place, so a reader
 * sees a whole entry or none.
 *
 * Expiry (docs/design.md §4.10.6): an entry's age is the time since it was last written or
 * restored (result.json's mtime; restoring touches it). Past `maxAgeMs` (default 30 days, the
 * notebook's `settings: cache: { max_age: 30d }`) it is not served: the cell recomputes and
 * overwrites it. `cache clean` deletes such entries; `cache stats` counts them.
 */
export const DEFAULT_MAX_AGE_DAYS = 30;
export const DAY_MS = 86_400_000;

export interface CacheReadOptions {
  /** Entries unused for longer are not served (default DEFAULT_MAX_AGE_DAYS). */
  maxAgeMs?: number;
  /** Cache decisions are logged at debug here. */
  log?: Logger;
  /** Cell name for the log line. */
  cell?: string;
  now?: number;
}

interface StoredFrameRef {
  file: string;
}

interface StoredResult {
  version: 1;
  savedAt: string;
  dataset?: Omit<Dataset, 'frame'> & { frame: StoredFrameRef };
  summary: PhaseResult['summary'];
  metrics?: PhaseResult['metrics'];
  artifacts: PhaseResult['artifacts'];
  charts: (Omit<ChartOutput, 'data'> & { data: Record<string, StoredFrameRef> })[];
  tables: (Omit<TableOutput, 'frame'> & { frame: StoredFrameRef })[];
  warnings: string[];
  run?: PhaseResult['run'];
  value?: unknown;
  seed?: number;
  ran?: PhaseResult['ran'];
  modelMetrics?: PhaseResult['modelMetrics'];
}

export function entryDir(cacheRoot: string, key: string): string {
  return join(cacheRoot, key.slice(0, 2), key);
}

export async function saveResult(cacheRoot: string, key: string, result: PhaseResult): Promise<void> {
  const dir = entryDir(cacheRoot, key);
  // A cell computes only when its entry was not served (absent, expired, invalid or forced):
  // the new result replaces the old one, so it is fresh and points at what the cell just wrote.
  if (existsSync(dir)) await rm(dir, { recursive: true, force: true });
  const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(16).slice(2)}`;
  await mkdir(tmp, { recursive: true });
  try {
    let n = 0;
    const put = (df: pl.DataFrame): StoredFrameRef => {
      const file = `f${n++}.ipc`;
      df.writeIPC(join(tmp, file));
      return { file };
    };
    const stored: StoredResult = {
      version: 1,
      savedAt: new Date().toISOString(),
      dataset: result.dataset ? { ...result.dataset, frame: put(result.dataset.frame) } : undefined,
      summary: result.summary,
      metrics: result.metrics,
      artifacts: result.artifacts,
      charts: result.charts.map((c) => ({
        ...c,
        data: Object.fromEntries(Object.entries(c.data).map(([k, df]) => [k, put(df)])),
      })),
      tables: result.tables.map((t) => ({ ...t, frame: put(t.frame) })),
      warnings: result.warnings,
      run: result.run,
      value: result.value,
      ...(result.seed !== undefined ? { seed: result.seed } : {}),
      ...(result.ran ? { ran: result.ran } : {}),
      ...(result.modelMetrics ? { modelMetrics: result.modelMetrics } : {}),
    };
    await writeFile(join(tmp, 'result.json'), JSON.stringify(stored));
    try {
      await rename(tmp, dir);
    } catch {
      // Another writer got there first: same key, same content.
      await rm(tmp, { recursive: true, force: true });
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/**
 * The JSON part of a stored result if it exists, is not expired, and everything it wrote is still there; else why not.
 */
async function probeEntry(dir: string, o: CacheReadOptions): Promise<{ stored: StoredResult } | { miss: string }> {
  const file = join(dir, 'result.json');
  let usedMs: number;
  try {
    usedMs = (await stat(file)).mtimeMs;
  } catch {
    return { miss: 'no entry' };
  }
  const maxAge = o.maxAgeMs ?? DEFAULT_MAX_AGE_DAYS * DAY_MS;
  const age = (o.now ?? Date.now()) - usedMs;
  if (age > maxAge)
    return {
      miss: `expired: last used ${(age / DAY_MS).toFixed(1)} days ago, max_age ${(maxAge / DAY_MS).toFixed(1)} days`,
    };
  let stored: StoredResult;
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as StoredResult;
  } catch {
    return { miss: 'unreadable entry' };
  }
  if (stored.version !== 1) return { miss: `entry version ${stored.version}` };
  // A cached result is only valid while what it wrote is still there.
  const gone = stored.artifacts.find((a) => !existsSync(a.path));
  if (gone) return { miss: `artifact ${gone.path} is gone` };
  if (stored.run && !existsSync(join(stored.run.dir, 'run.json'))) return { miss: `run ${stored.run.dir} is gone` };
  if (frameRefs(stored).some((f) => !existsSync(join(dir, f)))) return { miss: 'a stored frame is gone' };
  return { stored };
}

async function readValidEntry(dir: string, key: string, o: CacheReadOptions): Promise<StoredResult | undefined> {
  const p = await probeEntry(dir, o);
  const who = o.cell ? `cell '${o.cell}'` : 'entry';
  if ('miss' in p)
    o.log?.debug(`cache miss for ${who} (key ${key.slice(0, 12)}): ${p.miss}`, {
      cache: 'miss',
      key,
      reason: p.miss,
      ...(o.cell ? { cell: o.cell } : {}),
    });
  else
    o.log?.debug(`cache hit for ${who} (key ${key.slice(0, 12)})`, {
      cache: 'hit',
      key,
      ...(o.cell ? { cell: o.cell } : {}),
    });
  return 'stored' in p ? p.stored : undefined;
}

function frameRefs(s: StoredResult): string[] {
  return [
    ...(s.dataset ? [s.dataset.frame.file] : []),
    ...s.charts.flatMap((c) => Object.values(c.data).map((r) => r.file)),
    ...s.tables.map((t) => t.frame.file),
  ];
}

/**
 * A restored dataset whose frame is decoded on first use: a cache hit that nothing downstream reads (a reopened
 * notebook, `phasebook run` with every cell cached) never decodes a large frame. The entry was renamed into place
 * whole (storeResult), so the file is complete; if it was deleted or damaged since, the first use says which file.
 */
function lazyDataset(d: NonNullable<StoredResult['dataset']>, file: string): Dataset {
  let frame: pl.DataFrame | undefined;
  const { frame: _ref, ...rest } = d;
  return Object.defineProperty(rest, 'frame', {
    enumerable: true,
    configurable: true,
    get(): pl.DataFrame {
      if (!frame) {
        try {
          frame = pl.readIPC(file);
        } catch (e) {
          throw new Error(
            `the cached frame ${file} could not be read (${(e as Error).message}); delete the cache folder ` +
              `to recompute it`,
            { cause: e },
          );
        }
      }
      return frame;
    },
    set(v: pl.DataFrame) {
      frame = v;
    },
  }) as Dataset;
}

/** Whether a valid stored result exists for a key — without reading its frames (for planning). */
export async function hasResult(cacheRoot: string, key: string, o: CacheReadOptions = {}): Promise<boolean> {
  return 'stored' in (await probeEntry(entryDir(cacheRoot, key), o));
}

/** Loads a stored result, or undefined when absent, expired, unreadable, or pointing at files since deleted. */
export async function loadResult(
  cacheRoot: string,
  key: string,
  o: CacheReadOptions = {},
): Promise<PhaseResult | undefined> {
  const dir = entryDir(cacheRoot, key);
  const stored = await readValidEntry(dir, key, o);
  if (!stored) return undefined;
  try {
    const get = (ref: StoredFrameRef) => pl.readIPC(join(dir, ref.file));
    return {
      dataset: stored.dataset ? lazyDataset(stored.dataset, join(dir, stored.dataset.frame.file)) : undefined,
      summary: stored.summary,
      metrics: stored.metrics,
      artifacts: stored.artifacts,
      charts: stored.charts.map((c) => ({
        ...c,
        data: Object.fromEntries(Object.entries(c.data).map(([k, ref]) => [k, get(ref)])),
      })),
      tables: stored.tables.map((t) => ({ ...t, frame: get(t.frame) })),
      warnings: stored.warnings,
      run: stored.run,
      value: stored.value,
      ...(stored.seed !== undefined ? { seed: stored.seed } : {}),
      ...(stored.ran ? { ran: stored.ran } : {}),
      ...(stored.modelMetrics ? { modelMetrics: stored.modelMetrics } : {}),
    };
  } catch {
    return undefined;
  }
}
