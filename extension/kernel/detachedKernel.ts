/**
 * A kernel that outlives the window (docs/design.md §8): a detached process owned by the workspace,
 * reached on a socket (`<workspace>/.phasebook/kernels/<id>.sock`, a named pipe on Windows) after a
 * token check. `start()` reattaches to the notebook's kernel when one is running with this engine
 * version, and otherwise spawns a fresh one; the `welcome` it got says where the last run stands.
 * `detach()` lets go without stopping it (the window reloads); `shutdown()` stops it. Node only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KernelMessage, KernelRequest } from '../../core/kernel/protocol';
import {
  encodeFrame,
  FrameDecoder,
  type DetachedKernelInfo,
  type RefusedMessage,
  type WelcomeMessage,
} from '../../core/kernel/wire';
import { ENGINE_VERSION } from '../../core/version';
import { describeKernelExit, type KernelExit } from './exitReason';
import { KernelClient, KernelGoneError } from './kernelClient';

export interface DetachedKernelOptions {
  modulePath: string;
  cwd: string;
  /** `<workspace>/.phasebook/kernels`: the info file, socket and log of each notebook's kernel. */
  kernelsDir: string;
  notebookUri: string;
  memoryLimitMb?: number;
  /** A kernel with no window attached and nothing running exits after this long. */
  idleMinutes: number;
  /** Extra node flags (tests: `--import tsx`). */
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
  startTimeoutMs?: number;
}

/** Where one notebook's detached kernel keeps its files (pure: the same notebook, the same names). */
export function kernelFiles(kernelsDir: string, notebookUri: string): { info: string; log: string; socket: string } {
  const id = createHash('sha256').update(notebookUri).digest('hex').slice(0, 16);
  const unix = join(kernelsDir, `${id}.sock`);
  // Unix socket paths are limited to ~104 bytes: a deep workspace gets its socket in the temp folder.
  const socket =
    process.platform === 'win32'
      ? `\\\\.\\pipe\\phasebook-${id}`
      : unix.length < 100
        ? unix
        : join(tmpdir(), `phasebook-${id}.sock`);
  return { info: join(kernelsDir, `${id}.json`), log: join(kernelsDir, `${id}.log`), socket };
}

