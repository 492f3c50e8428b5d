import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../core/cli/main';
import { writeDemoCsv } from '../../../core/demo/ohlcv';

export interface Captured {
  code: number;
  out: string;
  err: string;
}

/** `phasebook ARGS` in `cwd` with exactly `env` as the environment. */
export async function cli(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Captured> {
  let out = '';
  let err = '';
  const code = await main(args, {
    out: (s) => void (out += s),
    err: (s) => void (err += s),
    tty: false,
    cwd,
    env: { ...env },
  });
  return { code, out, err };
}

/** A temp project with data.csv (hourly demo bars) and nb.pipeline. */
export function project(
  notebook: string,
  data: { symbols?: number; bars?: number; start?: string; seed?: number } = {},
): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'pb-cli-'));
  writeDemoCsv(join(dir, 'data.csv'), {
    symbols: data.symbols ?? 1,
    bars: data.bars ?? 600,
    seed: data.seed ?? 3,
    ...(data.start ? { start: data.start } : {}),
  });
  writeFileSync(join(dir, 'nb.pipeline'), notebook);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const readJson = (path: string): any => JSON.parse(readFileSync(path, 'utf8'));

/** The records of logs/pipeline.log. */
export function logRecords(dir: string): { level: string; msg: string; [k: string]: unknown }[] {
  return readFileSync(join(dir, 'logs', 'pipeline.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/**
 * A CSV of hourly bars from 2022-01-03 with a `pred` column (a sine that flips sign every few
 * bars), for backtest cells: `symbols` symbols (AAA, BBB, ...), `bars` bars each.
 */
export function writePredictionCsv(path: string, symbols: number, bars: number): void {
  const lines = ['timestamp,symbol,open,high,low,close,volume,pred'];
  const t0 = Date.UTC(2022, 0, 3);
  for (let s = 0; s < symbols; s++) {
    const sym = String.fromCharCode(65 + s).repeat(3);
    let c = 100;
    for (let i = 0; i < bars; i++) {
      c *= 1 + 0.01 * Math.sin(i * 0.37 + s);
      const ts = new Date(t0 + i * 3_600_000).toISOString().replace('.000Z', 'Z');
      lines.push(`${ts},${sym},${c},${c * 1.01},${c * 0.99},${c},1000,${Math.sin(0.3 * (i + 1) + s).toFixed(4)}`);
    }
  }
  writeFileSync(path, lines.join('\n') + '\n');
}
