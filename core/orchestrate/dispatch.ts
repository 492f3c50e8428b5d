/**
 * A session's plan run through an Executor. Cells that need no computing (blocked, or restored
 * from memory or the disk cache) are settled here first; the rest are grouped into jobs and
 * handed to the executor. As a job's cells finish, their results are read back from the disk
 * cache (the data plane), so the session ends with the same results, events and outcomes a
 * serial run would give.
 */
import { ExitCode } from '../errors';
import type { Graph } from '../notebook/dag';
import type { CellError, CellOutcome, ExecutionEvent } from '../graph/events';
import { loadResult, type CacheReadOptions } from '../graph/resultStore';
import type { Logger, LogLevel } from '../log';
import type { PhaseResult } from '../spec/types';
import type { ArtifactRoots } from '../runs/roots';
import type { Executor, Job, NotebookRef, WireOutcome } from './executor';
import { groupJobs, jobWidth } from './jobs';

export interface DispatchHost {
  plan: readonly string[];
  graph: Graph;
  keys: ReadonlyMap<string, string>;
  errors: ReadonlySet<string>;
  targets: ReadonlySet<string>;
  force: boolean;
  cacheRoot: string;
  /** The session's resolved roots (the fleet's coordinator writes its workers' outputs under them). */
  roots: ArtifactRoots;
  /** How a cell's cache entry is read (max age, debug log of the decision). */
  cacheRead?(cell: string): CacheReadOptions;
  notebook: NotebookRef;
  log: Logger;
  signal?: AbortSignal;
  emit(e: ExecutionEvent): void;
  /** The in-memory result of a cell when its key is still `key`. */
  memo(name: string, key: string): PhaseResult | undefined;
  adopt(name: string, key: string, result: PhaseResult): void;
  forget(name: string): void;
  blocked(name: string, upstreamFailed: string | undefined, ownError: boolean): CellError;
  /** Note for a cached cell ("skipped: unchanged since ..."). */
  cachedNote(name: string, key: string, result: PhaseResult): Promise<string | undefined>;
  /**
   * The serial in-process executor, for plans too narrow to fan out (the engine makes it: orchestrate/ never imports
   * engine/).
   */
  inProcess(): Executor;
}

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** The jobs a plan would make (cells to compute, grouped), without running anything. */
export function planJobs(compute: readonly string[], graph: Graph, forced: ReadonlySet<string>): Job[] {
  return groupJobs(compute, graph, forced);
}

