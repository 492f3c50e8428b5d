/**
 * The kernel: a child process forked by the extension host, one per open notebook (docs/design.md §8).
 * It owns a PipelineSession, runs cells on request, streams events and log lines back, and exits
 * when asked to or when its parent goes away.
 */
import '../phases/register';
import { createLogger, levelFromEnv, type LogRecord } from '../log';
import { ExitCode, isUserError } from '../errors';
import type { CellError } from '../graph/events';
import type { KernelMessage, KernelRequest } from './protocol';
import { KernelHandlers } from './handlers';

function send(m: KernelMessage): void {
  if (process.send) process.send(m);
}

const log = createLogger([(record: LogRecord) => send({ type: 'log', record })], levelFromEnv());
const handlers = new KernelHandlers(log, (event) => send({ type: 'event', event }));
let queue: Promise<void> = Promise.resolve();

process.on('message', (raw: unknown) => {
  const req = raw as KernelRequest;
  if (req.type === 'cancel') {
    handlers.cancel();
    return;
  }
  if (req.type === 'shutdown') {
    handlers.cancel();
    process.exit(0);
  }
  // Requests run one at a time, in arrival order.
  queue = queue.then(async () => {
    try {
      const result = await handlers.handle(req);
      send({ type: 'response', id: req.id, ok: true, result });
    } catch (e) {
      send({ type: 'response', id: req.id, ok: false, error: toError(e) });
    }
  });
});

function toError(e: unknown): CellError {
  if (isUserError(e)) return { message: e.message, location: e.location, details: e.details, exitCode: e.exitCode };
  const err = e instanceof Error ? e : new Error(String(e));
  return { message: err.message, location: {}, details: [], exitCode: ExitCode.Error, stack: err.stack };
}

// The host went away: nothing left to serve.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', pid: process.pid });
