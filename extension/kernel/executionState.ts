/**
 * The kernel's events as execution steps (docs/design.md §9.4): what the notebook's cell
 * executions must do for each event (queue, start, progress, finish with outputs, end a fanned-out
 * cell, settle), plus the state the host keeps from them — stale cells and the runs cells
 * completed. No vscode: NotebookKernel applies the steps to its ExecutionRegistry, the unit tests
 * read them. Fan-out branches (`train[a][x]`) fold onto their editor cell through BranchTracker.
 */
import type { KernelEvent } from '../../core/kernel/protocol';
import { originOf } from '../../core/orchestrate/branch';
import type { CellStatus } from '../../core/graph/events';
import type { RunKind } from '../../core/runs/types';
import { BranchTracker, branchOutputs, isBranch, staleOrigins, type BranchStep } from './branchTracker';
import { cellOutputs, type OutputSpec } from './outputs';

export interface CreatedRun {
  id: string;
  dir: string;
  kind: RunKind;
  cell: string;
}

/** One thing to do to the cell executions (ExecutionRegistry's methods, by name), or to tell the host. */
export type ExecutionStep =
  | { kind: 'queued'; cell: string }
  | { kind: 'started'; cell: string; withOrder: boolean }
  | { kind: 'progress'; cell: string; fraction: number; message?: string }
  /**
   * `success`: true for ok/cached, false for failed/cancelled, undefined for a cell blocked by an
   * upstream failure (no red mark: it waits). `restored`: the result came back from the cache
   * without the cell being queued (notebook reopened, or an edit undone) — no execution order, no timer.
   */
  | {
      kind: 'finished';
      cell: string;
      status: CellStatus;
      success: boolean | undefined;
      durationMs: number;
      outputs: OutputSpec[];
      withOrder: boolean;
      restored: boolean;
    }
  | { kind: 'appendOutputs'; cell: string; outputs: OutputSpec[]; withOrder: boolean }
  | { kind: 'end'; cell: string; status: CellStatus; success: boolean | undefined }
  | { kind: 'settle'; cell: string }
  | { kind: 'runCreated'; run: CreatedRun }
  /** Stale cells or completed runs changed (the status bars and lenses redraw). */
  | { kind: 'changed' };

const good = (s: CellStatus): boolean => s === 'ok' || s === 'cached';

/** The cell execution's verdict: a cell that only waited on a failed upstream cell is neither good nor bad. */
export function successOf(status: CellStatus): boolean | undefined {
  if (status === 'skipped') return undefined;
  return good(status);
}

export class ExecutionState {
  /** Cells whose inputs changed since they last ran. */
  readonly stale = new Set<string>();
  /** The last completed run of each cell that created one (for the stacking CodeLens). */
  readonly completedRuns = new Map<string, CreatedRun>();
  /** Cells whose last outcome was a failure, and the upstream cell each blocked cell waits for. */
  readonly failed = new Set<string>();
  readonly waiting = new Map<string, string>();
  /** Cells the kernel queued or started and has not finished: a finish without it is a restore. */
  private readonly pending = new Set<string>();
  private readonly branches = new BranchTracker();
  /** Paths in summaries print relative to this folder (the notebook's workspace folder). */
  displayBase?: string;
  /** True while restoring from the cache: executions then take no execution order. */
  restoring = false;

