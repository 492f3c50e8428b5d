// The benchmark's data: `phasebook demo-data --clean --seed 7` at a size, written once under bench/out/data and
// linked as bench/out/data/ohlcv.csv (the file bench/pipeline.pipeline loads).
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** Writes the data for SYMBOLS x BARS unless it exists, points the link at it; returns its path. */
export function ensureDemoData({ root, out, node, symbols, bars }) {
  const file = join(out, 'data', `ohlcv_${symbols}x${bars}.csv`);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    console.log(`writing ${relative(root, file)} ...`);
    execFileSync(
      node,
      [
        join(root, 'dist', 'cli.js'),
        'demo-data',
        file,
        '--symbols',
        String(symbols),
        '--bars',
        String(bars),
        '--clean',
        '--seed',
        '7',
      ],
      { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
    );
  }
  const link = join(out, 'data', 'ohlcv.csv');
  if (existsSync(link) || lstatExists(link)) unlinkSync(link);
  symlinkSync(relative(dirname(link), file), link);
  return file;
}

function lstatExists(p) {
  try {
    return Boolean(lstatSync(p));
  } catch {
    return false;
  }
}
