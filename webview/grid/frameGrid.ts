/**
 * A virtualised table over an Arrow table: only the visible rows exist in the DOM (a fixed pool of
 * row elements re-filled on scroll), so 1M rows scroll as smoothly as 100. Click a header to sort
 * (ascending → descending → original order); "Stats" shows per-column statistics; every column
 * carries its dtype. Row numbers are the original (0-based) positions.
 */
import type { Table, Vector } from 'apache-arrow';
import { el, formatNumber } from '../dom';
import { checkbox, tag } from '../ui';
import { dtypeLabel, formatCell, formatStats, isRightAligned } from './format';
import { argsortVector, type SortDirection } from './sort';
import { columnStats } from './stats';

export interface GridOptions {
  title?: string;
  /** Rows of the full frame when the table is a truncated head of it. */
  totalRows?: number;
  rowHeight?: number;
  /** Height of the scrolling area in px. */
  height?: number;
}

/** Browsers cap element heights (~33M px in Chromium); taller tables map scroll position proportionally. */
const MAX_SCROLL_PX = 8_000_000;
const INDEX_WIDTH = 64;

export class FrameGrid {
  readonly element: HTMLElement;
  private readonly vectors: Vector[];
  private readonly names: string[];
  private readonly rows: number;
  private readonly rowH: number;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly block: HTMLElement;
  private readonly statsRow: HTMLElement;
  private readonly sortLabel: HTMLElement;
  private readonly headCells: HTMLElement[] = [];
  private readonly pool: HTMLElement[] = [];
  private order: Uint32Array | undefined;
  private sort: { column: number; direction: SortDirection } | undefined;
  private readonly orders = new Map<string, Uint32Array>();
  private frame = 0;
  private readonly resizeObserver: ResizeObserver;

