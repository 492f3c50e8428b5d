/**
 * One kernel child process forked over IPC (core/kernel/protocol.ts); the request/reply plumbing is
 * KernelClient's. Node only, no vscode: the host wraps it, the tests fork it directly. A kernel that
 * dies rejects every pending request with a clear reason; the host lives on.
 */
import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';
import type { KernelCall, KernelMessage, KernelRequest } from '../../core/kernel/protocol';
import { describeKernelExit, TailBuffer } from './exitReason';
import { KernelClient, KernelGoneError } from './kernelClient';

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

export class KernelProcess extends KernelClient {
  private child?: ChildProcess;
  private readonly stderr = new TailBuffer();
  private readyPromise?: Promise<void>;

  constructor(private readonly opts: KernelProcessOptions) {
    super();
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
          if (this.state === 'starting') this.setState('idle');
          resolve();
        } else this.receive(m);
      });
      child.on('error', (e) => {
        clearTimeout(timeout);
        reject(new KernelGoneError(`the Phasebook kernel could not start: ${e.message}`));
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timeout);
        const exit = { code, signal, stderrTail: this.stderr.toString(), memoryLimitMb: this.opts.memoryLimitMb };
        this.ended(describeKernelExit(exit), exit);
        reject(new KernelGoneError('the Phasebook kernel exited before it was ready'));
      });
    });
    // Avoid an unhandled rejection when nobody awaits start() (the exit is reported through onCrash).
    this.readyPromise.catch(() => undefined);
    return this.readyPromise;
  }

  protected post(m: KernelRequest): boolean {
    if (!this.child?.connected) return false;
    this.child.send(m);
    return true;
  }

  async shutdown(graceMs = 2000): Promise<void> {
    const child = this.child;
    this.stopping = true;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.rejectAll(new KernelGoneError('the kernel was stopped'));
      this.setState('stopped');
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.post({ type: 'shutdown' });
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  kill(): void {
    this.stopping = true;
    this.child?.kill('SIGKILL');
  }
}
