/**
 * The `bullmq` executor (docs/design.md §4.9): the coordinator keeps the DAG and hands every computed cell
 * to a worker fleet as one BullMQ job on Redis (job id = the cell's cache key). A plan's job (a
 * chain of cells, core/orchestrate/jobs.ts) runs its cells one after another; independent jobs
 * are all queued at once and the fleet's size decides how many run side by side. Results come
 * back through the artifact store into this machine's cache, where the dispatcher reads them.
 */
import type { Queue, QueueEvents } from 'bullmq';
import { ExitCode } from '../../errors';
import type { ArtifactStore } from '../../store/types';
import type { Executor, ExecutorRunOptions, Job, JobEvent, WireEvent, WireOutcome } from '../executor';
import { JobBoard } from '../jobs';
import { EventQueue } from '../pool';
import { runCellOnFleet, type FleetContext } from './cellJob';
import { DEFAULT_QUEUE } from './protocol';
import { parseRedisUrl, redactRedisUrl } from './redisUrl';

export interface BullmqExecutorOptions {
  redis: string;
  store: ArtifactStore;
  queue?: string;
  /**
   * Attempts per cell (a worker that dies or errors; default 3), with exponential backoff from backoffMs (default
   * 1000).
   */
  attempts?: number;
  backoffMs?: number;
  /** How long Redis may stay unreachable before the waiting cells fail (default 30 s). */
  redisTimeoutMs?: number;
  /** Fallback poll of a job's state between queue events (default 1000 ms). */
  pollMs?: number;
}

type Internal = { kind: 'event'; ev: JobEvent } | { kind: 'done'; job: string; ok: boolean } | { kind: 'abort' };

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<T>((_, no) => (timer = setTimeout(() => no(new Error(what)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

export class BullmqExecutor implements Executor {
  readonly name = 'bullmq';
  readonly slots = Number.MAX_SAFE_INTEGER;

  constructor(private readonly o: BullmqExecutorOptions) {
    parseRedisUrl(o.redis);
  }

  async *run(jobs: Job[], opts: ExecutorRunOptions): AsyncIterable<JobEvent> {
    const plan = opts.plan;
    if (!plan) throw new Error('the bullmq executor needs the plan (cache keys, graph, cache root)');
    const { Queue, QueueEvents } = await import('bullmq');
    const target = parseRedisUrl(this.o.redis);
    const retryStrategy = (n: number): number => Math.min(200 * n, 1000);
    const queueName = this.o.queue ?? DEFAULT_QUEUE;
    const queue: Queue = new Queue(queueName, { connection: { ...target, maxRetriesPerRequest: 1, retryStrategy } });
    const events: QueueEvents = new QueueEvents(queueName, {
      connection: { ...target, maxRetriesPerRequest: null, retryStrategy },
    });
    // Connection errors are retried by ioredis and reported per cell; keep them off the console.
    queue.on('error', () => undefined);
    events.on('error', () => undefined);
    const waiters = new Map<string, Set<() => void>>();
    const poke = (id: string): void => waiters.get(id)?.forEach((f) => f());
    events.on('completed', ({ jobId }) => poke(jobId));
    events.on('failed', ({ jobId }) => poke(jobId));
    events.on('removed', ({ jobId }) => poke(jobId));
    const pollMs = this.o.pollMs ?? 1000;
    const wake = (id: string): Promise<void> =>
      new Promise((ok) => {
        const set = waiters.get(id) ?? new Set();
        waiters.set(id, set);
        const done = (): void => {
          clearTimeout(t);
          set.delete(done);
          opts.signal?.removeEventListener('abort', done);
          ok();
        };
        const t = setTimeout(done, pollMs);
        set.add(done);
        opts.signal?.addEventListener('abort', done, { once: true });
      });
    const ctx: FleetContext = {
      queue,
      queueName,
      redisUrl: this.o.redis,
      store: this.o.store,
      cacheRoot: plan.cacheRoot,
      roots: plan.roots,
      notebook: opts.notebook,
      keys: plan.keys,
      ancestors: (c) => plan.ancestors(c),
      attempts: this.o.attempts ?? 3,
      backoffMs: this.o.backoffMs ?? 1000,
      redisTimeoutMs: this.o.redisTimeoutMs ?? 30_000,
      wake,
      signal: opts.signal,
      stored: new Set(),
    };
    const q = new EventQueue<Internal>();
    const onAbort = (): void => q.push({ kind: 'abort' });
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const board = new JobBoard(jobs);
    let running = 0;
    const runJob = async (job: Job): Promise<void> => {
      q.push({ kind: 'event', ev: { type: 'job-started', job: job.id, worker: 0 } });
      const outcomes: WireOutcome[] = [];
      let failedAt: string | undefined;
      for (const cell of job.cells) {
        if (failedAt) {
          outcomes.push({
            cell,
            status: 'skipped',
            durationMs: 0,
            error: {
              message: `not run: upstream cell '${failedAt}' failed`,
              location: { cell },
              details: [],
              exitCode: ExitCode.Error,
              blockedBy: failedAt,
            },
          });
          continue;
        }
        const r = await runCellOnFleet(ctx, cell, job.force);
        for (const e of r.events)
          if (e.type !== 'finished') q.push({ kind: 'event', ev: { type: 'cell', job: job.id, event: e } });
        for (const record of r.logs) q.push({ kind: 'event', ev: { type: 'log', job: job.id, record } });
        const { cell: name, ...rest } = r.outcome;
        const fin: WireEvent = { type: 'finished', cell: name, hasResult: false, ...rest };
        q.push({ kind: 'event', ev: { type: 'cell', job: job.id, event: fin } });
        outcomes.push(r.outcome);
        if (r.outcome.status !== 'ok' && r.outcome.status !== 'cached') failedAt = cell;
      }
      const ok = failedAt === undefined;
      q.push({ kind: 'event', ev: { type: 'job-finished', job: job.id, ok, outcomes } });
      q.push({ kind: 'done', job: job.id, ok });
    };
    const start = (): void => {
      for (const job of board.takeReady(Number.MAX_SAFE_INTEGER)) {
        running++;
        void runJob(job);
      }
    };
    try {
      await withTimeout(
        queue.waitUntilReady(),
        ctx.redisTimeoutMs,
        `cannot reach Redis at ${redactRedisUrl(this.o.redis)}`,
      ).catch((e: Error) => {
        throw new Error(`${e.message}: start redis-server, or check --redis`);
      });
      start();
      let aborted = false;
      while (!board.done || running > 0) {
        const m = await q.next();
        if (m.kind === 'abort') {
          // Running cells see the signal and cancel their jobs; queued ones never start.
          aborted = true;
          for (const j of board.waiting()) {
            board.finish(j.id, false);
            yield { type: 'job-failed', job: j.id, error: 'cancelled', cancelled: true };
          }
          continue;
        }
        if (m.kind === 'event') {
          yield m.ev;
          continue;
        }
        running--;
        for (const s of board.finish(m.job, m.ok)) yield { type: 'job-skipped', job: s.job.id, because: s.because };
        if (!aborted) start();
      }
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      await withTimeout(Promise.all([queue.close(), events.close()]), 3000, 'close').catch(() => {
        void queue.disconnect();
        void events.disconnect();
      });
    }
  }
}