  constructor(host: HTMLElement, table: Table, opts: GridOptions = {}) {
    this.rowH = opts.rowHeight ?? 22;
    this.rows = table.numRows;
    const fields = table.schema.fields;
    this.names = fields.map((f) => f.name);
    this.vectors = fields.map((f) => table.getChild(f.name)!);
    const widths = fields.map((f, j) => this.columnWidth(f.name, this.vectors[j]));
    const template = `${INDEX_WIDTH}px ${widths.map((w) => `${w}px`).join(' ')}`;
    const total = INDEX_WIDTH + widths.reduce((s, w) => s + w, 0);

    const count = el('span', 'pb-grid-count', `${this.rows.toLocaleString('en-US')} rows × ${fields.length} columns`);
    if (opts.totalRows !== undefined && opts.totalRows > this.rows)
      count.textContent += ` (first ${this.rows.toLocaleString('en-US')} of ${opts.totalRows.toLocaleString('en-US')})`;
    this.sortLabel = el('span', 'pb-grid-sort');
    const bar = el(
      'div',
      'pb-grid-bar',
      opts.title ? el('strong', 'pb-grid-title', opts.title) : undefined,
      count,
      this.sortLabel,
      checkbox('Stats', false, (on) => this.showStats(on)),
    );

    const head = el('div', 'pb-grid-row pb-grid-head', el('div', 'pb-grid-cell pb-grid-index', '#'));
    fields.forEach((f, j) => {
      const arrow = el('span', 'pb-sort-arrow');
      const cell = el(
        'div',
        `pb-grid-cell pb-grid-hcell${isRightAligned(f.type) ? ' pb-num' : ''}`,
        el('span', 'pb-grid-name', f.name),
        tag(dtypeLabel(f.type), String(f.type)),
        arrow,
      );
      cell.title = `${f.name} (${dtypeLabel(f.type)}) — click to sort`;
      cell.setAttribute('role', 'columnheader');
      cell.setAttribute('aria-sort', 'none');
      cell.tabIndex = 0;
      cell.dataset.column = f.name;
      cell.addEventListener('click', () => void this.cycleSort(j));
      cell.addEventListener(
        'keydown',
        (e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), void this.cycleSort(j)),
      );
      this.headCells.push(cell);
      head.append(cell);
    });
    this.statsRow = el(
      'div',
      'pb-grid-row pb-grid-stats',
      el('div', 'pb-grid-cell pb-grid-index', 'stats'),
      ...fields.map(() => el('div', 'pb-grid-cell')),
    );
    this.statsRow.hidden = true;
    this.block = el('div', 'pb-grid-block');
    this.spacer = el('div', 'pb-grid-spacer', this.block);
    this.scroller = el('div', 'pb-grid-scroll', el('div', 'pb-grid-sticky', head, this.statsRow), this.spacer);
    this.scroller.setAttribute('role', 'grid');
    this.scroller.setAttribute('aria-rowcount', String(this.rows));
    this.scroller.tabIndex = 0;
    this.element = el('div', 'pb-grid', bar, this.scroller);
    this.element.style.setProperty('--pb-cols', template);
    this.element.style.setProperty('--pb-row-h', `${this.rowH}px`);
    this.element.style.setProperty('--pb-width', `${total}px`);
    const fit = Math.min(this.rows, 18) * this.rowH + this.rowH * 2 + 8;
    this.scroller.style.height = `${opts.height ?? Math.max(fit, this.rowH * 4)}px`;
    this.spacer.style.height = `${Math.min(this.rows * this.rowH, MAX_SCROLL_PX)}px`;
    host.append(this.element);
    this.scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    this.resizeObserver = new ResizeObserver(() => this.schedule());
    this.resizeObserver.observe(this.scroller);
    this.render();
  }

  private columnWidth(name: string, v: Vector): number {
    let longest = name.length + dtypeLabel(v.type).length + 3;
    for (let i = 0; i < Math.min(v.length, 50); i++) longest = Math.max(longest, formatCell(v.get(i), v.type).length);
    return Math.max(72, Math.min(320, Math.round(longest * 7.4) + 20));
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** First visible row and the block's offset for the current scroll position. */
  private viewport(): { first: number; count: number; offset: number } {
    const viewH = Math.max(this.scroller.clientHeight, this.rowH);
    const count = Math.min(this.rows, Math.ceil(viewH / this.rowH) + 2);
    const top = this.scroller.scrollTop;
    const full = this.rows * this.rowH;
    if (full <= MAX_SCROLL_PX) {
      const first = Math.min(Math.floor(top / this.rowH), Math.max(0, this.rows - count));
      return { first, count, offset: first * this.rowH };
    }
    const range = Math.max(1, MAX_SCROLL_PX - viewH);
    const first = Math.min(Math.floor((top / range) * (this.rows - count + 2)), this.rows - count);
    return { first: Math.max(0, first), count, offset: Math.min(top, MAX_SCROLL_PX - count * this.rowH) };
  }

  private render(): void {
    const { first, count, offset } = this.viewport();
    while (this.pool.length < count) {
      const row = el('div', 'pb-grid-row pb-grid-data', el('div', 'pb-grid-cell pb-grid-index'));
      row.setAttribute('role', 'row');
      this.names.forEach((_, j) =>
        row.append(el('div', `pb-grid-cell${isRightAligned(this.vectors[j].type) ? ' pb-num' : ''}`)),
      );
      this.pool.push(row);
      this.block.append(row);
    }
    this.block.style.transform = `translateY(${offset}px)`;
    for (let k = 0; k < this.pool.length; k++) {
      const row = this.pool[k];
      const pos = first + k;
      if (k >= count || pos >= this.rows) {
        row.hidden = true;
        continue;
      }
      row.hidden = false;
      const r = this.order ? this.order[pos] : pos;
      row.setAttribute('aria-rowindex', String(pos + 1));
      const cells = row.children;
      cells[0].textContent = String(r);
      for (let j = 0; j < this.vectors.length; j++) {
        const v = this.vectors[j].get(r);
        const c = cells[j + 1] as HTMLElement;
        c.textContent = formatCell(v, this.vectors[j].type);
        c.classList.toggle('pb-null', v === null || v === undefined);
      }
    }
  }

  private async cycleSort(column: number): Promise<void> {
    const next: SortDirection | undefined =
      this.sort?.column !== column ? 'asc' : this.sort.direction === 'asc' ? 'desc' : undefined;
    await this.sortBy(column, next);
  }

  /** Sorts by a column (undefined restores the original order). */
  async sortBy(column: number, direction: SortDirection | undefined): Promise<void> {
    this.sortLabel.textContent = direction ? `sorting by ${this.names[column]}…` : '';
    if (direction && this.rows > 50_000) await new Promise((r) => setTimeout(r, 0));
    if (direction) {
      const key = `${column}:${direction}`;
      let order = this.orders.get(key);
      if (!order) this.orders.set(key, (order = argsortVector(this.vectors[column], direction)));
      this.order = order;
      this.sort = { column, direction };
      this.sortLabel.textContent = `sorted by ${this.names[column]} ${direction === 'asc' ? '↑' : '↓'}`;
    } else {
      this.order = undefined;
      this.sort = undefined;
    }
    this.headCells.forEach((c, j) => {
      const d = this.sort?.column === j ? this.sort.direction : undefined;
      c.setAttribute('aria-sort', d === 'asc' ? 'ascending' : d === 'desc' ? 'descending' : 'none');
      (c.querySelector('.pb-sort-arrow') as HTMLElement).textContent = d === 'asc' ? '▲' : d === 'desc' ? '▼' : '';
    });
    this.scroller.scrollTop = 0;
    this.render();
  }

  private async showStats(on: boolean): Promise<void> {
    this.statsRow.hidden = !on;
    if (!on || this.statsRow.dataset.done) return;
    this.statsRow.dataset.done = '1';
    const cells = Array.from(this.statsRow.children).slice(1) as HTMLElement[];
    cells.forEach((c) => (c.textContent = '…'));
    for (let j = 0; j < this.vectors.length; j++) {
      await new Promise((r) => setTimeout(r, 0));
      const s = columnStats(this.vectors[j]);
      cells[j].textContent = formatStats(s);
      cells[j].title = `${this.names[j]}: ${formatStats(s)} (${formatNumber(s.count)} rows)`;
    }
    this.statsRow.dataset.ready = '1';
  }

  dispose(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.resizeObserver.disconnect();
    this.element.remove();
  }
}