export async function runOnExecutor(
  executor: Executor,
  h: DispatchHost,
  preSettled?: Map<string, CellOutcome>,
): Promise<CellOutcome[]> {
  const outcomes = new Map<string, CellOutcome>(preSettled);
  const failed = new Set<string>(
    [...outcomes.values()].filter((o) => o.status !== 'ok' && o.status !== 'cached').map((o) => o.cell),
  );
  const finish = (o: CellOutcome): void => {
    outcomes.set(o.cell, o);
    if (o.status !== 'ok' && o.status !== 'cached') failed.add(o.cell);
    h.emit({
      type: 'finished',
      cell: o.cell,
      status: o.status,
      durationMs: o.durationMs,
      result: o.result,
      error: o.error,
      cacheKey: o.cacheKey,
      note: o.note,
    });
  };
  const compute: string[] = [];
  for (const [i, name] of h.plan.entries()) {
    if (outcomes.has(name)) continue;
    const key = h.keys.get(name);
    const upstreamFailed = h.graph.ancestors(name).find((a) => failed.has(a));
    if (h.signal?.aborted) {
      finish({ cell: name, status: 'cancelled', durationMs: 0 });
      continue;
    }
    if (upstreamFailed || h.errors.has(name) || !key) {
      finish({
        cell: name,
        status: h.errors.has(name) ? 'failed' : 'skipped',
        durationMs: 0,
        error: h.blocked(name, upstreamFailed, h.errors.has(name)),
      });
      continue;
    }
    const forced = h.force && h.targets.has(name);
    const t0 = performance.now();
    const hit = forced ? undefined : (h.memo(name, key) ?? (await loadResult(h.cacheRoot, key, h.cacheRead?.(name))));
    if (hit) {
      h.emit({ type: 'started', cell: name, order: i });
      h.adopt(name, key, hit);
      finish({
        cell: name,
        status: 'cached',
        durationMs: performance.now() - t0,
        result: hit,
        cacheKey: key,
        note: await h.cachedNote(name, key, hit),
      });
      continue;
    }
    compute.push(name);
  }
  if (compute.length) {
    const jobs = planJobs(compute, h.graph, new Set(compute.filter((c) => h.force && h.targets.has(c))));
    const byJob = new Map(jobs.map((j) => [j.id, j]));
    const settle = async (w: WireOutcome): Promise<void> => {
      const key = h.keys.get(w.cell);
      if ((w.status === 'ok' || w.status === 'cached') && key) {
        // Just written by the job: read back whatever its age.
        const r = await loadResult(h.cacheRoot, key, { maxAgeMs: Infinity });
        if (r) {
          h.adopt(w.cell, key, r);
          finish({ ...w, result: r });
          return;
        }
        finish({
          ...w,
          status: 'failed',
          error: {
            message: `the result of cell '${w.cell}' is missing from the cache after it ran in a worker`,
            location: { cell: w.cell },
            details: [],
            exitCode: ExitCode.Error,
          },
        });
        return;
      }
      h.forget(w.cell);
      finish(w);
    };
    const dead = (job: Job, o: { error?: string; cancelled?: boolean; because?: string }): void => {
      for (const cell of job.cells) {
        if (outcomes.has(cell)) continue;
        if (o.cancelled) finish({ cell, status: 'cancelled', durationMs: 0 });
        else if (o.because !== undefined)
          finish({
            cell,
            status: 'skipped',
            durationMs: 0,
            error: h.blocked(
              cell,
              h.graph.ancestors(cell).find((a) => failed.has(a)),
              false,
            ),
          });
        else
          finish({
            cell,
            status: 'failed',
            durationMs: 0,
            error: { message: o.error ?? 'the job failed', location: { cell }, details: [], exitCode: ExitCode.Error },
          });
      }
    };
    // Nothing to run side by side: spare the process start-up and run the jobs here.
    const runner = jobWidth(jobs) < 2 && executor.name === 'local-pool' ? h.inProcess() : executor;
    h.log.debug(`dispatching ${jobs.length} job(s) to the ${runner.name} executor`, {
      executor: runner.name,
      jobs: jobs.map((j) => ({ id: j.id, cells: j.cells })),
    });
    for await (const ev of runner.run(jobs, {
      notebook: h.notebook,
      signal: h.signal,
      plan: { keys: h.keys, ancestors: (c) => h.graph.ancestors(c), cacheRoot: h.cacheRoot, roots: h.roots },
    })) {
      if (ev.type === 'cell') {
        const e = ev.event;
        if (e.type === 'finished') {
          const { hasResult: _has, type: _type, ...w } = e;
          void _has;
          void _type;
          await settle(w);
        } else h.emit(e);
      } else if (ev.type === 'log') {
        const { level, msg, ts: _ts, ...fields } = ev.record;
        void _ts;
        (LEVELS.includes(level) ? h.log[level] : h.log.info)(msg, { ...fields, job: ev.job });
      } else if (ev.type === 'job-finished') {
        for (const w of ev.outcomes) if (!outcomes.has(w.cell)) await settle(w);
      } else if (ev.type === 'job-failed') {
        dead(byJob.get(ev.job) as Job, { error: ev.error, cancelled: ev.cancelled });
      } else if (ev.type === 'job-skipped') {
        dead(byJob.get(ev.job) as Job, { because: ev.because });
      }
    }
    for (const job of jobs)
      dead(job, { cancelled: h.signal?.aborted, error: 'the executor stopped before running it' });
  }
  return h.plan.map((n) => outcomes.get(n)).filter((o): o is CellOutcome => o !== undefined);
}
