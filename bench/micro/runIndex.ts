/**
 * Run index over many runs on disk: writes N complete runs (run.json manifests as the engine
 * writes them) under fresh artifact roots, then times core/runs/scan.ts scanRuns over them —
 * the first scan after writing, then repeated scans (p50).
 *
 * Usage: node dist/bench-runindex.js [--runs 10000] [--repeat 5] [--dir DIR]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanRuns } from '../../core/runs/scan';
import { resolveRoots } from '../../core/runs/roots';
import { emitResult, flag, numberFlag, runMain } from '../lib/args';
import { writeFakeRuns } from '../lib/fakeRuns';
import { quantile } from '../lib/process';

runMain('bench-runindex', async () => {
  const count = numberFlag('runs', 10_000);
  const repeat = numberFlag('repeat', 5);
  const base = mkdtempSync(join(flag('dir', tmpdir()), 'phasebook-bench-runs-'));
  try {
    const roots = resolveRoots(base);
    const w0 = performance.now();
    const perLayout = writeFakeRuns(roots, count);
    const writeMs = performance.now() - w0;
    const f0 = performance.now();
    const first = await scanRuns(roots);
    const firstScanMs = performance.now() - f0;
    if (first.length !== count) throw new Error(`scanRuns found ${first.length} of ${count} runs`);
    const times: number[] = [];
    for (let i = 0; i < repeat; i++) {
      const t0 = performance.now();
      await scanRuns(roots);
      times.push(performance.now() - t0);
    }
    emitResult({
      runs: count,
      perLayout,
      writeMs,
      firstScanMs,
      scanP50Ms: quantile(times, 0.5),
      scanMaxMs: Math.max(...times),
      samples: times.length,
    });
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
