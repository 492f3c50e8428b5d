/**
 * Computing one cell in this process (docs/design.md §4.2, §4.7): the schema-drift check, `runCell` with the
 * cell's job log, then the checkpoint, the `run-created` event and the disk cache entry of a good result. The
 * settling loop (core/engine/settle.ts) calls it for each cell it cannot restore, on the session's serial path.
 */
import type { CellOutcome, ExecutionEvent } from '../graph/events';
import { saveResult } from '../graph/resultStore';
import { runCell } from '../graph/runCell';
import type { Logger } from '../log';
import type { Graph } from '../notebook/dag';
import type { Cell } from '../notebook/types';
import { normaliseResult, type CellRecorder } from '../orchestrate/cellRecorder';
import type { ArtifactRoots } from '../runs/roots';
import type { PhaseResult } from '../spec/types';

export interface HereContext {
  cells: ReadonlyMap<string, Cell>;
  graph: Graph;
  keys: ReadonlyMap<string, string>;
  recorder: CellRecorder;
  notebookPath: string;
  baseDir: string;
  roots: ArtifactRoots;
  seed: number;
  log: Logger;
  signal?: AbortSignal;
  emit(e: ExecutionEvent): void;
  /** Keep good results on disk under roots.cache. */
  diskCache: boolean;
  autorun?: boolean;
  /** This execution's result of a cell settled before. */
  result(name: string): PhaseResult | undefined;
  adopt(name: string, key: string, result: PhaseResult): void;
  forget(name: string): void;
}

export async function computeHere(c: HereContext, name: string, key: string, t0: number): Promise<CellOutcome> {
  const parents = c.graph.parents(name);
  const inputs = parents.map((p) => c.result(p) as PhaseResult);
  const upstream = new Map(c.graph.ancestors(name).map((a) => [a, c.result(a) as PhaseResult]));
  const drift = await c.recorder.drift(name, parents, inputs);
  if (drift) return { cell: name, status: 'failed', durationMs: performance.now() - t0, error: drift };
  const startedAt = new Date();
  const r = await runCell(c.cells.get(name) as Cell, inputs, {
    notebookPath: c.notebookPath,
    baseDir: c.baseDir,
    roots: c.roots,
    seed: c.seed,
    log: c.recorder.logger(name, c.log.child({ cell: name }), key),
    signal: c.signal ?? new AbortController().signal,
    upstream,
    ...(c.autorun ? { autorun: true } : {}),
    emit: (e) => c.emit(e),
  });
  const durationMs = performance.now() - t0;
  if (!r.ok) {
    c.forget(name);
    return { cell: name, status: r.cancelled ? 'cancelled' : 'failed', durationMs, error: r.error };
  }
  const result = {
    ...normaliseResult(r.result),
    ran: { at: startedAt.toISOString(), durationMs: Math.round(durationMs) },
  };
  const recorded = parents.map((p, j) => ({ cell: p, key: c.keys.get(p), result: inputs[j] }));
  await c.recorder.computed(name, key, result, recorded, startedAt, durationMs);
  c.adopt(name, key, result);
  if (result.run)
    c.emit({ type: 'run-created', cell: name, id: result.run.id, dir: result.run.dir, kind: result.run.kind });
  if (c.diskCache) {
    await saveResult(c.roots.cache, key, result).catch((e: Error) =>
      c.log.warn(`could not cache cell '${name}': ${e.message}`),
    );
  }
  return { cell: name, status: 'ok', durationMs, result, cacheKey: key };
}
