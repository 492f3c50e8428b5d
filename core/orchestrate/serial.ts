/**
 * The serial in-process executor: jobs one after another in this process, through the same job
 * runner the pool's workers use (so it exercises the whole data plane without forking).
 */
import type { Executor, ExecutorRunOptions, Job, JobEvent } from './executor';
import { JobBoard } from './jobs';
import { runJobHere, type OpenJobSession } from './jobRunner';

export class SerialExecutor implements Executor {
  readonly name = 'serial';
  readonly slots = 1;

  constructor(private readonly open: OpenJobSession) {}

  async *run(jobs: Job[], opts: ExecutorRunOptions): AsyncIterable<JobEvent> {
    const board = new JobBoard(jobs);
    while (!board.done) {
      const [job] = board.takeReady(1);
      if (!job) break;
      if (opts.signal?.aborted) {
        for (const j of [job, ...board.waiting()]) {
          board.finish(j.id, false);
          yield { type: 'job-failed', job: j.id, error: 'cancelled', cancelled: true };
        }
        break;
      }
      yield { type: 'job-started', job: job.id, worker: 0 };
      const buffered: JobEvent[] = [];
      const r = await runJobHere(
        this.open,
        opts.notebook,
        job,
        {
          event: (event) => buffered.push({ type: 'cell', job: job.id, event }),
          log: (record) => buffered.push({ type: 'log', job: job.id, record }),
        },
        opts.signal,
      );
      yield* buffered;
      yield { type: 'job-finished', job: job.id, ok: r.ok, outcomes: r.outcomes };
      for (const s of board.finish(job.id, r.ok)) yield { type: 'job-skipped', job: s.job.id, because: s.because };
    }
  }
}
