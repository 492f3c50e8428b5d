/**
 * After an execution: its metrics into artifacts/metrics.db and its cache hits and misses into
 * the cache statistics. Never fails the run: a write error is a warning in the log.
 */
import type { ExecutionReport } from '../graph/events';
import type { Logger } from '../log';
import type { Cell } from '../notebook/types';
import { newRunId } from '../runs/id';
import type { ArtifactRoots } from '../runs/roots';
import { ENGINE_VERSION } from '../version';
import { branchLabels } from './branch';
import { appendCacheStats } from './cacheStats';
import type { Expansion } from './expand';
import { metricsDbPath, writeExecution, type CellRow } from './metricsDb';

export interface RecordInput {
  roots: ArtifactRoots;
  notebookPath: string;
  seed: number;
  started: Date;
  report: ExecutionReport;
  expansion: Expansion;
  cells: ReadonlyMap<string, Cell>;
  log: Logger;
}

/** Records the execution; returns its id in metrics.db (undefined when no cell had metrics). */
export async function recordExecution(r: RecordInput): Promise<string | undefined> {
  const outcomes = r.report.outcomes;
  const byKind: Record<string, { hits: number; misses: number }> = {};
  for (const o of outcomes) {
    if (o.status !== 'ok' && o.status !== 'cached') continue;
    const kind = r.cells.get(o.cell)?.kind ?? 'unknown';
    const k = (byKind[kind] ??= { hits: 0, misses: 0 });
    if (o.status === 'cached') k.hits++;
    else k.misses++;
  }
  if (Object.keys(byKind).length) {
    await appendCacheStats(r.roots.cache, byKind).catch((e: Error) =>
      r.log.warn(`could not update the cache statistics: ${e.message}`),
    );
  }
  if (!outcomes.some((o) => o.result?.metrics && Object.keys(o.result.metrics).length)) return undefined;
  const executionId = `exec_${newRunId(r.started)}`;
  const rows: CellRow[] = outcomes.map((o) => {
    const v = r.expansion.virtual.get(o.cell);
    return {
      cell: o.cell,
      origin: v?.origin ?? o.cell,
      kind: r.cells.get(o.cell)?.kind ?? '',
      branch: branchLabels(v?.branch ?? []),
      status: o.status,
      durationMs: o.durationMs,
      cacheKey: o.cacheKey,
      runId: o.result?.run?.id,
      metrics: o.result?.metrics,
      modelMetrics: o.result?.modelMetrics,
    };
  });
  const path = metricsDbPath(r.roots.artifacts);
  try {
    await writeExecution(
      path,
      {
        executionId,
        notebook: r.notebookPath,
        started: r.started.toISOString(),
        finished: new Date().toISOString(),
        seed: r.seed,
        exitCode: r.report.exitCode,
        executor: r.report.executor ?? 'in-process',
        engineVersion: ENGINE_VERSION,
      },
      rows,
    );
    return executionId;
  } catch (e) {
    r.log.warn(`could not write ${path}: ${(e as Error).message}`);
    return undefined;
  }
}

export interface StandaloneRun {
  artifactsRoot: string;
  notebookPath: string;
  seed: number;
  started: Date;
  /** What made it, as the cells table's cell ("train-stacking" for the CodeLens). */
  cell: string;
  kind: string;
  runId: string;
  metrics: Record<string, number>;
  modelMetrics?: { model: string; metrics: Record<string, number> }[];
  log: Logger;
}

/**
 * A run made outside a notebook execution (the "Train stacking on this run" CodeLens): one
 * execution in metrics.db (executor "codelens") holding its metrics, so `phasebook query` sees it
 * beside the notebook's runs. Never fails the run: a write error is a warning.
 */
export async function recordStandaloneRun(r: StandaloneRun): Promise<string | undefined> {
  const executionId = `exec_${newRunId(r.started)}`;
  const path = metricsDbPath(r.artifactsRoot);
  try {
    await writeExecution(
      path,
      {
        executionId,
        notebook: r.notebookPath,
        started: r.started.toISOString(),
        finished: new Date().toISOString(),
        seed: r.seed,
        exitCode: 0,
        executor: 'codelens',
        engineVersion: ENGINE_VERSION,
      },
      [
        {
          cell: r.cell,
          origin: r.cell,
          kind: r.kind,
          branch: {},
          status: 'ok',
          durationMs: Date.now() - r.started.getTime(),
          runId: r.runId,
          metrics: r.metrics,
          modelMetrics: r.modelMetrics,
        },
      ],
    );
    return executionId;
  } catch (e) {
    r.log.warn(`could not write ${path}: ${(e as Error).message}`);
    return undefined;
  }
}
