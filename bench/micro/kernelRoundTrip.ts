/**
 * Kernel no-op round trip: forks the bundled kernel (dist/kernel.js) through the host's own
 * KernelProcess (extension/kernel/kernelProcess.ts, the class the extension uses), opens a tiny
 * notebook and runs one trivial TypeScript cell again and again with `force`, timing each request
 * from send to reply (the target is judged on this: it includes the kernel's recording after the cells,
 * here one append to the cache statistics, as the no-op cell has no metrics). Also reports send to the
 * kernel's `cellsDone` event (where the host shows the notebook idle: what the user waits for), the
 * kernel's start time and the cell's own duration inside the kernel (so the IPC share is visible).
 *
 * Usage: node dist/bench-kernel.js [--iterations 200] [--warmup 10] [--kernel dist/kernel.js]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { KernelEvent } from '../../core/kernel/protocol';
import { KernelProcess } from '../../extension/kernel/kernelProcess';
import { emitResult, flag, numberFlag, runMain } from '../lib/args';
import { quantile } from '../lib/process';

const NOOP_NOTEBOOK = `# %% ts noop
export default function (_inputs, { pl }) {
  return pl.DataFrame({ x: [1] });
}
`;

runMain('bench-kernel', async () => {
  const iterations = numberFlag('iterations', 200);
  const warmup = numberFlag('warmup', 10);
  const kernelPath = resolve(flag('kernel', join(__dirname, 'kernel.js')));
  const dir = mkdtempSync(join(tmpdir(), 'phasebook-bench-kernel-'));
  const notebookPath = join(dir, 'noop.pipeline');
  writeFileSync(notebookPath, NOOP_NOTEBOOK);
  const kernel = new KernelProcess({ modulePath: kernelPath, cwd: dir });
  try {
    const s0 = performance.now();
    await kernel.start();
    const startMs = performance.now() - s0;
    await kernel.request({ type: 'open', notebookPath, text: NOOP_NOTEBOOK });
    let cellMs = NaN;
    let doneAt = NaN;
    const sub = kernel.onEvent.on((e: KernelEvent) => {
      if (e.type === 'finished') cellMs = e.durationMs;
      if (e.type === 'cellsDone') doneAt = performance.now();
    });
    const roundTrips: number[] = [];
    const toCellsDone: number[] = [];
    const inKernel: number[] = [];
    for (let i = 0; i < warmup + iterations; i++) {
      doneAt = NaN;
      const t0 = performance.now();
      const reply = await kernel.request({ type: 'run', cells: ['noop'], force: true });
      const ms = performance.now() - t0;
      if (!reply.ok || reply.cells[0]?.status !== 'ok')
        throw new Error(`the no-op cell did not run: ${JSON.stringify(reply)}`);
      if (!Number.isFinite(doneAt)) throw new Error('the kernel sent no cellsDone event before its reply');
      if (i >= warmup) {
        roundTrips.push(ms);
        toCellsDone.push(doneAt - t0);
        inKernel.push(cellMs);
      }
    }
    sub.dispose();
    emitResult({
      kernelStartMs: startMs,
      samples: roundTrips.length,
      p50Ms: quantile(roundTrips, 0.5),
      p95Ms: quantile(roundTrips, 0.95),
      minMs: Math.min(...roundTrips),
      maxMs: Math.max(...roundTrips),
      cellsDoneP50Ms: quantile(toCellsDone, 0.5),
      cellsDoneP95Ms: quantile(toCellsDone, 0.95),
      cellP50Ms: quantile(inKernel, 0.5),
      cellP95Ms: quantile(inKernel, 0.95),
    });
  } finally {
    await kernel.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
});
