// The notebook editor as a user works it: the toolbar's Run All, moving from cell to cell with the
// keyboard (the list only renders the cells near the viewport), and what each cell row shows.
import type { Page } from 'playwright-core';
import { NOTEBOOK_EDITOR } from '../../harness/browser';
import { notebookOutputs, type NotebookOutputs } from './outputFrames';

/** The notebook editor on screen (VS Code keeps hidden editor widgets around for reuse). */
const EDITOR = `${NOTEBOOK_EDITOR}:visible`;
const TOOLBAR = `${EDITOR} .notebook-toolbar-container`;
const ROW = `${EDITOR} .monaco-list-row`;
const CODE_ROW = `${ROW}.code-cell-row`;

export type CellState = 'success' | 'error' | 'running' | 'pending' | 'not run';

export interface CellRow {
  index: number;
  /** The Phasebook kind item of the cell status bar, e.g. "load · prices" or "validate". */
  kindLabel: string;
  /** The cell's name as the kind item shows it ("prices", "validate"). */
  name: string;
  state: CellState;
  /** "[3]" once run, "[ ]" before. */
  executionOrder: string;
  /** The whole status bar as text (timing, stale marker...). */
  statusText: string;
}

/**
 * Clicks the notebook toolbar's "Run All"; unless told not to, waits until it turns into
 * "Interrupt" (the run started).
 */
export async function clickRunAll(page: Page, waitForStart = true): Promise<void> {
  await page.locator(TOOLBAR).getByRole('button', { name: 'Run All', exact: true }).click();
  if (waitForStart)
    await page.locator(TOOLBAR).getByRole('button', { name: 'Interrupt', exact: true }).waitFor({ timeout: 30_000 });
}

/** Waits until the toolbar offers "Run All" again (no cell queued or running). */
export async function waitForRunToEnd(page: Page, timeoutMs: number): Promise<void> {
  await page.locator(TOOLBAR).getByRole('button', { name: 'Run All', exact: true }).waitFor({ timeout: timeoutMs });
}

/** The code cell rows rendered right now. */
export async function visibleCellRows(page: Page): Promise<CellRow[]> {
  return page.locator(CODE_ROW).evaluateAll((rows) =>
    rows.map((row) => {
      const items = Array.from(row.querySelectorAll('.cell-statusbar-container .cell-status-item'));
      const kindItem = items.find((i) => i.querySelector('.codicon-symbol-class'));
      const kindLabel = (kindItem?.textContent ?? '').trim();
      // No helper functions in here: tsx would wrap them in __name(), which the page lacks.
      const icons = Array.from(row.querySelectorAll('.cell-statusbar-container .codicon'))
        .map((c) => c.className)
        .join(' ');
      const state = icons.includes('codicon-notebook-state-error')
        ? 'error'
        : icons.includes('codicon-notebook-state-success')
          ? 'success'
          : /codicon-(notebook-state-executing|sync|loading)/.test(icons)
            ? 'running'
            : icons.includes('codicon-notebook-state-pending')
              ? 'pending'
              : 'not run';
      return {
        index: Number(row.getAttribute('data-index')),
        kindLabel,
        name: kindLabel.split(' · ').pop() ?? '',
        state: state as 'success' | 'error' | 'running' | 'pending' | 'not run',
        executionOrder: (row.querySelector('.execution-count-label')?.textContent ?? '').trim(),
        statusText: (row.querySelector('.cell-statusbar-container')?.textContent ?? '').trim(),
      };
    }),
  );
}

async function focusedIndex(page: Page): Promise<number> {
  const v = await page
    .locator(`${ROW}.focused`)
    .first()
    .getAttribute('data-index', { timeout: 2000 })
    .catch(() => null);
  return v === null ? -1 : Number(v);
}

/** Where the keyboard is: on a cell of the notebook list (command mode), inside a cell editor, or elsewhere. */
async function keyboardPlace(page: Page): Promise<'list' | 'editor' | 'elsewhere'> {
  return page.evaluate(() => {
    const a = document.activeElement;
    if (!a?.closest('.notebook-editor')) return 'elsewhere';
    return a.closest('.monaco-editor') ? 'editor' : 'list';
  });
}

/** Clicks the empty middle of a code cell's status bar that is fully on screen (focuses that cell). */
async function clickVisibleCell(page: Page): Promise<void> {
  const list = await page.locator(`${EDITOR} .monaco-list`).first().boundingBox();
  const bars = page.locator(`${CODE_ROW} .cell-statusbar-container`);
  for (let i = 0; i < (await bars.count()); i++) {
    const box = await bars.nth(i).boundingBox();
    if (!box || !list || box.y < list.y + 10 || box.y + box.height > list.y + list.height - 10) continue;
    await page.mouse.click(box.x + box.width * 0.6, box.y + box.height / 2);
    return;
  }
  throw new Error('no code cell status bar is on screen to click');
}

/**
 * Puts the keyboard focus on cell `index` (command mode, not inside its editor) and scrolls it
 * into view as a user does: focus a cell on screen (a click on its status bar, Escape to leave its
 * editor), then move with the arrow keys.
 */
export async function focusCell(page: Page, index: number): Promise<void> {
  const place = await keyboardPlace(page);
  if (place === 'elsewhere') await clickVisibleCell(page);
  if ((await keyboardPlace(page)) === 'editor') await page.keyboard.press('Escape');
  for (let guard = 0; guard < 200; guard++) {
    const at = await focusedIndex(page);
    if (at === index) return;
    if (at < 0) throw new Error(`no notebook cell has the focus (wanted cell ${index})`);
    await page.keyboard.press(at > index ? 'ArrowUp' : 'ArrowDown');
    await page.waitForTimeout(120);
  }
  throw new Error(`could not move the focus to cell ${index} (it stays on ${await focusedIndex(page)})`);
}

export interface NotebookScan {
  /** Every code cell row seen while walking the notebook, by index. */
  rows: Map<number, CellRow>;
  /** What the output webview held at the end of the walk. */
  outputs: NotebookOutputs;
}

/**
 * Walks from the first to the last cell with the keyboard, reading every code cell row and, at
 * the end, the outputs. `onStep` runs with each cell focused (e.g. to look at what is on screen).
 */
export async function scanNotebook(
  page: Page,
  cellCount: number,
  onStep?: (index: number) => Promise<void>,
): Promise<NotebookScan> {
  const rows = new Map<number, CellRow>();
  for (let i = 0; i < cellCount; i++) {
    await focusCell(page, i);
    await page.waitForTimeout(150); // let the list render the rows it scrolled to
    for (const r of await visibleCellRows(page)) rows.set(r.index, r);
    await onStep?.(i);
  }
  return { rows, outputs: await notebookOutputs(page) };
}

/** The CodeLens links shown in the editor of cell `index` (it must be rendered: focus it first). */
export function codeLensLink(page: Page, index: number, title: string) {
  return page.locator(`${ROW}[data-index="${index}"] .codelens-decoration a`, { hasText: title });
}

/**
 * The row of code cell `index` (its `data-index`, not the name its status bar shows: a freshly drawn row can show
 * its execution count before its status bar items). When the virtualised list has not drawn that row, the cell is
 * scrolled into view with the keyboard first (see `focusCell`).
 */
export async function cellRowAt(page: Page, index: number): Promise<CellRow | undefined> {
  const find = async (): Promise<CellRow | undefined> => (await visibleCellRows(page)).find((r) => r.index === index);
  const drawn = await find();
  if (drawn) return drawn;
  await focusCell(page, index);
  await page.waitForTimeout(150); // let the list render the row it scrolled to
  return find();
}
