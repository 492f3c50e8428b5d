/**
 * The outcomes of one execution as its cells settle (docs/design.md §4.2, §4.6): every settled cell's outcome,
 * which cells did not succeed (their descendants are blocked), and the `finished` event each outcome emits. The
 * engine's settling loop and the executor dispatch write into the same ledger, so a cell settles one way wherever
 * it ran.
 */
import type { CellOutcome, ExecutionEvent } from '../graph/events';
import type { Graph } from '../notebook/dag';

export class CellLedger {
  private readonly byCell = new Map<string, CellOutcome>();
  private readonly bad = new Set<string>();

  constructor(private readonly emit: (e: ExecutionEvent) => void) {}

  has(cell: string): boolean {
    return this.byCell.has(cell);
  }

  /** The first ancestor of `cell` that failed, was skipped or cancelled in this execution. */
  failedAncestor(graph: Graph, cell: string): string | undefined {
    return graph.ancestors(cell).find((a) => this.bad.has(a));
  }

  /** Records a cell's outcome and emits its `finished` event. */
  finish(o: CellOutcome): CellOutcome {
    this.byCell.set(o.cell, o);
    if (o.status !== 'ok' && o.status !== 'cached') this.bad.add(o.cell);
    this.emit({
      type: 'finished',
      cell: o.cell,
      status: o.status,
      durationMs: o.durationMs,
      result: o.result,
      error: o.error,
      cacheKey: o.cacheKey,
      note: o.note,
      ...(o.executor !== undefined ? { executor: o.executor } : {}),
      ...(o.worker !== undefined ? { worker: o.worker } : {}),
      ...(o.attempts !== undefined ? { attempts: o.attempts } : {}),
    });
    return o;
  }

  /** The outcomes of the plan's cells, in plan order. */
  inOrder(plan: readonly string[]): CellOutcome[] {
    return plan.map((n) => this.byCell.get(n)).filter((o): o is CellOutcome => o !== undefined);
  }
}
