/**
 * One notebook's kernel as the host sees it: the process (forked on first need, replaced on restart or after a
 * crash), the text it last received, its stale cells, the CV runs its cells completed, and the executions its
 * events drive. The host never computes: it sends the notebook's text and requests, and shows what comes back.
 */
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { readSettings as readNotebookSettings } from '../../core/graph/settings';
import type { KernelCall, KernelCallType, KernelEvent, KernelReplies } from '../../core/kernel/protocol';
import type { ArtifactRoots } from '../../core/runs/roots';
import type { ExecutionMode, PhasebookSettings } from '../base/config';
import type { PhasebookLog } from '../base/logChannel';
import { EventTimeline } from './eventTimeline';
import { editorIndexOfName } from '../notebook/cellText';
import { notebookPath, type NotebookModels } from '../notebook/models';
import { ExecutionRegistry } from './executionRegistry';
import { ExecutionState, type CreatedRun, type ExecutionStep } from './executionState';
import { DetachedKernel } from './detachedKernel';
import { KernelGoneError, KernelRequestError, type KernelClient, type KernelState } from './kernelClient';
import { newKernelClient } from './newKernelClient';
import { NodeStates } from './nodeStates';

export type { CreatedRun };

export interface NotebookKernelDeps {
  controller: vscode.NotebookController;
  models: NotebookModels;
  log: PhasebookLog;
  kernelModulePath: string;
  settings(): PhasebookSettings;
  rootDefaults(): Partial<ArtifactRoots>;
  onRunCreated(run: CreatedRun): void;
  onRoots(roots: ArtifactRoots): void;
  onCrash(kernel: NotebookKernel, message: string): void;
}

interface PendingRun {
  names?: string[];
  /** Resolves `run()`: the cells are done. */
  done: () => void;
}

export class NotebookKernel implements vscode.Disposable {
  /** Stale cells, completed runs and fan-out branches, from the kernel's events (a pure reducer). */
  private readonly execution = new ExecutionState();
  /** Run requests sent and not yet done, oldest first (`names` undefined: all cells). */
  private readonly runs: PendingRun[] = [];
  /** Runs asked for and not yet done, sent or not: a restore starts only when there are none. */
  private readonly asked = new Set<PendingRun>();
  private lastAnswer: Promise<void> = Promise.resolve();
  readonly timeline: EventTimeline;
  /** Cells whose inputs changed since they last ran. */
  readonly stale: ReadonlySet<string> = this.execution.stale;
  /** The last completed run of each cell that created one (for the stacking CodeLens). */
  readonly completedRuns: ReadonlyMap<string, CreatedRun> = this.execution.completedRuns;
  /** Cells blocked by an upstream failure, and the cell each waits for. */
  readonly waiting: ReadonlyMap<string, string> = this.execution.waiting;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Stale cells, kernel state, completed runs or mode changed. */
  readonly onDidChange = this.changed.event;
  /** Each cell's state for the Pipeline graph (queued and running included), from the same events. */
  readonly nodeStates = new NodeStates();
  private readonly nodesChanged = new vscode.EventEmitter<void>();
  /** A cell was queued, started or finished, or the stale cells changed. */
  readonly onDidChangeNodes = this.nodesChanged.event;
  readonly registry: ExecutionRegistry;
  private proc?: KernelClient;
  private starting?: Promise<KernelClient>;
  private sentText?: string;
  private modeOverride?: ExecutionMode;
  private roots?: ArtifactRoots;
  /** Reattached to a detached kernel that was still running: restoring waits for nothing. */
  private reattachedBusy = false;
  private disposed = false;

  constructor(
    readonly notebook: vscode.NotebookDocument,
    private readonly deps: NotebookKernelDeps,
  ) {
    this.timeline = new EventTimeline(deps.log, notebook.uri.path.split('/').pop() ?? 'notebook');
    this.execution.displayBase =
      vscode.workspace.getWorkspaceFolder(notebook.uri)?.uri.fsPath ?? dirname(notebookPath(notebook));
    this.registry = new ExecutionRegistry(deps.controller, (name) => this.cellOf(name), deps.log.warn.bind(deps.log));
  }

  get label(): string {
    return basename(notebookPath(this.notebook));
  }

