/**
 * One computed cell's life on the fleet, seen from the coordinator: served from the store when
 * another run already computed it; else its inputs pushed to the store, a BullMQ job added under
 * the cell's cache key (or an existing one joined), and the job watched until it completes,
 * fails, or Redis stays unreachable too long. A job that vanished (Redis restarted without its
 * data) is added again; its result is taken from the store when the worker got that far.
 */
import type { Job as BullJob, Queue } from 'bullmq';
import { ExitCode } from '../../errors';
import { ENGINE_VERSION } from '../../version';
import { pullEntry, pushEntry, storeHasEntry } from '../../store/cacheEntries';
import type { ArtifactStore } from '../../store/types';
import type { NotebookRef, WireEvent, WireOutcome } from '../executor';
import type { LogRecord } from '../../log';
import type { ArtifactRoots } from '../../runs/roots';
import { applyOutputs, storedOutputs } from './outputs';
import { cancelKey, fleetJobId, fleetScope, JOB_NAME, type CellJobData, type CellJobResult } from './protocol';
import { redactRedisUrl } from './redisUrl';

export interface FleetContext {
  queue: Queue;
  queueName: string;
  redisUrl: string;
  store: ArtifactStore;
  cacheRoot: string;
  /** The coordinator's roots: its workers' outputs are written under them (outputs.ts). */
  roots: ArtifactRoots;
  notebook: NotebookRef;
  keys: ReadonlyMap<string, string>;
  ancestors(cell: string): string[];
  attempts: number;
  backoffMs: number;
  /** How long Redis may stay unreachable before the cell fails. */
  redisTimeoutMs: number;
  /** Resolves when the job may have changed state (a queue event, or the poll interval). */
  wake(jobId: string): Promise<void>;
  signal?: AbortSignal;
  /** Keys known to be in the store (this run). */
  stored: Set<string>;
}

export interface CellRun {
  events: WireEvent[];
  outcome: WireOutcome;
  logs: LogRecord[];
}

const fail = (cell: string, message: string, details: string[] = []): CellRun => ({
  events: [],
  logs: [],
  outcome: {
    cell,
    status: 'failed',
    durationMs: 0,
    error: { message, location: { cell }, details, exitCode: ExitCode.Error },
  },
});

async function inStore(c: FleetContext, key: string): Promise<boolean> {
  if (c.stored.has(key)) return true;
  const yes = await storeHasEntry(c.store, fleetScope(c.notebook.baseDir), key);
  if (yes) c.stored.add(key);
  return yes;
}

class RedisLost extends Error {
  constructor(
    message: string,
    readonly details: string[],
  ) {
    super(message);
  }
}

/** Runs a Redis operation again until it succeeds or Redis has been unreachable for too long. */
async function retrying<T>(c: FleetContext, cell: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() - t0 > c.redisTimeoutMs || c.signal?.aborted) {
        throw new RedisLost(
          `lost Redis at ${redactRedisUrl(c.redisUrl)} for more than ${Math.round(c.redisTimeoutMs / 1000)} ` +
            `s while cell '${cell}' was queued or running`,
          [(e as Error).message],
        );
      }
      await new Promise((ok) => setTimeout(ok, 250));
    }
  }
}

const PENDING = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children', 'active']);

/** Asks the queue to stop a job: removed when queued, signalled (a Redis key its worker polls) when running. */
export async function cancelCellJob(c: FleetContext, id: string): Promise<void> {
  const job = await c.queue.getJob(id).catch(() => undefined);
  if (!job) return;
  const state = await job.getState().catch(() => 'unknown');
  if (state !== 'active') await job.remove().catch(() => undefined);
  if (state === 'active' || state === 'unknown') {
    const client = await c.queue.backend.client;
    await client.set(cancelKey(c.queueName, id), 'cancelled by the coordinator', { EX: 3600 }).catch(() => undefined);
  }
}

async function addJob(c: FleetContext, data: CellJobData, id: string): Promise<void> {
  const existing = await c.queue.getJob(id);
  if (existing) {
    const state = await existing.getState();
    // Another coordinator asked first: share its job (queued, running, or done with its result stored).
    if (!data.force && (PENDING.has(state) || (state === 'completed' && (await inStore(c, data.key))))) return;
    // Finished earlier without a result in the store (failed, or its result was since removed).
    await existing.remove().catch(() => undefined);
  }
  const client = await c.queue.backend.client;
  await client.del(cancelKey(c.queueName, id));
  await c.queue.add(JOB_NAME, data, {
    jobId: id,
    attempts: c.attempts,
    backoff: { type: 'exponential', delay: c.backoffMs },
    removeOnComplete: { age: 24 * 3600, count: 10000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 10000 },
  });
}