  /** The steps one kernel event calls for; updates stale cells and completed runs. */
  onEvent(e: KernelEvent): ExecutionStep[] {
    if (e.type === 'cellsDone') return this.flush();
    if (e.type !== 'stale' && e.type !== 'runCreated' && isBranch(e.cell)) return this.onBranchEvent(e);
    switch (e.type) {
      case 'queued':
        this.pending.add(e.cell);
        return [{ kind: 'queued', cell: e.cell }];
      case 'started':
        this.pending.add(e.cell);
        return [{ kind: 'started', cell: e.cell, withOrder: true }];
      case 'progress':
        return [{ kind: 'progress', cell: e.cell, fraction: e.fraction, message: e.message }];
      case 'finished': {
        const outputs = cellOutputs(e.cell, e.status, e.durationMs, e.output, e.error, this.displayBase, e.executedBy);
        const restored = this.restoring || !this.pending.delete(e.cell);
        this.noteOutcome(e.cell, e.status, e.error?.blockedBy);
        if (good(e.status)) {
          this.stale.delete(e.cell);
          const run = e.output?.run;
          if (run) this.completedRuns.set(e.cell, { ...run, cell: e.cell });
          else this.completedRuns.delete(e.cell);
        } else if (e.status === 'failed') this.completedRuns.delete(e.cell);
        return [
          {
            kind: 'finished',
            cell: e.cell,
            status: e.status,
            success: successOf(e.status),
            durationMs: e.durationMs,
            outputs,
            withOrder: !restored,
            restored,
          },
          { kind: 'changed' },
        ];
      }
      case 'runCreated':
        return [{ kind: 'runCreated', run: { id: e.id, dir: e.dir, kind: e.kind, cell: e.cell } }];
      case 'stale':
        this.stale.clear();
        for (const c of staleOrigins(e.cells)) this.stale.add(c);
        return [{ kind: 'changed' }];
    }
  }

  /** A failure marks the cell failed; a block records what it waits for; a good result clears both. */
  private noteOutcome(cell: string, status: CellStatus, blockedBy: string | undefined): void {
    this.waiting.delete(cell);
    this.failed.delete(cell);
    if (status === 'failed' || status === 'cancelled') this.failed.add(cell);
    else if (status === 'skipped' && blockedBy) this.waiting.set(cell, originOf(blockedBy));
  }

  /** A request ended: fanned-out cells whose branches all reported end now. */
  flush(): ExecutionStep[] {
    const steps = this.branches.flush();
    return steps.length ? [...this.fromBranches(steps), { kind: 'changed' }] : [];
  }

  /** The kernel is gone (crash) or replaced (restart): branch progress is forgotten. */
  clearBranches(): void {
    this.branches.clear();
    this.pending.clear();
  }

  private onBranchEvent(
    e: Exclude<KernelEvent, { type: 'stale' } | { type: 'runCreated' } | { type: 'cellsDone' }>,
  ): ExecutionStep[] {
    switch (e.type) {
      case 'queued':
        return [{ kind: 'queued', cell: originOf(e.cell) }, ...this.fromBranches(this.branches.queued(e.cell))];
      case 'started':
        return this.fromBranches(this.branches.started(e.cell));
      case 'progress':
        return this.fromBranches(this.branches.progress(e.cell, e.fraction, e.message));
      case 'finished': {
        const steps = this.branches.finished(e.cell, e.status, this.restoring);
        const begin = steps.filter((s) => s.kind === 'begin').slice(0, 1);
        const run = e.output?.run;
        if (good(e.status) && run) this.completedRuns.set(e.cell, { ...run, cell: e.cell });
        else this.completedRuns.delete(e.cell);
        return [
          ...this.fromBranches(begin),
          {
            kind: 'appendOutputs',
            cell: originOf(e.cell),
            outputs: branchOutputs(e.cell, e.status, e.durationMs, e.output, e.error, this.displayBase, e.executedBy),
            withOrder: !this.restoring,
          },
          ...this.fromBranches(steps.filter((s) => s.kind === 'end')),
          { kind: 'changed' },
        ];
      }
    }
  }

  private fromBranches(steps: readonly BranchStep[]): ExecutionStep[] {
    const out: ExecutionStep[] = [];
    for (const step of steps) {
      switch (step.kind) {
        case 'begin':
          out.push({ kind: 'started', cell: step.cell, withOrder: !this.restoring });
          break;
        case 'progress':
          out.push({ kind: 'progress', cell: step.cell, fraction: step.fraction, message: step.message });
          break;
        case 'end':
          out.push({ kind: 'end', cell: step.cell, status: step.status, success: successOf(step.status) });
          if (good(step.status)) this.stale.delete(step.cell);
          break;
        case 'settle':
          out.push({ kind: 'settle', cell: step.cell });
          break;
        case 'append':
          break;
      }
    }
    return out;
  }
}
