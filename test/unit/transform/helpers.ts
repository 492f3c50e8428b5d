/** Shared test helpers for the transform phases: datasets straight from polars frames, a context. */
import pl from 'nodejs-polars';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dataset } from '../../../core/frame/dataset';
import { silentLogger } from '../../../core/log';
import { resolveRoots } from '../../../core/runs/roots';
import { emptyResult, type PhaseContext, type PhaseResult } from '../../../core/spec/types';

export const HOUR = 3_600_000;
export const T0 = Date.UTC(2024, 0, 1);

/** A UTC ms Datetime series. */
export function timestamps(ms: number[]): pl.Series {
  return pl.Series('timestamp', ms).cast(pl.Int64).cast(pl.Datetime('ms', 'UTC'));
}

/**
 * `bars` hourly rows per symbol, symbol-major; close follows a deterministic wiggle so returns
 * vary. Symbol k's prices live on a different scale (10^k) to catch cross-symbol leaks.
 */
export function priceFrame(symbols: string[], bars: number): pl.DataFrame {
  const ts: number[] = [];
  const sym: string[] = [];
  const close: number[] = [];
  symbols.forEach((s, k) => {
    for (let i = 0; i < bars; i++) {
      ts.push(T0 + i * HOUR);
      sym.push(s);
      close.push(10 ** k * (100 + 5 * Math.sin(0.3 * i + k) + 0.1 * i + 2 * Math.cos(1.7 * i)));
    }
  });
  return pl.DataFrame([timestamps(ts), pl.Series('symbol', sym), pl.Series('close', close)]);
}

export function dataset(frame: pl.DataFrame, patch: Partial<Dataset> = {}): Dataset {
  return { frame, features: [], labels: [], sources: [], ...patch };
}

export function input(ds: Dataset): PhaseResult[] {
  return [emptyResult({ dataset: ds })];
}

export function tempDir(prefix = 'pb-transform-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function context(baseDir: string, cell = { name: 'cell', kind: 'test', index: 0 }, seed = 42): PhaseContext {
  return {
    cell,
    notebookPath: join(baseDir, 'test.pipeline'),
    baseDir,
    roots: resolveRoots(baseDir),
    seed,
    log: silentLogger,
    signal: new AbortController().signal,
    progress: () => undefined,
    upstream: new Map(),
    source: {},
  };
}

export function column(frame: pl.DataFrame, name: string): (number | null)[] {
  return frame.getColumn(name).toArray() as (number | null)[];
}

export function approxEqual(actual: number | null, expected: number | null, tol = 1e-9): boolean {
  if (actual === null || expected === null) return actual === expected;
  return Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected));
}
