/**
 * Entry of a pool worker process (bundled as dist/orchestrate-worker.js): registers every phase,
 * then runs the jobs its parent sends, one at a time, reporting events, log records and outcomes
 * over the IPC channel. It exits when the channel closes.
 */
import '../phases/register';
import type { Job, NotebookRef } from '../orchestrate/executor';
import { runJobHere } from '../orchestrate/jobRunner';
import { openJobSession } from './session';
import type { ToWorker, FromWorker } from '../orchestrate/workerProtocol';

function send(m: FromWorker): void {
  process.send?.(m);
}

async function runOne(job: Job, notebook: NotebookRef): Promise<void> {
  try {
    const r = await runJobHere(openJobSession, notebook, job, {
      event: (event) => send({ type: 'event', job: job.id, event }),
      log: (record) => send({ type: 'log', job: job.id, record }),
    });
    send({ type: 'done', job: job.id, ok: r.ok, outcomes: r.outcomes });
  } catch (e) {
    send({ type: 'error', job: job.id, message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
}

let queue = Promise.resolve();
process.on('message', (m: ToWorker) => {
  if (m.type === 'run') queue = queue.then(() => runOne(m.job, m.notebook));
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
