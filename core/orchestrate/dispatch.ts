/**
 * The cells of a session's plan that must compute, run through an Executor (docs/design.md §4.6). The engine's
 * settling loop (core/engine/settle.ts) has settled every other cell (blocked, cancelled, restored from memory or
 * the disk cache) into the ledger first; the rest are grouped into jobs and handed to the executor. As a job's
 * cells finish, their results are read back from the disk cache (the data plane) and settled into the same
 * ledger, so the session ends with the same results, events and outcomes a serial run would give.
 */
import { ExitCode } from '../errors';
import type { Graph } from '../notebook/dag';
import type { CellError, CellOutcome, ExecutionEvent } from '../graph/events';
import { loadResult } from '../graph/resultStore';
import type { Logger, LogLevel } from '../log';
import type { PhaseResult } from '../spec/types';
import type { ArtifactRoots } from '../runs/roots';
import type { Executor, Job, NotebookRef, WireOutcome } from './executor';
import { groupJobs, jobWidth } from './jobs';
import type { CellLedger } from './ledger';

export interface DispatchHost {
  graph: Graph;
  keys: ReadonlyMap<string, string>;
  targets: ReadonlySet<string>;
  force: boolean;
  cacheRoot: string;
  /** The session's resolved roots (the fleet's coordinator writes its workers' outputs under them). */
  roots: ArtifactRoots;
  notebook: NotebookRef;
  log: Logger;
  signal?: AbortSignal;
  emit(e: ExecutionEvent): void;
  adopt(name: string, key: string, result: PhaseResult): void;
  forget(name: string): void;
  blocked(name: string, upstreamFailed: string | undefined, ownError: boolean): CellError;
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

/** Computes `compute` (cells of the plan the settling loop left) on the executor, settling them into `ledger`. */
export async function runOnExecutor(
  executor: Executor,
  h: DispatchHost,
  ledger: CellLedger,
  compute: readonly string[],
): Promise<void> {
  const finish = (o: CellOutcome): void => void ledger.finish(o);
  if (!compute.length) return;
  const jobs = planJobs(compute, h.graph, new Set(compute.filter((c) => h.force && h.targets.has(c))));
  const byJob = new Map(jobs.map((j) => [j.id, j]));
  // Set below, before any job runs: the executor that computed a cell (the in-process one for narrow plans).
  let ranOn = executor.name;
  const settle = async (wire: WireOutcome): Promise<void> => {
    const computed = wire.status === 'ok' || wire.status === 'failed';
    const w: WireOutcome = computed ? { ...wire, executor: ranOn } : wire;
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
      if (ledger.has(cell)) continue;
      if (o.cancelled) finish({ cell, status: 'cancelled', durationMs: 0 });
      else if (o.because !== undefined)
        finish({
          cell,
          status: 'skipped',
          durationMs: 0,
          error: h.blocked(cell, ledger.failedAncestor(h.graph, cell), false),
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
  ranOn = runner.name;
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
      for (const w of ev.outcomes) if (!ledger.has(w.cell)) await settle(w);
    } else if (ev.type === 'job-failed') {
      dead(byJob.get(ev.job) as Job, { error: ev.error, cancelled: ev.cancelled });
    } else if (ev.type === 'job-skipped') {
      dead(byJob.get(ev.job) as Job, { because: ev.because });
    }
  }
  for (const job of jobs) dead(job, { cancelled: h.signal?.aborted, error: 'the executor stopped before running it' });
}
