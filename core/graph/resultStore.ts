import pl from 'nodejs-polars';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dataset } from '../frame/dataset';
import type { ChartOutput, PhaseResult, TableOutput } from '../spec/types';

/**
 * The on-disk half of the cell cache: one folder per cache key holding the result's JSON part and
 * its frames as Arrow IPC files. Written to a temp folder and renamed into place, so a reader
 * sees a whole entry or none.
 */

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
}

export function entryDir(cacheRoot: string, key: string): string {
  return join(cacheRoot, key.slice(0, 2), key);
}

export async function saveResult(cacheRoot: string, key: string, result: PhaseResult): Promise<void> {
  const dir = entryDir(cacheRoot, key);
  if (existsSync(join(dir, 'result.json'))) return;
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
      charts: result.charts.map((c) => ({ ...c, data: Object.fromEntries(Object.entries(c.data).map(([k, df]) => [k, put(df)])) })),
      tables: result.tables.map((t) => ({ ...t, frame: put(t.frame) })),
      warnings: result.warnings,
      run: result.run,
      value: result.value,
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

/** Loads a stored result, or undefined when absent, unreadable, or pointing at files since deleted. */
/** The JSON part of a stored result, if it exists and everything it wrote is still there. */
async function readValidEntry(dir: string): Promise<StoredResult | undefined> {
  let stored: StoredResult;
  try {
    stored = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as StoredResult;
  } catch {
    return undefined;
  }
  if (stored.version !== 1) return undefined;
  // A cached result is only valid while what it wrote is still there.
  if (stored.artifacts.some((a) => !existsSync(a.path))) return undefined;
  if (stored.run && !existsSync(join(stored.run.dir, 'run.json'))) return undefined;
  if (frameRefs(stored).some((f) => !existsSync(join(dir, f)))) return undefined;
  return stored;
}

function frameRefs(s: StoredResult): string[] {
  return [
    ...(s.dataset ? [s.dataset.frame.file] : []),
    ...s.charts.flatMap((c) => Object.values(c.data).map((r) => r.file)),
    ...s.tables.map((t) => t.frame.file),
  ];
}

/** Whether a valid stored result exists for a key — without reading its frames (for planning). */
export async function hasResult(cacheRoot: string, key: string): Promise<boolean> {
  return (await readValidEntry(entryDir(cacheRoot, key))) !== undefined;
}

export async function loadResult(cacheRoot: string, key: string): Promise<PhaseResult | undefined> {
  const dir = entryDir(cacheRoot, key);
  const stored = await readValidEntry(dir);
  if (!stored) return undefined;
  try {
    const get = (ref: StoredFrameRef) => pl.readIPC(join(dir, ref.file));
    return {
      dataset: stored.dataset ? { ...stored.dataset, frame: get(stored.dataset.frame) } : undefined,
      summary: stored.summary,
      metrics: stored.metrics,
      artifacts: stored.artifacts,
      charts: stored.charts.map((c) => ({ ...c, data: Object.fromEntries(Object.entries(c.data).map(([k, ref]) => [k, get(ref)])) })),
      tables: stored.tables.map((t) => ({ ...t, frame: get(t.frame) })),
      warnings: stored.warnings,
      run: stored.run,
      value: stored.value,
    };
  } catch {
    return undefined;
  }
}