const attemptsOf = (job: BullJob): number => Math.max(1, job.attemptsStarted ?? job.attemptsMade + 1);

export async function runCellOnFleet(c: FleetContext, cell: string, force: boolean): Promise<CellRun> {
  const key = c.keys.get(cell);
  if (!key) return fail(cell, `cell '${cell}' has no cache key`);
  const id = fleetJobId(key, c.notebook.baseDir);
  const cancelled = (): CellRun => ({ events: [], logs: [], outcome: { cell, status: 'cancelled', durationMs: 0 } });
  const restored = async (note: string): Promise<CellRun | undefined> =>
    (await pullEntry(c.store, fleetScope(c.notebook.baseDir), c.cacheRoot, key))
      ? { events: [], logs: [], outcome: { cell, status: 'cached', durationMs: 0, cacheKey: key, note } }
      : undefined;
  try {
    if (!force && (await inStore(c, key))) {
      const r = await restored('computed by another run of the fleet: restored from the artifact store');
      if (r) return r;
    }
    const inputKeys: string[] = [];
    for (const a of c.ancestors(cell)) {
      const k = c.keys.get(a);
      if (!k) return fail(cell, `input cell '${a}' of '${cell}' has no cache key`);
      if (!(await inStore(c, k))) {
        if (!(await pushEntry(c.store, fleetScope(c.notebook.baseDir), c.cacheRoot, k)))
          return fail(
            cell,
            `the result of input cell '${a}' is neither in the local cache nor in the artifact store ${c.store.url}`,
          );
        c.stored.add(k);
      }
      inputKeys.push(k);
    }
    const data: CellJobData = {
      engine: ENGINE_VERSION,
      notebook: c.notebook,
      cell,
      key,
      inputKeys,
      force,
      roots: c.roots,
    };
    await retrying(c, cell, () => addJob(c, data, id));
    let readds = 0;
    for (;;) {
      if (c.signal?.aborted) {
        await cancelCellJob(c, id);
        return cancelled();
      }
      const { job, state } = await retrying(c, cell, async () => {
        const j = await c.queue.getJob(id);
        const st = j ? await j.getState() : 'missing';
        // Fetched while it was still running: read it again for its return value or failure.
        return { job: st === 'completed' || st === 'failed' ? ((await c.queue.getJob(id)) ?? j) : j, state: st };
      });
      if (!job || state === 'missing' || state === 'unknown') {
        // Redis lost the job (restarted without its data): the worker may have finished anyway.
        if (await inStore(c, key)) {
          const lost = await storedOutputs(c.store, fleetScope(c.notebook.baseDir), key);
          if (lost) await applyOutputs(c.store, lost, c.roots, c.notebook.baseDir);
          const r = await restored(
            'finished on the fleet while Redis was restarting: restored from the artifact store',
          );
          if (r) return { ...r, outcome: { ...r.outcome, status: 'ok' } };
        }
        if (++readds > 3)
          return fail(cell, `the job of cell '${cell}' kept disappearing from Redis at ${redactRedisUrl(c.redisUrl)}`);
        await retrying(c, cell, () => addJob(c, data, id));
        continue;
      }
      if (state === 'completed') {
        const rv = job.returnvalue as CellJobResult | null;
        if (!rv?.outcome) return fail(cell, `the job of cell '${cell}' completed without an outcome`);
        const outcome: WireOutcome = { ...rv.outcome, attempts: attemptsOf(job), worker: rv.worker };
        // The coordinator writes what the cell wrote on the worker, before its result counts as here.
        if (rv.outputs) await applyOutputs(c.store, rv.outputs, c.roots, c.notebook.baseDir);
        if (
          (outcome.status === 'ok' || outcome.status === 'cached') &&
          !(await pullEntry(c.store, fleetScope(c.notebook.baseDir), c.cacheRoot, key))
        ) {
          return fail(
            cell,
            `the result of cell '${cell}' is missing from the artifact store ${c.store.url} after it ran on ` +
              `${rv.worker}`,
          );
        }
        if (outcome.status === 'ok') c.stored.add(key);
        return { events: rv.events, logs: rv.logs, outcome };
      }
      if (state === 'failed') {
        if (job.failedReason === 'cancelled by the coordinator' && c.signal?.aborted) return cancelled();
        const r = fail(
          cell,
          `the fleet could not run cell '${cell}' (${attemptsOf(job)} ` +
            `attempt${attemptsOf(job) === 1 ? '' : 's'}): ${job.failedReason}`,
        );
        return { ...r, outcome: { ...r.outcome, attempts: attemptsOf(job) } };
      }
      await c.wake(id);
    }
  } catch (e) {
    if (e instanceof RedisLost) return fail(cell, e.message, e.details);
    return fail(cell, `the fleet could not run cell '${cell}': ${(e as Error).message}`);
  }
}
