// The newcomer's journey (issue 18): a folder with only a CSV of their own. File > New File… >
// Phasebook pipeline proposes the whole pipeline from the CSV's header; Run All; a typo in the
// features cell shows its error, fixing it clears the error; the CodeLens trains stacking and its
// dashboard opens. Screenshots: test-results/newcomer-*.png.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  NOTEBOOK_EDITOR,
  openWorkbench,
  runCommand,
  screenshot,
  waitForCellOutput,
  waitForNotebook,
  type Workbench,
} from '../../harness/browser';
import { startCodeServer, type CodeServer } from '../../harness/codeServer';
import { clickRunAll, codeLensLink, focusCell, scanNotebook, waitForRunToEnd, type NotebookScan } from './notebookView';
import { dashboardOf } from './outputFrames';
import { acceptQuickInput, answerQuickPick, clickQuickPickRow, toasts } from './quickInput';

const RUN_TIMEOUT_MS = 180_000;
/** Cells of the starter notebook: md, load, validate, features, labels, split, scale, cv, stack, train, evaluate. */
const CELLS = 11;
const FEATURES = 3;
const CV = 7;

/** Hourly bars of two tickers, 200 each, under the names a user's export might have. */
function userCsv(): string {
  const lines = ['date,ticker,open,high,low,close,volume'];
  let seed = 7;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
  for (const [s, ticker] of ['ACME', 'GLOBEX'].entries()) {
    let close = 100 + 20 * s;
    for (let i = 0; i < 200; i++) {
      const open = close;
      close = open * (1 + 0.01 * rnd() + 0.002 * Math.sin(i / 9 + s));
      const high = Math.max(open, close) * (1 + 0.003 * Math.abs(rnd()));
      const low = Math.min(open, close) * (1 - 0.003 * Math.abs(rnd()));
      const ts = new Date(Date.UTC(2024, 2, 1) + i * 3_600_000).toISOString().replace('.000Z', 'Z');
      lines.push(
        `${ts},${ticker},${open.toFixed(3)},${high.toFixed(3)},${low.toFixed(3)},${close.toFixed(3)},` +
          `${Math.round(1000 + 500 * rnd())}`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

let server: CodeServer;
let wb: Workbench;
let page: Page;
let opened = false;

before(
  async () => {
    server = await startCodeServer({
      name: 'e2e-newcomer',
      emptyWorkspace: true,
      workspaceFiles: { 'prices.csv': userCsv() },
    });
    wb = await openWorkbench(server, { viewport: { width: 1500, height: 950 } });
    page = wb.page;
  },
  { timeout: 180_000 },
);

after(async () => {
  await wb?.close();
  await server?.stop();
});

const errorNames = (scan: NotebookScan) =>
  [...scan.rows.values()].filter((r) => r.state === 'error').map((r) => r.name);

async function runAll(name: string): Promise<NotebookScan> {
  await clickRunAll(page);
  await waitForRunToEnd(page, RUN_TIMEOUT_MS);
  const scan = await scanNotebook(page, CELLS);
  await screenshot(page, name);
  return scan;
}

/** Edits the first line of cell `index` as a user does: into its editor, end of line, type. */
async function editFirstLine(index: number, keys: (p: Page) => Promise<void>): Promise<void> {
  await focusCell(page, index);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('End');
  await keys(page);
  await page.keyboard.press('Escape');
}

test(
  'New File… > Phasebook pipeline: pick the CSV, save, and the proposed pipeline opens with no raw # %% line',
  { timeout: 120_000 },
  async (t) => {
    // File > New File… first; its picker did not come up in code-server in the runs so far (the
    // palette stayed open), so fall back to the palette command after 8 s and say so.
    await runCommand(page, 'File: New File...');
    await page.waitForTimeout(1500);
    if (await page.locator('.quick-input-widget .monaco-list-row[aria-label^="File: New File"]').count())
      await page.keyboard.press('Enter');
    const offered = await clickQuickPickRow(page, 'Phasebook pipeline', 8_000).catch(async (e: Error) => {
      t.diagnostic(`File > New File… did not offer the entry (${e.message}); using the palette command`);
      await screenshot(page, 'newcomer-0-new-file');
      await page.keyboard.press('Escape');
      await runCommand(page, 'Phasebook: New pipeline notebook');
      return [] as string[];
    });
    const data = await answerQuickPick(page, /which data file/i, 'prices.csv');
    assert.ok(
      data.items.some((i) => i.startsWith(`Start from the template`)),
      `the data pick offers ${JSON.stringify(data.items)}`,
    );
    const saved = await acceptQuickInput(page, /Save the new pipeline as/);
    assert.match(saved, /prices\.pipeline$/, `the save dialog proposed ${saved}`);
    await waitForNotebook(page);
    await page.locator(`${NOTEBOOK_EDITOR} .monaco-list-row.code-cell-row`).nth(2).waitFor({ timeout: 30_000 });
    const shot = await screenshot(page, 'newcomer-1-proposed');
    const file = join(server.workspaceDir, 'prices.pipeline');
    assert.ok(existsSync(file), `no prices.pipeline saved; New File offered ${JSON.stringify(offered)}; see ${shot}`);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /^timestamp: date$/m);
    assert.match(text, /^symbol: ticker$/m);
    const editorText = await page.locator(`${NOTEBOOK_EDITOR}:visible .monaco-list-row .view-lines`).allInnerTexts();
    assert.ok(
      editorText.length > 0 && editorText.every((t) => !t.includes('# %%')),
      `a cell shows a raw marker; see ${shot}`,
    );
    opened = true;
  },
);

test('Run All: every cell of the proposed pipeline succeeds', { timeout: RUN_TIMEOUT_MS + 60_000 }, async () => {
  assert.ok(opened, 'the notebook was not opened');
  const scan = await runAll('newcomer-2-ran');
  assert.deepEqual(errorNames(scan), [], `cells failed; outputs: ${JSON.stringify(scan.outputs.errors)}`);
  assert.equal([...scan.rows.values()].filter((r) => r.state === 'success').length, CELLS - 1);
});

test(
  'a typo in the features cell shows its error there; fixing it clears the error',
  { timeout: 2 * RUN_TIMEOUT_MS },
  async () => {
    assert.ok(opened, 'the notebook was not opened');
    await editFirstLine(FEATURES, (p) => p.keyboard.type('e'));
    const broken = await runAll('newcomer-3-mistake');
    assert.deepEqual(errorNames(broken), ['features'], 'only the features cell shows an error');
    // The error output is read with the features cell on screen (the list renders only nearby outputs).
    await focusCell(page, FEATURES);
    await waitForCellOutput(page, /closee/, 15_000);
    await editFirstLine(FEATURES, (p) => p.keyboard.press('Backspace'));
    const fixed = await runAll('newcomer-4-fixed');
    assert.deepEqual(errorNames(fixed), [], `errors left after the fix: ${JSON.stringify(fixed.outputs.errors)}`);
    assert.deepEqual(fixed.outputs.errors, []);
  },
);

test('the CodeLens trains stacking on the CV run and its dashboard opens', { timeout: 180_000 }, async () => {
  assert.ok(opened, 'the notebook was not opened');
  await focusCell(page, CV);
  const lens = codeLensLink(page, CV, 'Train stacking on this run');
  await lens.first().waitFor({ timeout: 15_000 });
  await lens.first().click();
  await answerQuickPick(page, /horizon/i, 'H5');
  await answerQuickPick(page, /meta-learner/i, 'ridge');
  const deadline = Date.now() + 150_000;
  let cards: Record<string, string> = {};
  while (Date.now() < deadline && !Object.keys(cards).length) {
    for (const tab of await page.locator('.tabs-container .tab[aria-label^="Run "]').all()) {
      const id = /^Run (\S+)/.exec((await tab.getAttribute('aria-label')) ?? '')?.[1];
      if (id) cards = (await dashboardOf(page, id))?.cards ?? {};
    }
    await page.waitForTimeout(500);
  }
  const shot = await screenshot(page, 'newcomer-5-stacking-dashboard');
  assert.ok(
    Object.keys(cards).length > 0,
    `no stacking dashboard with metric cards; toasts ${JSON.stringify(await toasts(page))}; see ${shot}`,
  );
});
