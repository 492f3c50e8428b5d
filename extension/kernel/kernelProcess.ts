/**
 * One kernel child process and the typed request/response plumbing over its IPC channel
 * (core/kernel/protocol.ts). Node only, no vscode: the host wraps it, the tests fork it directly.
 * A kernel that dies rejects every pending request with a clear reason; the host lives on.
 */
import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';
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
import { describeKernelExit, TailBuffer, type KernelExit } from './exitReason';

export type KernelState = 'starting' | 'idle' | 'busy' | 'dead' | 'stopped';

/** A request without its id (the process numbers them). */
export type { KernelCall };

export interface KernelProcessOptions {
  /** The bundled kernel (dist/kernel.js) or, in tests, any module speaking the protocol. */
  modulePath: string;
  cwd: string;
  memoryLimitMb?: number;
  env?: NodeJS.ProcessEnv;
  /** Extra node flags (tests: `--import tsx`). */
  execArgv?: string[];
  /** How long to wait for the kernel's `ready` message. */
  startTimeoutMs?: number;
}

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

export class KernelProcess {
  readonly onEvent = new Signal<KernelEvent>();
  readonly onLog = new Signal<LogRecord>();
  /** Lines the process wrote to stdout/stderr outside the protocol. */
  readonly onOutput = new Signal<string>();
  readonly onState = new Signal<KernelState>();
  /** Fired once when the process ends without being asked to. */
  readonly onCrash = new Signal<{ exit: KernelExit; message: string }>();

  private child?: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly stderr = new TailBuffer();
  private stateOf: KernelState = 'starting';
  private stopping = false;
  private readyPromise?: Promise<void>;

  constructor(private readonly opts: KernelProcessOptions) {}

  get state(): KernelState {
    return this.stateOf;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Forks the process and waits for its `ready` message. */
  start(): Promise<void> {
    if (this.readyPromise) return this.readyPromise;
    const execArgv = [...(this.opts.execArgv ?? [])];
    if (this.opts.memoryLimitMb) execArgv.push(`--max-old-space-size=${this.opts.memoryLimitMb}`);
    const forkOpts: ForkOptions = {
      cwd: this.opts.cwd,
      env: { ...process.env, ...this.opts.env, ELECTRON_RUN_AS_NODE: '1' },
      execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    };
    const child = fork(this.opts.modulePath, [], forkOpts);
    this.child = child;
    this.setState('starting');
    child.stdout?.setEncoding('utf8').on('data', (s: string) => this.onOutput.fire(s));
    child.stderr?.setEncoding('utf8').on('data', (s: string) => {
      this.stderr.push(s);
      this.onOutput.fire(s);
    });
    this.readyPromise = new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => {
        reject(
          new KernelGoneError(`the Phasebook kernel did not start within ${this.opts.startTimeoutMs ?? 30_000} ms`),
        );
        this.kill();
      }, this.opts.startTimeoutMs ?? 30_000);
      child.on('message', (raw: unknown) => {
        const m = raw as KernelMessage;
        if (m.type === 'ready') {
          clearTimeout(timeout);
          if (this.stateOf === 'starting') this.setState('idle');
          resolve();
        } else this.receive(m);
      });
      child.on('error', (e) => {
        clearTimeout(timeout);
        reject(new KernelGoneError(`the Phasebook kernel could not start: ${e.message}`));
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timeout);
        this.exited({ code, signal, stderrTail: this.stderr.toString(), memoryLimitMb: this.opts.memoryLimitMb });
        reject(new KernelGoneError('the Phasebook kernel exited before it was ready'));
      });
    });
    // Avoid an unhandled rejection when nobody awaits start() (the exit is reported through onCrash).
    this.readyPromise.catch(() => undefined);
    return this.readyPromise;
  }

  /** Sends a request and resolves with the kernel's reply, typed by the contract (`KernelReplies`). */
  async request<K extends KernelCallType>(call: KernelCall & { type: K }): Promise<KernelReplies[K]> {
    await this.start();
    const child = this.child;
    if (!child || !child.connected || this.stateOf === 'dead' || this.stateOf === 'stopped') {
      throw new KernelGoneError('the Phasebook kernel is not running; restart it to run again');
    }
    const id = this.nextId++;
    const req = { ...call, id } as KernelRequest;
    const result = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.setState('busy');
    child.send(req);
    return (await result) as KernelReplies[K];
  }

  /** Interrupts the running request (the kernel aborts its current phase). */
  cancel(): void {
    if (this.child?.connected) this.child.send({ type: 'cancel' } satisfies KernelRequest);
  }

  /** Asks the kernel to exit; kills it if it has not within `graceMs`. */
  async shutdown(graceMs = 2000): Promise<void> {
    const child = this.child;
    this.stopping = true;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.rejectAll(new KernelGoneError('the kernel was stopped'));
      this.setState('stopped');
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.connected) child.send({ type: 'shutdown' } satisfies KernelRequest);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Ends the process now. */
  kill(): void {
    this.stopping = true;
    this.child?.kill('SIGKILL');
  }

  private receive(m: KernelMessage): void {
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
      case 'ready':
        return;
    }
  }

  private exited(exit: KernelExit): void {
    const expected = this.stopping;
    const message = expected ? 'the Phasebook kernel was stopped' : describeKernelExit(exit);
    this.rejectAll(new KernelGoneError(message, exit));
    this.setState(expected ? 'stopped' : 'dead');
    if (!expected) this.onCrash.fire({ exit, message });
  }

  private rejectAll(e: Error): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(e);
  }

  private setState(s: KernelState): void {
    if (this.stateOf === s) return;
    this.stateOf = s;
    this.onState.fire(s);
  }
}
