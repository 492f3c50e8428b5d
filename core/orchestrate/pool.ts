/**
 * The local pool executor: child processes forked from the bundled worker entry
 * (dist/orchestrate-worker.js; worker.ts through tsx when running from sources), at most
 * `size` of them (default os.availableParallelism()), started as jobs become ready and reused for
 * the next ones. Cancel kills every worker. A worker that dies fails the job it was running.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Executor, ExecutorRunOptions, Job, JobEvent } from './executor';
import { JobBoard } from './jobs';
import type { FromWorker, ToWorker } from './workerProtocol';

export interface WorkerEntry {
  file: string;
  typescript: boolean;
}

function moduleDir(): string {
  return typeof __dirname === 'string' ? __dirname : process.cwd();
}

/** Bundled next to the engine (dist/), or the TypeScript source when running under tsx. */
export function findPoolWorker(
  env: NodeJS.ProcessEnv = process.env,
  here: string = moduleDir(),
): WorkerEntry | undefined {
  const candidates = [
    env.PHASEBOOK_ORCHESTRATE_WORKER,
    join(here, 'orchestrate-worker.js'),
    join(here, '..', 'engine', 'worker.ts'),
    join(here, '..', '..', 'dist', 'orchestrate-worker.js'),
  ];
  const file = candidates.find((c): c is string => !!c && existsSync(c));
  return file ? { file, typescript: file.endsWith('.ts') } : undefined;
}

export function forkWorker(entry: WorkerEntry): ChildProcess {
  const execArgv = entry.typescript
    ? ['--require', require.resolve('tsx/cjs', { paths: [moduleDir(), process.cwd()] })]
    : [];
  return fork(entry.file, [], {
    execArgv,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, PHASEBOOK_WORKER: '1' },
  });
}

interface Slot {
  id: number;
  child: ChildProcess;
  job?: Job;
  stderr: string;
}

/** A queue an async generator can wait on. */
export class EventQueue<T> {
  private items: T[] = [];
  private wake?: () => void;
  push(x: T): void {
    this.items.push(x);
    this.wake?.();
  }
  async next(): Promise<T> {
    while (!this.items.length) await new Promise<void>((ok) => (this.wake = ok));
    this.wake = undefined;
    return this.items.shift() as T;
  }
}

type Internal =
  | { kind: 'msg'; slot: Slot; msg: FromWorker }
  | { kind: 'exit'; slot: Slot; code: number | null; signal: string | null }
  | { kind: 'abort' };

export class LocalPoolExecutor implements Executor {
  readonly name = 'local-pool';
  readonly slots: number;
  private readonly entry: WorkerEntry;

  constructor(opts: { size?: number; entry?: WorkerEntry } = {}) {
    this.slots = Math.max(1, opts.size ?? availableParallelism());
    const entry = opts.entry ?? findPoolWorker();
    if (!entry) throw new Error('the pool worker (dist/orchestrate-worker.js) is missing: run `npm run build`');
    this.entry = entry;
  }

  async *run(jobs: Job[], opts: ExecutorRunOptions): AsyncIterable<JobEvent> {
    const board = new JobBoard(jobs);
    const q = new EventQueue<Internal>();
    const slots: Slot[] = [];
    const onAbort = () => q.push({ kind: 'abort' });
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const start = (job: Job, slot: Slot): JobEvent => {
      slot.job = job;
      const m: ToWorker = { type: 'run', job, notebook: opts.notebook };
      slot.child.send(m);
      return { type: 'job-started', job: job.id, worker: slot.id };
    };
    const spawn = (): Slot => {
      const slot: Slot = { id: slots.length, child: forkWorker(this.entry), stderr: '' };
      slot.child.stderr?.on('data', (b: Buffer) => (slot.stderr = (slot.stderr + b.toString()).slice(-4000)));
      slot.child.on('message', (msg: FromWorker) => q.push({ kind: 'msg', slot, msg }));
      slot.child.on('exit', (code, signal) => q.push({ kind: 'exit', slot, code, signal }));
      slots.push(slot);
      return slot;
    };
    const live = () => slots.filter((s) => s.child.exitCode === null && s.child.signalCode === null);
    const killAll = () => {
      for (const s of slots) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    };
    try {
      if (opts.signal?.aborted) q.push({ kind: 'abort' });
      const size = this.slots;
      const dispatch = function* (): Generator<JobEvent> {
        const idle = live().filter((s) => !s.job);
        const room = idle.length + Math.max(0, size - live().length);
        for (const job of board.takeReady(room)) yield start(job, idle.shift() ?? spawn());
      };
      yield* dispatch();
      while (!board.done) {
        const ev = await q.next();
        if (ev.kind === 'abort') {
          killAll();
          for (const j of [...board.running(), ...board.waiting()]) {
            board.finish(j.id, false);
            yield { type: 'job-failed', job: j.id, error: 'cancelled', cancelled: true };
          }
          break;
        }
        const slot = ev.slot;
        if (ev.kind === 'exit') {
          const job = slot.job;
          slot.job = undefined;
          if (job) {
            const why = ev.signal ? `signal ${ev.signal}` : `exit code ${ev.code}`;
            yield {
              type: 'job-failed',
              job: job.id,
              error:
                `the worker process running it stopped ` +
                `(${why})${slot.stderr ? `: ${slot.stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`,
              cancelled: false,
            };
            for (const s of board.finish(job.id, false))
              yield { type: 'job-skipped', job: s.job.id, because: s.because };
          }
          yield* dispatch();
          continue;
        }
        const m = ev.msg;
        if (m.type === 'ready') continue;
        if (m.type === 'event') yield { type: 'cell', job: m.job, event: m.event };
        else if (m.type === 'log') yield { type: 'log', job: m.job, record: m.record };
        else {
          slot.job = undefined;
          if (m.type === 'done') yield { type: 'job-finished', job: m.job, ok: m.ok, outcomes: m.outcomes };
          else yield { type: 'job-failed', job: m.job, error: m.message, cancelled: false };
          const ok = m.type === 'done' && m.ok;
          for (const s of board.finish(m.job, ok)) yield { type: 'job-skipped', job: s.job.id, because: s.because };
          yield* dispatch();
        }
      }
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      for (const s of slots) if (s.child.connected) s.child.disconnect();
      killAll();
    }
  }
}
