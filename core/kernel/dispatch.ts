/**
 * The kernel's request loop, whatever carries the messages (the IPC channel of a forked kernel, or
 * the socket of a detached one): requests run one at a time in arrival order, `cancel` interrupts
 * the current one, every reply and event goes out through `send`.
 */
import { createLogger, levelFromEnv, type LogRecord } from '../log';
import { ExitCode, isUserError } from '../errors';
import type { CellError } from '../graph/events';
import type { KernelMessage, KernelRequest } from './protocol';
import { KernelHandlers } from './handlers';

export class KernelDispatcher {
  private readonly handlers: KernelHandlers;
  private queue: Promise<void> = Promise.resolve();
  private active = 0;

  constructor(
    private readonly send: (m: KernelMessage) => void,
    /** Called as each request starts and ends (the detached kernel's idle clock and snapshot). */
    private readonly hooks: { started?(req: KernelRequest): void; settled?(): void } = {},
  ) {
    const log = createLogger([(record: LogRecord) => send({ type: 'log', record })], levelFromEnv());
    this.handlers = new KernelHandlers(log, (event) => send({ type: 'event', event }));
  }

  /** Requests queued or running. */
  get busy(): boolean {
    return this.active > 0;
  }

  /** Handles one request; `shutdown` is the caller's (it owns the process). */
  receive(req: Exclude<KernelRequest, { type: 'shutdown' }>): void {
    if (req.type === 'cancel') {
      this.handlers.cancel();
      return;
    }
    this.active++;
    this.queue = this.queue.then(async () => {
      this.hooks.started?.(req);
      try {
        const result = await this.handlers.handle(req);
        this.send({ type: 'response', id: req.id, ok: true, result });
      } catch (e) {
        this.send({ type: 'response', id: req.id, ok: false, error: toError(e) });
      } finally {
        this.active--;
        this.hooks.settled?.();
      }
    });
  }

  /** Before the process exits: the run in flight is cancelled and given a moment to withdraw its work. */
  shutdown(): Promise<void> {
    return this.handlers.shutdown();
  }
}

function toError(e: unknown): CellError {
  if (isUserError(e)) return { message: e.message, location: e.location, details: e.details, exitCode: e.exitCode };
  const err = e instanceof Error ? e : new Error(String(e));
  return { message: err.message, location: {}, details: [], exitCode: ExitCode.Error, stack: err.stack };
}
