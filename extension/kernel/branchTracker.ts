/**
 * Fan-out branches on their notebook cell (docs/design.md §9.4). The kernel runs virtual cells named
 * `<cell>[<value>]...`; the editor has one cell for all of them. This tracker folds the branch
 * events of each editor cell into one execution: begun at the first branch's start, one labelled
 * output per finished branch, ended when the last pending branch finishes. Pure: no vscode.
 */
import type { CellError, CellStatus } from '../../core/graph/events';
import type { CellOutputPayload, ExecutedBy } from '../../core/kernel/protocol';
import { originOf, splitVirtualName } from '../../core/orchestrate/branch';
import { cellOutputs, summaryText, type OutputSpec } from './outputs';

/** `train[median_impute][ridge]` -> `median_impute · ridge`; '' for a plain cell. */
export function branchLabel(name: string): string {
  return splitVirtualName(name).values.join(' · ');
}

export function isBranch(name: string): boolean {
  return originOf(name) !== name;
}

/** One verdict for the editor cell: failed if any branch failed, cached only if every branch was. */
export function aggregateStatus(statuses: readonly CellStatus[]): CellStatus {
  for (const s of ['failed', 'cancelled', 'skipped'] as const) if (statuses.includes(s)) return s;
  return statuses.length && statuses.every((s) => s === 'cached') ? 'cached' : 'ok';
}

/** The stale list as editor cells: virtual names mapped to their origin, each once. */
export function staleOrigins(cells: readonly string[]): string[] {
  return [...new Set(cells.map(originOf))];
}

/** A finished branch's outputs: its summary as `<label>: <headline>` (then detail lines), tables, charts. */
export function branchOutputs(
  name: string,
  status: CellStatus,
  durationMs: number,
  out?: CellOutputPayload,
  error?: CellError,
  base?: string,
  by?: ExecutedBy,
): OutputSpec[] {
  const label = branchLabel(name);
  const summary = summaryText(name, status, durationMs, out, base, by);
  const labelled = `${label}: ${summary.startsWith(`${name} · `) ? summary.slice(name.length + 3) : summary}`;
  return cellOutputs(name, status, durationMs, out, error, base, by).map((spec) =>
    spec.metadata?.phasebookSummary
      ? {
          items: [{ mime: 'text/plain', data: new TextEncoder().encode(labelled) }],
          metadata: { ...spec.metadata, branch: label, virtualCell: name },
        }
      : { ...spec, metadata: { ...spec.metadata, branch: label, virtualCell: name } },
  );
}

/** What the host does on the editor cell after a branch event. */
export type BranchStep =
  | { kind: 'begin'; cell: string }
  | { kind: 'progress'; cell: string; fraction: number; message: string }
  | { kind: 'append'; cell: string; branch: string; status: CellStatus }
  | { kind: 'end'; cell: string; status: CellStatus }
  /** Every branch was queued, none ran: end without a verdict. */
  | { kind: 'settle'; cell: string };

interface CellState {
  begun: boolean;
  pending: Set<string>;
  statuses: CellStatus[];
}

export class BranchTracker {
  private readonly cells = new Map<string, CellState>();

  private state(origin: string): CellState {
    let s = this.cells.get(origin);
    if (!s) {
      s = { begun: false, pending: new Set(), statuses: [] };
      this.cells.set(origin, s);
    }
    return s;
  }

  /** Editor cells with branches still open. */
  get openCells(): string[] {
    return [...this.cells.keys()];
  }

  queued(name: string): BranchStep[] {
    this.state(originOf(name)).pending.add(name);
    return [];
  }

  started(name: string): BranchStep[] {
    const cell = originOf(name);
    const s = this.state(cell);
    s.pending.add(name);
    if (s.begun) return [];
    s.begun = true;
    return [{ kind: 'begin', cell }];
  }

  progress(name: string, fraction: number, message?: string): BranchStep[] {
    const cell = originOf(name);
    if (!this.cells.get(cell)?.begun) return [];
    return [{ kind: 'progress', cell, fraction, message: `${branchLabel(name)}${message ? `: ${message}` : ''}` }];
  }

  /** A branch finished; with `hold` (restore) the cell stays open until `flush`. */
  finished(name: string, status: CellStatus, hold = false): BranchStep[] {
    const cell = originOf(name);
    const s = this.state(cell);
    const steps: BranchStep[] = [];
    if (!s.begun) {
      s.begun = true;
      steps.push({ kind: 'begin', cell });
    }
    s.pending.delete(name);
    s.statuses.push(status);
    steps.push({ kind: 'append', cell, branch: branchLabel(name), status });
    if (!hold && s.pending.size === 0) steps.push(this.end(cell, s));
    return steps;
  }

  /** Ends every open cell (after a request returned): branches that never finished count as cancelled. */
  flush(): BranchStep[] {
    return [...this.cells].map(([cell, s]) => {
      if (s.pending.size) s.statuses.push('cancelled');
      return this.end(cell, s);
    });
  }

  /** Forgets every open cell (their executions were ended elsewhere: crash, restart). */
  clear(): void {
    this.cells.clear();
  }

  private end(cell: string, s: CellState): BranchStep {
    this.cells.delete(cell);
    if (!s.begun) return { kind: 'settle', cell };
    return { kind: 'end', cell, status: aggregateStatus(s.statuses) };
  }
}
