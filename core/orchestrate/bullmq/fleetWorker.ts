/**
 * A fleet worker (`phasebook worker`): a BullMQ Worker on the cells queue. Each job runs in a
 * child process (the local pool's worker entry, one per concurrency slot, reused from job to
 * job), so heavy cells never block this process's event loop and BullMQ keeps renewing the job's
 * lock; a worker that dies stops renewing it, and BullMQ's stalled-job check hands the job to
 * another worker (lockDuration / stalledInterval; maxStalledCount = attempts). Per job: refuse
 * another engine version (no retry), pull the inputs from the artifact store into a cache of its
 * own, run the cell in a staging copy of the project (staging.ts: the worker never writes the
 * project folder), check the cell's key is the job's (same data files, same engine), push the files
 * the cell wrote and then its result to the store, return events, outcome and the output manifest.
 */
import type { ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Job as BullJob, Worker } from 'bullmq';
import type { LogRecord } from '../../log';
import { ENGINE_VERSION } from '../../version';
import { pullEntry, pushEntry } from '../../store/cacheEntries';
import type { ArtifactStore } from '../../store/types';
import { entryDir } from '../../graph/resultStore';
import type { Job, NotebookRef, WireEvent, WireOutcome } from '../executor';
import { findPoolWorker, forkWorker, type WorkerEntry } from '../pool';
import type { FromWorker, ToWorker } from '../workerProtocol';
import { cancelKey, DEFAULT_QUEUE, fleetScope, MAX_LOGS, type CellJobData, type CellJobResult } from './protocol';
import { parseRedisUrl } from './redisUrl';
import { pushOutputs, stageProject, unstageEntry, unstageJson } from './staging';

export interface FleetWorkerOptions {
  redis: string;
  store: ArtifactStore;
  /** This worker's own cache (inputs pulled from the store, outputs before they are pushed). */
  cacheDir: string;
  concurrency: number;
  queue?: string;
  /** BullMQ lockDuration and stalledInterval (ms; default 30000 each). */
  lockMs?: number;
  stalledMs?: number;
  /** Times a job may stall (its worker died) before it fails (default 2). */
  maxStalled?: number;
  /** One JSON object per line. */
  log: (rec: Record<string, unknown>) => void;
  entry?: WorkerEntry;
}

export interface FleetWorker {
  readonly name: string;
  close(): Promise<void>;
}

class Refused extends Error {}

/** How long a stopping worker waits for BullMQ to close (its running jobs, Redis) before it disconnects. */
const CLOSE_WAIT_MS = 5000;

interface Slot {
  child: ChildProcess;
  busy: boolean;
}

