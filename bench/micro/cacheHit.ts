/**
 * Cache-hit latency with a large upstream. Run after the pipeline benchmark, whose run left the
 * disk cache of bench/pipeline.pipeline filled. In this fresh process (a notebook reopened):
 *  1. disk hit — a new PipelineSession runs the target cell (default `labels`, whose upstream
 *     `features` holds the full data set) and serves it from the disk cache (its ancestors are not
 *     loaded: the target's own entry is a hit). The time is what the user waits for: from the request
 *     to the cells being done (`onCellsDone`, where the kernel sends `cellsDone` and the notebook shows
 *     idle), including the first content hash of the source CSV for the cache keys. Recording the
 *     execution (cache statistics, metrics.db through sql.js) comes after it and is reported apart
 *     (`recordMs`, until `run` returns);
 *  2. memory hit — the same session runs the target again (results held in memory), repeated, timed
 *     the same way (to cells done; `memoryReplyP50Ms` until `run` returns).
 * A cell that actually runs instead of hitting the cache is an error: the cache was not warm.
 *
 * Usage: node dist/bench-cache.js NOTEBOOK.pipeline [--cell labels] [--repeat 20]
 * Prints one JSON line; all times in ms.
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

  let doneAt = NaN;
  const onCellsDone = () => (doneAt = performance.now());
  const k0 = performance.now();
  await session.keys();
  const firstKeysMs = performance.now() - k0;
  const d0 = performance.now();
  const disk = await session.run({ cells: [cell], onEvent, onCellsDone });
  const diskReplyMs = performance.now() - d0 + firstKeysMs;
  if (!Number.isFinite(doneAt)) throw new Error('the session never reported its cells done');
  const diskHitMs = doneAt - d0 + firstKeysMs;
  const ran = events.filter((e) => e.status !== 'cached');
  if (!disk.ok || ran.length)
    throw new Error(
      `not a cache hit: ${ran.map((e) => `${e.cell} ${e.status}`).join(', ') || 'the run failed'} (run the ` +
        `pipeline benchmark first)`,
    );
  const diskCells = events.map((e) => ({ cell: e.cell, ms: e.durationMs }));
  const upstream = session.graph.parents(cell)[0];
  // Undefined on a hit of the target's own entry: its ancestors are not loaded.
  const upstreamRows = upstream ? session.lastResult(upstream)?.dataset?.frame.height : undefined;
  const rows = session.lastResult(cell)?.dataset?.frame.height;

  const memory: number[] = [];
  const memoryReply: number[] = [];
  for (let i = 0; i < repeat; i++) {
    events.length = 0;
    doneAt = NaN;
    const t0 = performance.now();
    const r = await session.run({ cells: [cell], onEvent, onCellsDone });
    memoryReply.push(performance.now() - t0);
    memory.push(doneAt - t0);
    if (!r.ok || events.some((e) => e.status !== 'cached')) throw new Error('the memory hit re-ran a cell');
  }
  emitResult({
    cell,
    upstream,
    upstreamRows,
    rows,
    diskHitMs,
    diskReplyMs,
    recordMs: diskReplyMs - diskHitMs,
    firstKeysMs,
    diskCells,
    memoryHitP50Ms: quantile(memory, 0.5),
    memoryHitP95Ms: quantile(memory, 0.95),
    memoryReplyP50Ms: quantile(memoryReply, 0.5),
    samples: memory.length,
  });
});
