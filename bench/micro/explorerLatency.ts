/**
 * New run -> explorer tree latency. Wires the explorer's own Node-only model the way
 * extension/explorer/runExplorer.ts does — RunWatcher (chokidar on the artifact roots, 150 ms
 * debounce) feeding RunIndex.refresh (readRun on the changed folder) — over roots that already
 * hold some runs, then creates runs through the engine's run store (beginRun ... complete()) and
 * times from complete() (run.json renamed into place) until RunIndex.onChange reports the run
 * as complete. That change event is what the tree provider turns into onDidChangeTreeData; the
 * VS Code repaint after it is not measured (it needs a window).
 *
 * Usage: node dist/bench-explorer.js [--runs 20] [--existing 500] [--dir DIR]
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveRoots } from '../../core/runs/roots';
import { beginRun } from '../../core/runs/store';
import { LAYOUTS, RunIndex, type WatchedRoot } from '../../extension/explorer/runIndex';
import { RunWatcher } from '../../extension/explorer/runWatcher';
import { emitResult, flag, numberFlag, runMain } from '../lib/args';
import { writeFakeRuns } from '../lib/fakeRuns';
import { quantile } from '../lib/process';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

runMain('bench-explorer', async () => {
  const runs = numberFlag('runs', 20);
  const existing = numberFlag('existing', 500);
  const base = mkdtempSync(join(flag('dir', tmpdir()), 'phasebook-bench-explorer-'));
  const roots = resolveRoots(base);
  for (const l of LAYOUTS) mkdirSync(roots[l], { recursive: true });
  writeFakeRuns(roots, existing);
  const index = new RunIndex();
  const watched: WatchedRoot[] = LAYOUTS.map((layout) => ({ path: roots[layout], layout, roots }));
  const watcher = new RunWatcher({
    onRunDirs: (dirs) => void index.refresh(dirs),
    onRootAppeared: (root) => void index.scanRoot(root),
    onRootVanished: (root) => index.removeUnder(root.path),
    onWarning: (m) => process.stderr.write(`${m}\n`),
    onError: (m) => process.stderr.write(`${m}\n`),
  });
  try {
    await index.scanAll(watched);
    watcher.setRoots(watched);
    await sleep(1000); // chokidar's initial crawl of the roots
    const latencies: number[] = [];
    for (let i = 0; i < runs; i++) {
      const run = await beginRun({
        root: roots.stacking,
        kind: 'cv',
        config: { bench: i },
        seed: 42,
        source: { cli: ['bench'] },
        baseDir: base,
      });
      await run.writeArtifact('cv_results.json', JSON.stringify({ folds: [] }));
      await sleep(300); // let the 'running' state reach the index first, as a real CV run would
      const seen = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`run ${run.id} did not reach the index within 10 s`)), 10_000);
        const sub = index.onChange.on(() => {
          if (index.get(run.dir)?.status === 'complete') {
            clearTimeout(timer);
            sub.dispose();
            resolve(performance.now());
          }
        });
      });
      const t0 = performance.now();
      await run.complete();
      latencies.push((await seen) - t0);
    }
    emitResult({
      samples: latencies.length,
      existingRuns: existing,
      p50Ms: quantile(latencies, 0.5),
      p95Ms: quantile(latencies, 0.95),
      maxMs: Math.max(...latencies),
      debounceMs: 150,
    });
  } finally {
    watcher.dispose();
    rmSync(base, { recursive: true, force: true });
  }
});
