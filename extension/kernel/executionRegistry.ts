/**
 * Owns the cell executions of one notebook (as marimo's registry does): the kernel's events move
 * them through queued -> running -> done, whether the user asked for the cell or the kernel runs
 * it reactively (stale ancestors first, autorun descendants). Execution order counts per notebook.
 */
import * as vscode from 'vscode';
import type { CellStatus } from '../../core/graph/events';
import { failureOutput, type OutputSpec } from './outputs';
import type { ExecutionStep } from './executionState';

interface Entry {
  exec: vscode.NotebookCellExecution;
  cell: vscode.NotebookCell;
  started: boolean;
  /** Outputs shown so far (the finished branches of a fanned-out cell). */
  shown: OutputSpec[];
}

export function toNotebookOutput(spec: OutputSpec): vscode.NotebookCellOutput {
  return new vscode.NotebookCellOutput(
    spec.items.map((i) => new vscode.NotebookCellOutputItem(i.data, i.mime)),
    spec.metadata,
  );
}

export class ExecutionRegistry implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private order = 0;

  constructor(
    private readonly controller: vscode.NotebookController,
    /** The editor cell of a core cell name, as the notebook is now. */
    private readonly cellOf: (name: string) => vscode.NotebookCell | undefined,
    private readonly onProblem: (message: string) => void,
  ) {}

  get pendingCells(): string[] {
    return [...this.entries.keys()];
  }

  isPending(name: string): boolean {
    return this.entries.has(name);
  }

  /** The pending execution of a cell, or a new (queued) one. */
  ensure(name: string, cell = this.cellOf(name)): Entry | undefined {
    const existing = this.entries.get(name);
    if (existing) return existing;
    if (!cell || cell.index < 0) return undefined;
    try {
      const exec = this.controller.createNotebookCellExecution(cell);
      const entry: Entry = { exec, cell, started: false, shown: [] };
      this.entries.set(name, entry);
      return entry;
    } catch (e) {
      this.onProblem(`cannot show the execution of cell '${name}': ${(e as Error).message}`);
      return undefined;
    }
  }

  queued(name: string): void {
    this.ensure(name);
  }

  started(name: string, withOrder = true): void {
    const entry = this.ensure(name);
    if (!entry || entry.started) return;
    this.begin(entry, Date.now(), withOrder);
    entry.shown = [];
    void entry.exec.clearOutput();
  }

  progress(name: string, fraction: number, message?: string): void {
    const entry = this.entries.get(name);
    if (!entry?.started) return;
    const pct = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
    const spec: OutputSpec = {
      items: [
        { mime: 'text/plain', data: new TextEncoder().encode(`running… ${pct}%${message ? ` ${message}` : ''}`) },
      ],
    };
    void entry.exec.replaceOutput([...entry.shown, spec].map(toNotebookOutput));
  }

  /** Adds outputs (one finished branch) to a cell whose execution goes on; starts it if needed. */
  appendOutputs(name: string, outputs: OutputSpec[], withOrder = true): void {
    const entry = this.ensure(name);
    if (!entry) return;
    if (!entry.started) {
      this.begin(entry, Date.now(), withOrder);
      entry.shown = [];
    }
    entry.shown.push(...outputs);
    void entry.exec.replaceOutput(entry.shown.map(toNotebookOutput));
  }

  /** Ends a cell's execution keeping the outputs it shows (after its last branch). */
  end(name: string, success: boolean | undefined): void {
    const entry = this.entries.get(name);
    if (!entry) return;
    if (!entry.started) this.begin(entry, Date.now(), false);
    void entry.exec.replaceOutput(entry.shown.map(toNotebookOutput));
    entry.exec.end(success, Date.now());
    this.entries.delete(name);
  }

  /**
   * Ends a cell's execution with its outputs. `withOrder: false` for restored outputs; `restored`
   * results carry no timer (VS Code would show "0.0s": the summary says when it ran and how long).
   */
  finished(
    name: string,
    status: CellStatus,
    success: boolean | undefined,
    durationMs: number,
    outputs: OutputSpec[],
    withOrder = true,
    restored = false,
  ): void {
    const entry = this.ensure(name);
    if (!entry) return;
    const now = Date.now();
    if (restored && !entry.started) {
      entry.exec.start();
      entry.started = true;
    } else if (!entry.started)
      this.begin(entry, now - Math.max(0, Math.round(durationMs)), withOrder && status !== 'skipped');
    void entry.exec.replaceOutput(outputs.map(toNotebookOutput));
    entry.exec.end(success, restored ? undefined : now);
    this.entries.delete(name);
  }

  /** Ends the given pending executions (or all) as failed, with a message on each cell. */
  failAll(message: string, names = this.pendingCells): void {
    for (const name of names) {
      const entry = this.entries.get(name);
      if (!entry) continue;
      if (!entry.started) this.begin(entry, Date.now(), false);
      void entry.exec.replaceOutput([toNotebookOutput(failureOutput(name, message))]);
      entry.exec.end(false, Date.now());
      this.entries.delete(name);
    }
  }

  /** Ends pending executions the kernel never ran (settings cells...) without a verdict. */
  settle(names: readonly string[]): void {
    for (const name of names) {
      const entry = this.entries.get(name);
      if (!entry) continue;
      if (!entry.started) entry.exec.start(Date.now());
      entry.exec.end(undefined, Date.now());
      this.entries.delete(name);
    }
  }

  private begin(entry: Entry, startTime: number, withOrder: boolean): void {
    if (withOrder) entry.exec.executionOrder = ++this.order;
    entry.exec.start(startTime);
    entry.started = true;
  }

  /** One step of the execution state machine (./executionState) applied to the cells' executions. */
  apply(step: Exclude<ExecutionStep, { kind: 'runCreated' } | { kind: 'changed' }>): void {
    switch (step.kind) {
      case 'queued':
        return this.queued(step.cell);
      case 'started':
        return this.started(step.cell, step.withOrder);
      case 'progress':
        return this.progress(step.cell, step.fraction, step.message);
      case 'finished':
        return this.finished(
          step.cell,
          step.status,
          step.success,
          step.durationMs,
          step.outputs,
          step.withOrder,
          step.restored,
        );
      case 'appendOutputs':
        return this.appendOutputs(step.cell, step.outputs, step.withOrder);
      case 'end':
        return this.end(step.cell, step.success);
      case 'settle':
        return this.settle([step.cell]);
    }
  }

  dispose(): void {
    this.settle(this.pendingCells);
  }
}
