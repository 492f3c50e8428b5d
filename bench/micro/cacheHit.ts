/**
 * Cache-hit latency with a large upstream. Run after the pipeline benchmark, whose run left the
 * disk cache of bench/pipeline.pipeline filled. In this fresh process (a notebook reopened):
 *  1. disk hit — a new PipelineSession runs the target cell (default `labels`, whose upstream
 *     `features` holds the full data set): every cell on the way is restored from the disk cache;
 *     the time includes the first content hash of the source CSV for the cache keys;
 *  2. memory hit — the same session runs the target again (results held in memory), repeated.
 * A cell that actually runs instead of hitting the cache is an error: the cache was not warm.
 *
 * Usage: node dist/bench-cache.js NOTEBOOK.pipeline [--cell labels] [--repeat 20]
 */
import '../../core/phases/register';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ExecutionEvent } from '../../core/graph/events';
import { PipelineSession } from '../../core/engine/session';
import { silentLogger } from '../../core/log';
import { emitResult, flag, numberFlag, runMain } from '../lib/args';
import { quantile } from '../lib/process';

runMain('bench-cache', async () => {
  const notebookPath = resolve(process.argv[2] ?? '');
  const cell = flag('cell', 'labels');
  const repeat = numberFlag('repeat', 20);
  const text = readFileSync(notebookPath, 'utf8');
  const session = new PipelineSession(text, { notebookPath, log: silentLogger });
  const events: Extract<ExecutionEvent, { type: 'finished' }>[] = [];
  const onEvent = (e: ExecutionEvent) => {
    if (e.type === 'finished') events.push(e);
  };

  const k0 = performance.now();
  await session.keys();
  const firstKeysMs = performance.now() - k0;
  const d0 = performance.now();
  const disk = await session.run({ cells: [cell], onEvent });
  const diskHitMs = performance.now() - d0 + firstKeysMs;
  const ran = events.filter((e) => e.status !== 'cached');
  if (!disk.ok || ran.length)
    throw new Error(
      `not a cache hit: ${ran.map((e) => `${e.cell} ${e.status}`).join(', ') || 'the run failed'} (run the ` +
        `pipeline benchmark first)`,
    );
  const diskCells = events.map((e) => ({ cell: e.cell, ms: e.durationMs }));
  const upstream = session.graph.parents(cell)[0];
  const upstreamRows = upstream ? session.lastResult(upstream)?.dataset?.frame.height : undefined;
  const rows = session.lastResult(cell)?.dataset?.frame.height;

  const memory: number[] = [];
  for (let i = 0; i < repeat; i++) {
    events.length = 0;
    const t0 = performance.now();
    const r = await session.run({ cells: [cell], onEvent });
    memory.push(performance.now() - t0);
    if (!r.ok || events.some((e) => e.status !== 'cached')) throw new Error('the memory hit re-ran a cell');
  }
  emitResult({
    cell,
    upstream,
    upstreamRows,
    rows,
    diskHitMs,
    firstKeysMs,
    diskCells,
    memoryHitP50Ms: quantile(memory, 0.5),
    memoryHitP95Ms: quantile(memory, 0.95),
    samples: memory.length,
  });
});
