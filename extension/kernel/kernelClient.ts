/**
 * A kernel as the host talks to it, whatever carries the messages (core/kernel/protocol.ts): typed
 * requests matched to their replies, events and log lines as signals, a state, and a clear reason
 * on every pending request when the kernel goes away. KernelProcess forks one over IPC;
 * DetachedKernel reaches one on a socket. Node only, no vscode.
 */
import type { LogRecord } from '../../core/log';
import type { CellError } from '../../core/graph/events';
import type {
  KernelCall,
  KernelCallType,
  KernelEvent,
  KernelMessage,
  KernelReplies,
  KernelRequest,
} from '../../core/kernel/protocol';
import { Signal } from '../util/disposables';
import type { KernelExit } from './exitReason';

export type KernelState = 'starting' | 'idle' | 'busy' | 'dead' | 'stopped';

/** A request the kernel answered with an error (a user mistake or an internal error). */
export class KernelRequestError extends Error {
  constructor(readonly error: CellError) {
    super(error.message);
    this.name = 'KernelRequestError';
  }
}

/** The kernel went away (crash, kill, restart) before answering. */
export class KernelGoneError extends Error {
  constructor(
    message: string,
    readonly exit?: KernelExit,
  ) {
    super(message);
    this.name = 'KernelGoneError';
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(e: Error): void;
}

export abstract class KernelClient {
  readonly onEvent = new Signal<KernelEvent>();
  readonly onLog = new Signal<LogRecord>();
  /** Lines the process wrote to stdout/stderr outside the protocol. */
  readonly onOutput = new Signal<string>();
  readonly onState = new Signal<KernelState>();
  /** Fired once when the kernel ends without being asked to. */
  readonly onCrash = new Signal<{ exit: KernelExit; message: string }>();

  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private stateOf: KernelState = 'starting';
  protected stopping = false;

  get state(): KernelState {
    return this.stateOf;
  }

  abstract get pid(): number | undefined;

  /** Starts (or reaches) the kernel; resolves when it takes requests. */
  abstract start(): Promise<void>;

  /** Asks the kernel to exit; kills it if it has not within `graceMs`. */
  abstract shutdown(graceMs?: number): Promise<void>;

  /** Ends the kernel now. */
  abstract kill(): void;

  /** Hands a message to the transport; false when it cannot carry one now. */
  protected abstract post(m: KernelRequest): boolean;

  /** Sends a request and resolves with the kernel's reply, typed by the contract (`KernelReplies`). */
  async request<K extends KernelCallType>(call: KernelCall & { type: K }): Promise<KernelReplies[K]> {
    await this.start();
    if (this.stateOf === 'dead' || this.stateOf === 'stopped') throw this.notRunning();
    const id = this.nextId++;
    const req = { ...call, id } as KernelRequest;
    const result = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    if (!this.post(req)) {
      this.pending.delete(id);
      throw this.notRunning();
    }
    this.setState('busy');
    return (await result) as KernelReplies[K];
  }

  /** Interrupts the running request (the kernel aborts its current phase). */
  cancel(): void {
    this.post({ type: 'cancel' });
  }

  protected receive(m: KernelMessage): void {
    switch (m.type) {
      case 'response': {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (!this.pending.size && this.stateOf === 'busy') this.setState('idle');
        if (m.ok) p.resolve(m.result);
        else p.reject(new KernelRequestError(m.error));
        return;
      }
      case 'event':
        this.onEvent.fire(m.event);
        return;
      case 'log':
        this.onLog.fire(m.record);
        return;
      case 'idle':
        if (!this.pending.size && this.stateOf === 'busy') this.setState('idle');
        return;
      case 'ready':
        return;
    }
  }

  /** The kernel is gone: pending requests fail with `message`; a crash is reported unless it was asked to stop. */
  protected ended(message: string, exit: KernelExit): void {
    const expected = this.stopping;
    this.rejectAll(new KernelGoneError(expected ? 'the Phasebook kernel was stopped' : message, exit));
    this.setState(expected ? 'stopped' : 'dead');
    if (!expected) this.onCrash.fire({ exit, message });
  }

  protected rejectAll(e: Error): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(e);
  }

  protected setState(s: KernelState): void {
    if (this.stateOf === s) return;
    this.stateOf = s;
    this.onState.fire(s);
  }

  private notRunning(): KernelGoneError {
    return new KernelGoneError('the Phasebook kernel is not running; restart it to run again');
  }
}