function readInfo(path: string): DetachedKernelInfo | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as DetachedKernelInfo;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class DetachedKernel extends KernelClient {
  /** What the kernel said on attach: its text, whether it is busy, the run's cell states to replay. */
  welcome?: WelcomeMessage;
  /** start() found the notebook's kernel already running and attached to it. */
  reattached = false;
  /** Why an existing kernel was not reused (engine version, refused token), for the log. */
  notice?: string;
  private socket?: Socket;
  private child?: ChildProcess;
  private childExit?: KernelExit;
  private pidOf?: number;
  private detaching = false;
  private startPromise?: Promise<void>;
  private readonly files: ReturnType<typeof kernelFiles>;

  constructor(private readonly opts: DetachedKernelOptions) {
    super();
    this.files = kernelFiles(opts.kernelsDir, opts.notebookUri);
  }

  get pid(): number | undefined {
    return this.pidOf;
  }

  start(): Promise<void> {
    this.startPromise ??= this.attachOrSpawn();
    this.startPromise.catch(() => undefined);
    return this.startPromise;
  }

  private async attachOrSpawn(): Promise<void> {
    this.setState('starting');
    const existing = readInfo(this.files.info);
    if (existing && alive(existing.pid)) {
      if (existing.engineVersion !== ENGINE_VERSION) {
        this.notice =
          `the running kernel (pid ${existing.pid}) has engine ${existing.engineVersion}, this Phasebook has ` +
          `${ENGINE_VERSION}: it was stopped and a fresh kernel started`;
      } else {
        try {
          await this.attach(existing);
          this.reattached = true;
          return;
        } catch (e) {
          this.notice =
            `could not reattach to the running kernel (pid ${existing.pid}): ${(e as Error).message}; it was ` +
            `stopped and a fresh kernel started`;
        }
      }
      await this.stopPid(existing.pid);
    }
    await this.spawnKernel();
  }

  private async spawnKernel(): Promise<void> {
    mkdirSync(this.opts.kernelsDir, { recursive: true, mode: 0o700 });
    rmSync(this.files.info, { force: true });
    const token = randomBytes(32).toString('hex');
    const execArgv = [...(this.opts.execArgv ?? [])];
    if (this.opts.memoryLimitMb) execArgv.push(`--max-old-space-size=${this.opts.memoryLimitMb}`);
    const logFd = openSync(this.files.log, 'w', 0o600);
    const child = spawn(process.execPath, [...execArgv, this.opts.modulePath], {
      cwd: this.opts.cwd,
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: {
        ...process.env,
        ...this.opts.env,
        ELECTRON_RUN_AS_NODE: '1',
        PHASEBOOK_KERNEL_SOCKET: this.files.socket,
        PHASEBOOK_KERNEL_INFO: this.files.info,
        PHASEBOOK_KERNEL_TOKEN: token,
        PHASEBOOK_KERNEL_NOTEBOOK: this.opts.notebookUri,
        PHASEBOOK_KERNEL_IDLE_MS: String(Math.round(this.opts.idleMinutes * 60_000)),
      },
    });
    closeSync(logFd);
    child.unref();
    this.child = child;
    child.on('exit', (code, signal) => {
      this.childExit = { code, signal, stderrTail: this.logTail(), memoryLimitMb: this.opts.memoryLimitMb };
    });
    const deadline = Date.now() + (this.opts.startTimeoutMs ?? 30_000);
    for (;;) {
      if (this.childExit) throw new KernelGoneError(describeKernelExit(this.childExit), this.childExit);
      const info = readInfo(this.files.info);
      if (info && info.pid === child.pid && info.token === token) return this.attach(info);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new KernelGoneError(`the Phasebook kernel did not start within ${this.opts.startTimeoutMs ?? 30_000} ms`);
      }
      await sleep(50);
    }
  }

  /** Connects, says hello with the token, and waits for the welcome (or a refusal). */
  private attach(info: DetachedKernelInfo): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const socket = connect(info.socketPath);
      const decoder = new FrameDecoder();
      let welcomed = false;
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error('the kernel did not answer within 10 s'));
      }, 10_000);
      socket.on('connect', () =>
        socket.write(encodeFrame({ type: 'hello', token: info.token, engineVersion: ENGINE_VERSION })),
      );
      socket.on('data', (chunk: Buffer) => {
        for (const raw of decoder.push(chunk)) {
          const m = raw as KernelMessage | WelcomeMessage | RefusedMessage;
          if (m.type === 'refused') {
            clearTimeout(timer);
            reject(new Error(`the kernel refused the connection: ${m.reason}`));
          } else if (m.type === 'welcome') {
            clearTimeout(timer);
            welcomed = true;
            this.welcome = m;
            this.socket = socket;
            this.pidOf = m.pid;
            this.setState(m.busy ? 'busy' : 'idle');
            resolve();
          } else this.receive(m);
        }
      });
      socket.on('error', (e) => {
        clearTimeout(timer);
        if (!welcomed) reject(e);
      });
      socket.on('close', () => {
        clearTimeout(timer);
        if (welcomed) void this.lost();
        else reject(new Error('the kernel closed the connection'));
      });
    });
  }

  /** The socket closed: a detach or a shutdown we asked for, or the kernel died. */
  private async lost(): Promise<void> {
    this.socket = undefined;
    if (this.detaching) {
      this.rejectAll(new KernelGoneError('the window let go of the kernel'));
      this.setState('stopped');
      return;
    }
    // Our own child reports its exit code and signal; give the exit event a moment to arrive.
    for (let i = 0; i < 20 && this.child && !this.childExit; i++) await sleep(25);
    const exit = this.childExit ?? { code: null, signal: null, stderrTail: this.logTail() };
    const pid = this.pidOf;
    // A kernel that is being killed closes its socket a moment before its pid goes.
    for (let i = 0; i < 20 && !this.childExit && pid && alive(pid); i++) await sleep(25);
    if (!this.childExit && pid && alive(pid)) {
      // The kernel lives on: another window of this workspace attached to it (the newest wins).
      this.ended(`another window took over this notebook's kernel (pid ${pid}); reload this window to reattach`, exit);
      return;
    }
    this.ended(describeKernelExit({ ...exit, memoryLimitMb: this.opts.memoryLimitMb }), exit);
  }

  protected post(m: KernelRequest): boolean {
    if (!this.socket?.writable) return false;
    this.socket.write(encodeFrame(m));
    return true;
  }

  /** Lets go of the kernel without stopping it: it goes on running and waits for the next window. */
  detach(): void {
    this.detaching = true;
    this.socket?.end();
  }

  async shutdown(graceMs = 2000): Promise<void> {
    this.stopping = true;
    const pid = this.pidOf;
    this.post({ type: 'shutdown' });
    if (pid) await this.stopPid(pid, graceMs, false);
    this.rejectAll(new KernelGoneError('the kernel was stopped'));
    this.setState('stopped');
  }

  kill(): void {
    this.stopping = true;
    if (this.pidOf && alive(this.pidOf)) process.kill(this.pidOf, 'SIGKILL');
  }

  /** Ends a kernel process: SIGTERM (unless it was asked already), SIGKILL after `graceMs`. */
  private async stopPid(pid: number, graceMs = 2000, term = true): Promise<void> {
    try {
      if (term) process.kill(pid, 'SIGTERM');
    } catch {
      return;
    }
    const deadline = Date.now() + graceMs;
    while (alive(pid) && Date.now() < deadline) await sleep(25);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }

  private logTail(): string {
    try {
      return readFileSync(this.files.log, 'utf8').slice(-8192);
    } catch {
      return '';
    }
  }
}
