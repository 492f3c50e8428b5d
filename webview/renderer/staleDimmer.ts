/**
 * Stale outputs dimmed in the notebook renderer (docs/design.md §9.4), as marimo does: the host says which cells
 * are stale, each drawn table and chart whose output names one of them (core/kernel/mimes OUTPUT_CELL_KEY) is
 * dimmed, and the renderer reports which cells it dims. Without messaging (a page outside VS Code) nothing dims.
 */
import { isStaleCellsMessage, outputCellOf, type RendererStaleMessage } from '../../core/kernel/mimes';
import type { RendererContext } from './api';

/** How a stale output looks: faded, as its inputs changed since it was made. */
const DIMMED_OPACITY = '0.45';

export class StaleDimmer {
  private stale = new Set<string>();
  private readonly drawn = new Map<string, { cell: string; element: HTMLElement }>();
  /** The dimmed cells last reported (the host hears of each change once). */
  private reported?: string;

  constructor(private readonly ctx: RendererContext) {
    ctx.onDidReceiveMessage?.((m) => {
      if (!isStaleCellsMessage(m)) return;
      this.stale = new Set(m.cells);
      for (const d of this.drawn.values()) this.apply(d.cell, d.element);
      this.report();
    });
    this.post({ type: 'rendererReady' });
  }

  /** An output item was drawn into `element`. */
  rendered(item: { id: string; metadata: unknown }, element: HTMLElement): void {
    const cell = outputCellOf(item.metadata);
    if (cell === undefined) return;
    this.drawn.set(item.id, { cell, element });
    this.apply(cell, element);
    this.report();
  }

  /** An output item went away (all of them without an id). */
  forget(id?: string): void {
    if (id === undefined) this.drawn.clear();
    else this.drawn.delete(id);
    this.report();
  }

  private apply(cell: string, element: HTMLElement): void {
    const dim = this.stale.has(cell);
    element.style.opacity = dim ? DIMMED_OPACITY : '';
    element.style.transition = 'opacity 120ms';
    if (dim) element.dataset.pbStale = 'true';
    else delete element.dataset.pbStale;
  }

  private report(): void {
    const cells = [...new Set([...this.drawn.values()].map((d) => d.cell))].filter((c) => this.stale.has(c)).sort();
    const key = cells.join('\n');
    if (key === this.reported) return;
    this.reported = key;
    this.post({ type: 'dimmed', cells });
  }

  private post(m: RendererStaleMessage): void {
    this.ctx.postMessage?.(m);
  }
}
