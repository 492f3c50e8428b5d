import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { silentLogger } from '../../../core/log';
import type { PhaseContext, PhaseResult } from '../../../core/spec/types';
import { resolveRoots } from '../../../core/runs/roots';

export const DAY_MS = 86_400_000;
export const T0 = Date.UTC(2024, 0, 1);

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'pb-backtest-'));
}

/** A UTC ms Datetime series named timestamp. */
export function timestamps(ms: number[]): pl.Series {
  return pl.Series('timestamp', ms).cast(pl.Int64).cast(pl.Datetime('ms', 'UTC'));
}

export interface SymbolRows {
  symbol: string;
  t: number[];
  close: number[];
  [column: string]: number[] | string;
}

/** A canonical frame (timestamp, symbol, close, extra numeric columns) from per-symbol rows. */
export function frameOf(symbols: SymbolRows[]): pl.DataFrame {
  const parts = symbols.map((s) => {
    const cols: pl.Series[] = [
      timestamps(s.t),
      pl.Series(
        'symbol',
        s.t.map(() => s.symbol),
        pl.Utf8,
      ),
    ];
    for (const [k, v] of Object.entries(s))
      if (k !== 'symbol' && k !== 't') cols.push(pl.Series(k, v as number[], pl.Float64));
    return pl.DataFrame(cols);
  });
  return pl.concat(parts, { how: 'vertical' });
}

/** One symbol, daily bars, given closes and predictions. */
export function daily(close: number[], pred: number[], symbol = 'AAA'): SymbolRows {
  return { symbol, t: close.map((_, i) => T0 + i * DAY_MS), close, pred };
}

export function context(baseDir: string, cell = 'backtest', kind = 'backtest'): PhaseContext {
  return {
    cell: { name: cell, kind, index: 0 },
    notebookPath: join(baseDir, 'demo.pipeline'),
    baseDir,
    roots: resolveRoots(baseDir),
    seed: 7,
    log: silentLogger,
    signal: new AbortController().signal,
    progress: () => undefined,
    upstream: new Map<string, PhaseResult>(),
    source: { notebook: join(baseDir, 'demo.pipeline'), cell },
  };
}
