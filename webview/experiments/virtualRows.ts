/**
 * A virtualised list of fixed-height rows for the experiments table: a spacer as tall as every
 * row, and one block of the rows in view (plus a margin) re-filled on scroll, on the next frame.
 * 10,000 rows cost the DOM ~50 row elements. Reuses the frame grid's layout classes (webview/grid).
 */
import { el } from '../dom';

export const ROW_H = 24;
const MARGIN = 10;

export interface VirtualRows {
  element: HTMLElement;
  scroller: HTMLElement;
  /** New rows (count and how to draw row i); keeps the scroll position when `keepScroll`. */
  setRows(count: number, draw: (i: number) => HTMLElement, keepScroll: boolean): void;
  setHead(head: HTMLElement): void;
  /** Index range drawn now (for tests and the bench). */
  drawn(): { first: number; last: number };
}

export function virtualRows(height: () => number): VirtualRows {
  const sticky = el('div', 'pb-grid-sticky');
  const block = el('div', 'pb-grid-block');
  const spacer = el('div', 'pb-grid-spacer', block);
  const scroller = el('div', 'pb-grid-scroll', sticky, spacer);
  scroller.setAttribute('role', 'grid');
  scroller.tabIndex = 0;
  const element = el('div', 'pb-grid pb-exp-grid', scroller);
  element.style.setProperty('--pb-row-h', `${ROW_H}px`);
  let count = 0;
  let draw: (i: number) => HTMLElement = () => el('div');
  let range = { first: 0, last: -1 };
  let pending = false;
  // Measured on layout changes only (rows, head, resize), never on scroll: a scroll frame reads
  // scrollTop and writes one block, so it forces no extra layout.
  let headH = 0;
  let view = 0;
  const layout = (): void => {
    scroller.style.height = `${Math.max(height(), ROW_H * 4)}px`;
    headH = sticky.offsetHeight;
    view = scroller.clientHeight;
  };

  const fill = (): void => {
    pending = false;
    const top = Math.max(0, scroller.scrollTop - headH);
    const first = Math.max(0, Math.floor(top / ROW_H) - MARGIN);
    const last = Math.min(count - 1, Math.ceil((top + view) / ROW_H) + MARGIN);
    if (first === range.first && last === range.last && block.childElementCount === last - first + 1) return;
    range = { first, last };
    const rows: HTMLElement[] = [];
    for (let i = first; i <= last; i++) rows.push(draw(i));
    block.replaceChildren(...rows);
    block.style.transform = `translateY(${first * ROW_H}px)`;
  };
  const schedule = (): void => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(fill);
  };
  scroller.addEventListener('scroll', schedule, { passive: true });
  window.addEventListener('resize', () => {
    layout();
    schedule();
  });

  return {
    element,
    scroller,
    setRows(n, d, keepScroll) {
      count = n;
      draw = d;
      scroller.setAttribute('aria-rowcount', String(n));
      spacer.style.height = `${n * ROW_H}px`;
      if (!keepScroll) scroller.scrollTop = 0;
      range = { first: 0, last: -1 };
      layout();
      fill();
    },
    setHead(head) {
      sticky.replaceChildren(head);
    },
    drawn: () => range,
  };
}
