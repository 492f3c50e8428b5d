/**
 * Last cell finished -> notebook idle, host side (issue 18 item 10), through the kernel protocol: forks the
 * bundled kernel (dist/kernel.js) with the host's own KernelProcess, runs the demo notebook (examples/
 * demo.pipeline on generated bars) and times, as the host receives them, the last `finished` event, the
 * `cellsDone` event (where the host now ends every execution: the notebook shows idle) and the run's reply
 * (where it ended them before: recording the execution in metrics.db came in between). A cold Run All,
 * then warm runs that recompute the model cells (force on cv, stack, train, evaluate).
 * Not the workbench: VS Code's own rendering of the idle state is not in these numbers.
 *
 * Usage: node dist/bench-editor-latency.js [--symbols 2] [--bars 800] [--iterations 3] [--kernel dist/kernel.js]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { KernelEvent } from '../../core/kernel/protocol';
import { writeDemoCsv } from '../../core/demo/ohlcv';
import { KernelProcess } from '../../extension/kernel/kernelProcess';
import { emitResult, flag, numberFlag, runMain } from '../lib/args';
import { quantile } from '../lib/process';

interface Sample {
  /** Last finished event -> cellsDone (the notebook's idle now). */
  idleMs: number;
  /** Last finished event -> reply (the notebook's idle before: it waited for the reply). */
  replyMs: number;
  cells: number;
}

runMain('bench-editor-latency', async () => {
  const iterations = numberFlag('iterations', 3);
  const kernelPath = resolve(flag('kernel', join(__dirname, 'kernel.js')));
  const dir = mkdtempSync(join(tmpdir(), 'phasebook-bench-latency-'));
  const text = readFileSync(join(__dirname, '..', 'examples', 'demo.pipeline'), 'utf8');
  writeDemoCsv(join(dir, 'data', 'demo_ohlcv_1h.csv'), {
    symbols: numberFlag('symbols', 2),
    bars: numberFlag('bars', 800),
    seed: 7,
    badRows: true,
  });
  const notebookPath = join(dir, 'demo.pipeline');
  writeFileSync(notebookPath, text);
  const kernel = new KernelProcess({ modulePath: kernelPath, cwd: dir });
  let lastFinished = NaN;
  let cellsDone = NaN;
  let finished = 0;
  kernel.onEvent.on((e: KernelEvent) => {
    if (e.type === 'finished') {
      lastFinished = performance.now();
      finished++;
    }
    if (e.type === 'cellsDone') cellsDone = performance.now();
  });
  const once = async (cells?: string[]): Promise<Sample> => {
    lastFinished = cellsDone = NaN;
    finished = 0;
    const reply = await kernel.request({ type: 'run', cells, force: !!cells });
    const replied = performance.now();
    if (!reply.ok) throw new Error(`the demo notebook failed: ${JSON.stringify(reply.cells)}`);
    if (!Number.isFinite(cellsDone)) throw new Error('the kernel sent no cellsDone event');
    return { idleMs: Math.max(0, cellsDone - lastFinished), replyMs: replied - lastFinished, cells: finished };
  };
  try {
    await kernel.start();
    await kernel.request({ type: 'open', notebookPath, text });
    const cold = await once();
    const warm: Sample[] = [];
    for (let i = 0; i < iterations; i++) warm.push(await once(['cv', 'stack', 'gbdt_h20', 'evaluate']));
    emitResult({
      coldIdleMs: cold.idleMs,
      coldReplyMs: cold.replyMs,
      coldCells: cold.cells,
      samples: warm.length,
      idleP50Ms: quantile(
        warm.map((s) => s.idleMs),
        0.5,
      ),
      idleMaxMs: Math.max(...warm.map((s) => s.idleMs)),
      replyP50Ms: quantile(
        warm.map((s) => s.replyMs),
        0.5,
      ),
      replyMaxMs: Math.max(...warm.map((s) => s.replyMs)),
    });
  } finally {
    await kernel.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
});
