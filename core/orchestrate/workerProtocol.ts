/** Messages between the pool (parent) and its worker processes. */
import type { LogRecord } from '../log';
import type { Job, NotebookRef, WireEvent, WireOutcome } from './executor';

export type ToWorker = { type: 'run'; job: Job; notebook: NotebookRef };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'event'; job: string; event: WireEvent }
  | { type: 'log'; job: string; record: LogRecord }
  | { type: 'done'; job: string; ok: boolean; outcomes: WireOutcome[] }
  | { type: 'error'; job: string; message: string };