  get state(): KernelState | 'none' {
    return this.proc?.state ?? 'none';
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get artifactRoots(): ArtifactRoots | undefined {
    return this.roots;
  }

  /** autorun/lazy: the toggle, else the notebook's settings cell, else the setting. */
  async mode(): Promise<ExecutionMode> {
    if (this.modeOverride) return this.modeOverride;
    const model = await this.deps.models.model(this.notebook);
    return readNotebookSettings(model.parsed).mode ?? this.deps.settings().mode;
  }

  async setMode(mode: ExecutionMode): Promise<void> {
    this.modeOverride = mode;
    this.changed.fire();
    if (mode === 'autorun' && this.stale.size) await this.runStale(true);
  }

  private cellOf(name: string): vscode.NotebookCell | undefined {
    const model = this.deps.models.modelNow(this.notebook);
    const index = editorIndexOfName(model, name);
    return index >= 0 ? this.notebook.cellAt(index) : undefined;
  }

  /** The running kernel, forked and opened on the current text when needed. */
  async kernel(): Promise<KernelClient> {
    if (this.proc && (this.proc.state === 'idle' || this.proc.state === 'busy')) return this.proc;
    this.starting ??= this.startKernel().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async startKernel(): Promise<KernelClient> {
    const file = notebookPath(this.notebook);
    const settings = this.deps.settings();
    const proc = newKernelClient(this.notebook, file, settings, this.deps.kernelModulePath);
    this.proc = proc;
    proc.onEvent.on((e) => this.onEvent(e));
    proc.onLog.on((r) => this.deps.log.kernelRecord(r, this.label));
    proc.onOutput.on((s) => this.deps.log.processOutput(s, `${this.label} kernel`));
    proc.onState.on(() => this.changed.fire());
    proc.onCrash.on(({ message }) => {
      if (this.proc !== proc) return;
      this.execution.clearBranches();
      this.resetNodes();
      this.registry.failAll(message);
      this.deps.log.error(`${this.label}: ${message}`);
      this.deps.onCrash(this, message);
      this.changed.fire();
    });
    await proc.start();
    if (proc instanceof DetachedKernel && proc.notice) this.deps.log.warn(`${this.label}: ${proc.notice}`);
    if (proc instanceof DetachedKernel && proc.reattached && this.reattach(proc)) return proc;
    this.deps.log.info(
      `${this.label}: kernel started (pid ${proc.pid}, memory limit ${settings.kernelMemoryLimitMb} ` +
        `MB${settings.kernelDetached ? ', detached' : ''})`,
    );
    const model = await this.deps.models.model(this.notebook);
    const open = { notebookPath: file, text: model.text, rootDefaults: this.deps.rootDefaults() };
    const reply = await proc.request({ type: 'open', ...open, executor: settings.executor });
    this.sentText = model.text;
    this.roots = reply.roots;
    this.deps.onRoots(reply.roots);
    return proc;
  }

  /**
   * Picks up a detached kernel that outlived the last window: its session's text and roots, and
   * the cells of its current or last run replayed into this window's executions (a running cell
   * gets a new execution that streams the rest; a finished one gets its outputs). False when the
   * kernel has no session yet (it is opened as a fresh one).
   */
  private reattach(proc: DetachedKernel): boolean {
    const w = proc.welcome;
    if (w?.text === undefined || !w.opened) return false;
    this.sentText = w.text;
    this.roots = w.opened.roots;
    this.deps.onRoots(w.opened.roots);
    this.reattachedBusy = w.busy;
    this.deps.log.info(
      `${this.label}: reattached to the detached kernel (pid ${proc.pid}; ` +
        `${w.busy ? 'a run is still going' : 'idle'}; replaying ${w.replay.length} ` +
        `event(s)${w.truncated ? ', the oldest dropped' : ''})`,
    );
    for (const e of w.replay) this.onEvent(e);
    return true;
  }

  /** Sends the current text when it changed since the kernel last saw it. */
  async sync(): Promise<void> {
    const proc = await this.kernel();
    const model = await this.deps.models.model(this.notebook);
    if (model.text === this.sentText) return;
    this.sentText = model.text;
    await proc.request({ type: 'update', text: model.text });
  }

  /** After an edit: tell a running kernel; true when autorun should re-run the stale cells (the caller debounces). */
  async edited(): Promise<boolean> {
    if (!this.proc || this.state === 'dead' || this.state === 'stopped') return false;
    await this.sync();
    return this.stale.size > 0 && (await this.mode()) === 'autorun';
  }

  /**
   * Runs cells (all executable cells when `names` is absent); stale ancestors run first. Resolves when the
   * cells are done (the kernel's `cellsDone`), so VS Code shows the notebook idle while the kernel still
   * records the execution; the reply is awaited in the background (its failure still marks the cells).
   */
  async run(names?: string[], force = false): Promise<void> {
    for (const n of names ?? []) this.registry.ensure(n);
    const run: PendingRun = { names, done: () => undefined };
    const cellsDone = new Promise<void>((resolve) => (run.done = resolve));
    this.asked.add(run);
    const answered = this.sendRun(run, force);
    this.lastAnswer = answered;
    await Promise.race([answered, cellsDone]);
  }

  /** Resolves once the last run request is answered: its execution is in metrics.db ("Query metrics" waits). */
  recorded(): Promise<void> {
    return this.lastAnswer;
  }

  private async sendRun(run: PendingRun, force: boolean): Promise<void> {
    let ok = false;
    try {
      const proc = await this.kernel();
      await this.sync();
      this.runs.push(run);
      this.timeline.sent('run');
      await proc.request({ type: 'run', cells: run.names, force });
      ok = true;
    } catch (e) {
      this.requestFailed(e, run.names);
    } finally {
      this.timeline.answered('run', ok);
      this.endRun(run);
    }
  }

  /**
   * A run's cells are done (the kernel's `cellsDone`, else its reply): fanned-out cells end and cells the kernel
   * did not run settle, so the notebook shows idle without waiting for the kernel to record the execution.
   */
  private endRun(run: PendingRun): void {
    const i = this.runs.indexOf(run);
    if (i >= 0) this.runs.splice(i, 1);
    this.asked.delete(run);
    this.flushBranches();
    if (run.names) this.registry.settle(run.names);
    this.timeline.idle();
    run.done();
  }

  /** Runs the stale, failed and waiting cells; returns the cells the kernel ran (none: nothing to run). */
  async runStale(autorun = false): Promise<string[]> {
    const run: PendingRun = { done: () => undefined };
    this.asked.add(run);
    try {
      const proc = await this.kernel();
      await this.sync();
      this.runs.push(run);
      this.timeline.sent('runStale');
      const reply = await proc.request({ type: 'runStale', ...(autorun ? { autorun } : {}) });
      return reply.cells.map((c) => c.cell);
    } catch (e) {
      this.requestFailed(e);
      return [];
    } finally {
      this.endRun(run);
    }
  }

  /** Outputs of the last run come back from the disk cache, without running anything. */
  async restore(): Promise<string[]> {
    try {
      const proc = await this.kernel();
      // A run is on its way (or the replay brought one): a restore would queue behind it and take its events.
      if (this.reattachedBusy || this.asked.size) return [];
      this.execution.restoring = true;
      const reply = await proc.request({ type: 'restore' });
      return reply.cells;
    } catch (e) {
      this.requestFailed(e);
      return [];
    } finally {
      this.execution.restoring = false;
      this.flushBranches();
    }
  }

  cancel(): void {
    this.proc?.cancel();
  }

  /** Any other request (trainStacking...), on this notebook's kernel; a cancelled token interrupts it. */
  async request<K extends KernelCallType>(
    call: KernelCall & { type: K },
    token?: vscode.CancellationToken,
  ): Promise<KernelReplies[K]> {
    const proc = await this.kernel();
    await this.sync();
    const sub = token?.onCancellationRequested(() => proc.cancel());
    try {
      return await proc.request<K>(call);
    } finally {
      sub?.dispose();
    }
  }

  /** Replaces the process: running cells end as cancelled, in-memory results are dropped. */
  async restart(): Promise<void> {
    const old = this.proc;
    this.proc = undefined;
    this.sentText = undefined;
    this.reattachedBusy = false;
    this.execution.clearBranches();
    this.registry.failAll('cancelled: the kernel was restarted');
    this.execution.stale.clear();
    this.resetNodes();
    this.changed.fire();
    if (old) await old.shutdown();
    await this.kernel();
    this.changed.fire();
  }

  private requestFailed(e: unknown, names?: string[]): void {
    if (e instanceof KernelGoneError) {
      this.registry.failAll(e.message, names);
      return;
    }
    const message = e instanceof KernelRequestError ? e.message : `internal error: ${(e as Error).message}`;
    this.deps.log.error(`${this.label}: ${message}`);
    if (names?.length) this.registry.failAll(message, names);
    else void vscode.window.showErrorMessage(`Phasebook: ${message}`);
  }

  private onEvent(e: KernelEvent): void {
    this.timeline.event(e);
    if (e.type === 'cellsDone') {
      const run = this.runs[0];
      if (run) this.endRun(run);
      return;
    }
    this.apply(this.execution.onEvent(e));
    if (this.nodeStates.onEvent(e)) this.nodesChanged.fire();
  }

  private resetNodes(): void {
    this.nodeStates.reset();
    this.nodesChanged.fire();
  }

  private apply(steps: readonly ExecutionStep[]): void {
    for (const step of steps) {
      this.timeline.step(step);
      if (step.kind === 'runCreated') this.deps.onRunCreated(step.run);
      else if (step.kind === 'changed') this.changed.fire();
      else this.registry.apply(step);
    }
  }

  private flushBranches(): void {
    this.apply(this.execution.flush());
    if (this.nodeStates.settle()) this.nodesChanged.fire();
  }

  /**
   * The notebook was closed: an idle kernel stops; a detached kernel that is running goes on (its run
   * finishes and lands; reopening the notebook reattaches, or its idle timeout ends it).
   */
  close(): void {
    this.release(this.proc instanceof DetachedKernel && this.proc.state === 'busy');
  }

  /** The extension host goes (a reload, a restart): a detached kernel goes on, busy or idle, for the next window. */
  dispose(): void {
    this.release(this.proc instanceof DetachedKernel);
  }

  private release(detach: boolean): void {
    if (this.disposed) return;
    this.disposed = true;
    this.registry.dispose();
    const proc = this.proc;
    this.proc = undefined;
    if (detach && proc instanceof DetachedKernel) proc.detach();
    else void proc?.shutdown();
    this.changed.dispose();
    this.nodesChanged.dispose();
  }
}