export async function startFleetWorker(o: FleetWorkerOptions): Promise<FleetWorker> {
  const { Worker: BullWorker, UnrecoverableError } = await import('bullmq');
  const entry = o.entry ?? findPoolWorker();
  if (!entry) throw new Error('the pool worker (dist/orchestrate-worker.js) is missing: run `npm run build`');
  const name = `${hostname()}:${process.pid}`;
  const queueName = o.queue ?? DEFAULT_QUEUE;
  const slots: Slot[] = [];
  const log = (level: string, msg: string, fields: Record<string, unknown> = {}): void =>
    o.log({ ts: new Date().toISOString(), level, msg, worker: name, ...fields });

  const takeSlot = (): Slot => {
    const live = slots.filter((s) => s.child.exitCode === null && s.child.signalCode === null);
    slots.splice(0, slots.length, ...live);
    const idle = slots.find((s) => !s.busy);
    if (idle) return idle;
    const s: Slot = { child: forkWorker(entry), busy: false };
    s.child.stderr?.on('data', () => undefined);
    slots.push(s);
    return s;
  };

  /** Runs one cell in a child; rejects when the child dies or the job is cancelled. */
  const runInChild = (
    job: Job,
    notebook: NotebookRef,
    cancelled: () => Promise<string | null>,
  ): Promise<{ events: WireEvent[]; outcome?: WireOutcome; logs: LogRecord[] }> =>
    new Promise((ok, no) => {
      const slot = takeSlot();
      slot.busy = true;
      const events: WireEvent[] = [];
      const logs: LogRecord[] = [];
      let stderr = '';
      const onErr = (b: Buffer): void => void (stderr = (stderr + b.toString()).slice(-2000));
      const finish = (err?: Error, outcome?: WireOutcome): void => {
        clearInterval(poll);
        slot.child.off('message', onMsg);
        slot.child.off('exit', onExit);
        slot.child.stderr?.off('data', onErr);
        slot.busy = false;
        if (err) no(err);
        else ok({ events, outcome, logs: logs.slice(-MAX_LOGS) });
      };
      const onMsg = (m: FromWorker): void => {
        if (m.type === 'event') events.push(m.event);
        else if (m.type === 'log') logs.push(m.record);
        else if (m.type === 'done')
          finish(
            undefined,
            m.outcomes.find((x) => x.cell === job.id),
          );
        else if (m.type === 'error') finish(new Error(m.message.split('\n')[0]));
      };
      const onExit = (code: number | null, sig: string | null): void =>
        finish(
          new Error(
            `the cell's process stopped (${sig ? `signal ${sig}` : `exit code ${code}`})` +
              `${stderr ? `: ${stderr.trim().split('\n').slice(-2).join(' | ')}` : ''}`,
          ),
        );
      const poll = setInterval(() => {
        void cancelled().then(
          (why) => {
            if (!why) return;
            slot.child.kill('SIGKILL');
            finish(new UnrecoverableError(why));
          },
          () => undefined,
        );
      }, 500);
      slot.child.on('message', onMsg);
      slot.child.on('exit', onExit);
      slot.child.stderr?.on('data', onErr);
      const msg: ToWorker = { type: 'run', job, notebook };
      slot.child.send(msg);
    });

  const process1 = async (bj: BullJob): Promise<CellJobResult> => {
    const data = bj.data as CellJobData;
    const fields = { job: bj.id, cell: data.cell, attempt: bj.attemptsStarted };
    const t0 = performance.now();
    try {
      if (data.engine !== ENGINE_VERSION) {
        throw new Refused(
          `refused: the job was queued by engine ${data.engine} and this worker runs engine ` +
            `${ENGINE_VERSION}; start workers of the coordinator's version`,
        );
      }
      log('info', 'job started', fields);
      const scope = fleetScope(data.notebook.baseDir);
      const cacheDir = join(o.cacheDir, scope);
      for (const k of data.inputKeys) {
        if (!(await pullEntry(o.store, scope, cacheDir, k)))
          throw new Error(`input ${k.slice(0, 16)} of cell '${data.cell}' is not in the artifact store ${o.store.url}`);
      }
      const client = await worker.backend.client;
      const nb = data.notebook;
      const st = await stageProject(nb.baseDir, nb.notebookPath, data.roots, cacheDir, join(o.cacheDir, 'staging'));
      try {
        const r = await runInChild(
          { id: data.cell, cells: [data.cell], dependsOn: [], force: data.force },
          { ...nb, baseDir: st.baseDir, notebookPath: st.notebookPath, rootOverrides: st.roots },
          () => client.get(cancelKey(queueName, String(bj.id))),
        );
        if (!r.outcome) throw new Error(`the worker's session returned no outcome for cell '${data.cell}'`);
        const outcome = unstageJson(st, r.outcome);
        const done = outcome.status === 'ok' || outcome.status === 'cached';
        if (done && outcome.cacheKey !== data.key) {
          throw new Refused(
            `refused: this worker computes key ${outcome.cacheKey?.slice(0, 16)} for cell '${data.cell}', ` +
              `the coordinator ${data.key.slice(0, 16)}: its data files or code differ from the coordinator's`,
          );
        }
        // The outputs first: an entry in the store means its cell's files are there too.
        const outputs = await pushOutputs(st, o.store, scope, data.key);
        if (done) {
          await unstageEntry(st, join(entryDir(cacheDir, data.key), 'result.json'));
          if (!(await pushEntry(o.store, scope, cacheDir, data.key)))
            throw new Error(`cell '${data.cell}' ran but left no cache entry to push`);
        }
        log('info', 'job finished', { ...fields, status: outcome.status, ms: Math.round(performance.now() - t0) });
        return { worker: name, events: unstageJson(st, r.events), outcome, logs: unstageJson(st, r.logs), outputs };
      } finally {
        await st.close();
      }
    } catch (e) {
      const err = e as Error;
      log('error', 'job failed', {
        ...fields,
        error: err.message,
        retry: !(e instanceof Refused || e instanceof UnrecoverableError),
      });
      if (e instanceof Refused) throw new UnrecoverableError(err.message);
      throw err;
    }
  };

  const target = parseRedisUrl(o.redis);
  let stopping = false;
  const worker: Worker = new BullWorker(queueName, process1, {
    // A stopping worker stops reconnecting (a gone Redis would keep it alive for ever).
    connection: {
      ...target,
      maxRetriesPerRequest: null,
      retryStrategy: (n: number) => (stopping ? null : Math.min(200 * n, 2000)),
    },
    concurrency: Math.max(1, o.concurrency),
    name,
    lockDuration: o.lockMs ?? 30_000,
    stalledInterval: o.stalledMs ?? o.lockMs ?? 30_000,
    maxStalledCount: o.maxStalled ?? 2,
    autorun: false,
  });
  worker.on('error', (e) => log('warn', 'redis', { error: e.message }));
  worker.on('stalled', (jobId) =>
    log('warn', 'job stalled: its worker stopped renewing the lock; moved back to the queue', { job: jobId }),
  );
  void worker.run();
  await worker.waitUntilReady();
  log('info', 'worker started', {
    queue: queueName,
    concurrency: o.concurrency,
    store: o.store.url,
    engine: ENGINE_VERSION,
  });
  return {
    name,
    async close() {
      // BullMQ's close waits for Redis; with Redis gone it would wait forever, so after a while the worker lets go.
      stopping = true;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((ok) => (timer = setTimeout(() => ok('late'), CLOSE_WAIT_MS)));
      const closed = worker.close().catch(() => undefined);
      if ((await Promise.race([closed, late])) === 'late')
        log('warn', 'Redis did not answer while the worker stopped: disconnected without it');
      clearTimeout(timer);
      for (const s of slots) {
        if (s.child.connected) s.child.disconnect();
        s.child.kill('SIGKILL');
      }
      await o.store.close();
      log('info', 'worker stopped');
    },
  };
}
