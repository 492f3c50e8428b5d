/** Shared helpers for the ingestion tests: temp folders, a phase context, small canonical frames. */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pl from 'nodejs-polars';
import { silentLogger } from '../../../core/log';
import type { PhaseContext, PhaseResult } from '../../../core/spec/types';
import { emptyResult } from '../../../core/spec/types';
import { resolveRoots } from '../../../core/runs/roots';

export function tempDir(): { dir: string; write(rel: string, text: string | Buffer): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'pb-ingest-'));
  return {
    dir,
    write(rel, text) {
      const p = join(dir, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function phaseContext(baseDir: string, cell = 'cell', kind = 'load'): PhaseContext {
  return {
    cell: { name: cell, kind, index: 0 },
    notebookPath: join(baseDir, 'test.pipeline'),
    baseDir,
    roots: resolveRoots(baseDir),
    seed: 42,
    log: silentLogger,
    signal: new AbortController().signal,
    progress: () => undefined,
    upstream: new Map(),
    source: {},
  };
}

/** A canonical frame: ISO strings become Datetime(ms, UTC). */
export function frameOf(cols: Record<string, unknown[]> & { timestamp: string[] }): pl.DataFrame {
  const { timestamp, ...rest } = cols;
  return pl
    .DataFrame({ timestamp: timestamp.map((s) => new Date(s)), ...rest })
    .withColumns(pl.col('timestamp').cast(pl.Datetime('ms')).dt.replaceTimeZone('UTC'));
}

export function resultOf(frame: pl.DataFrame): PhaseResult {
  return emptyResult({ dataset: { frame, features: [], labels: [], sources: ['test'] } });
}

export const iso = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : null);
