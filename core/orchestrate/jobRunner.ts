/**
 * Runs one job's cells in this process: a session over the notebook text (kept per notebook, so
 * a worker that runs several jobs of one notebook keeps earlier results in memory), upstream
 * results from the disk cache, outputs to the disk cache. Used by the pool's worker processes
 * and by the serial in-process executor.
 */
import { createLogger, type LogRecord, type Logger } from '../log';
import { sha256 } from '../base/hash';
import type { ExecutionReport, RunRequest } from '../graph/events';
import type { Job, NotebookRef, WireEvent, WireOutcome } from './executor';
import { toWireEvent } from './executor';

/**
 * What a job runner needs of a session (engine/session.ts's PipelineSession): the seam that keeps orchestrate/ below
 * engine/.
 */
export interface JobSession {
  setLogger(log: Logger): void;
  run(req: RunRequest): Promise<ExecutionReport>;
}

/** Opens the session a job runs in (engine/session.ts's `openJobSession`). */
export type OpenJobSession = (nb: NotebookRef, log: Logger) => JobSession;

/** The last job session, reused while everything that shapes its plan and keys (the id below) is the same. */
const sessions = new Map<string, JobSession>();

function sessionFor(nb: NotebookRef, log: Logger, open: OpenJobSession): JobSession {
  const id = sha256(
    JSON.stringify([
      nb.notebookPath,
      nb.text,
      nb.baseDir,
      nb.rootDefaults,
      nb.rootOverrides,
      nb.seed,
      nb.overrides?.cells ?? null,
    ]),
  );
  let s = sessions.get(id);
  if (!s) {
    s = open(nb, log);
    sessions.clear();
    sessions.set(id, s);
  }
  s.setLogger(log);
  return s;
}

const loaded = new Set<string>();

export function preloadModules(paths: readonly string[] = []): void {
  for (const p of paths) {
    if (loaded.has(p)) continue;
    require(p); // eslint-disable-line @typescript-eslint/no-require-imports
    loaded.add(p);
  }
}

export interface JobCallbacks {
  event(e: WireEvent): void;
  log(r: LogRecord): void;
}

/** Runs the job; events of its own cells only (ancestors restored from the cache stay quiet). */
export async function runJobHere(
  open: OpenJobSession,
  nb: NotebookRef,
  job: Job,
  cb: JobCallbacks,
  signal?: AbortSignal,
): Promise<{ ok: boolean; outcomes: WireOutcome[] }> {
  preloadModules(nb.preload);
  const mine = new Set(job.cells);
  const log = createLogger([(r) => cb.log(r)], 'debug');
  const session = sessionFor(nb, log, open);
  const report = await session.run({
    cells: job.cells,
    force: job.force,
    signal,
    onEvent: (e) => {
      if (e.type !== 'queued' && mine.has(e.cell)) cb.event(toWireEvent(e));
    },
  });
  const outcomes = report.outcomes.filter((o) => mine.has(o.cell)).map(({ result: _r, ...o }) => (void _r, o));
  return { ok: outcomes.every((o) => o.status === 'ok' || o.status === 'cached'), outcomes };
}
