/**
 * A kernel for work the explorer, CodeLens, dashboards and commands ask for outside any open notebook:
 * training stacking on a CV run, and every data read of the host (a table file's rows, a dashboard's
 * frames, "Query metrics"): the host itself loads neither nodejs-polars nor sql.js. It opens an empty notebook in the
 * workspace folder (requests like trainStacking take seed and base folder from a session).
 * Started on first use, stopped after a minute idle; cancelling kills it (it holds no state).
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { KernelCall, KernelCallType, KernelReplies } from '../../core/kernel/protocol';
import { KernelProcess } from './kernelProcess';
import type { PhasebookLog } from '../base/logChannel';

/** The empty notebook the utility kernel opens (never written to disk). */
export const UTILITY_NOTEBOOK = 'phasebook-explorer.pipeline';

const IDLE_MS = 60_000;

export class UtilityKernel implements vscode.Disposable {
  private proc?: KernelProcess;
  private opened?: Promise<unknown>;
  private idleTimer?: ReturnType<typeof setTimeout>;
  private active = 0;

  constructor(
    private readonly modulePath: string,
    private readonly cwd: () => string,
    private readonly memoryLimitMb: () => number,
    private readonly log: PhasebookLog,
  ) {}

  private process(): KernelProcess {
    if (this.proc && this.proc.state !== 'dead' && this.proc.state !== 'stopped') return this.proc;
    const proc = new KernelProcess({
      modulePath: this.modulePath,
      cwd: this.cwd(),
      memoryLimitMb: this.memoryLimitMb(),
    });
    proc.onLog.on((r) => this.log.kernelRecord(r, 'explorer kernel'));
    proc.onOutput.on((s) => this.log.processOutput(s, 'explorer kernel'));
    proc.onCrash.on(({ message }) => this.log.error(`explorer kernel: ${message}`));
    this.proc = proc;
    this.opened = proc.request({ type: 'open', notebookPath: join(this.cwd(), UTILITY_NOTEBOOK), text: '' });
    return proc;
  }

  /** Starts the process now (while the user types a query), so the first request does not wait for it. */
  warm(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.process();
    if (!this.active) this.idleTimer = setTimeout(() => void this.stop(), IDLE_MS);
  }

  /** Sends a request; a cancelled token kills the process and rejects. */
  async request<K extends KernelCallType>(
    call: KernelCall & { type: K },
    token?: vscode.CancellationToken,
  ): Promise<KernelReplies[K]> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.active++;
    const proc = this.process();
    const cancel = token?.onCancellationRequested(() => {
      proc.cancel();
      proc.kill();
    });
    try {
      await this.opened;
      return await proc.request<K>(call);
    } finally {
      cancel?.dispose();
      this.active--;
      if (!this.active) this.idleTimer = setTimeout(() => void this.stop(), IDLE_MS);
    }
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    await proc?.shutdown();
  }

  dispose(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    void this.stop();
  }
}
