// Journey 1: a user opens a .pipeline file in VS Code and sees it as a notebook: one cell per
// `# %%` marker, markdown cells rendered, every phase cell labelled with its kind.
// Runs against code-server + Debian's chromium; screenshots land in test-results/.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  NOTEBOOK_CELL,
  openFile,
  openWorkbench,
  screenshot,
  waitForCellOutput,
  waitForNotebook,
  type Workbench,
} from '../harness/browser';
import { startCodeServer, type CodeServer } from '../harness/codeServer';
import { repoRoot } from '../harness/paths';
import { expectedCells, type ExpectedCell } from './pipelineCells';

const DEMO = 'demo.pipeline';
const JOURNEY_FILE = 'e2e/journey.pipeline';
const JOURNEY_PIPELINE = [
  '# %% md',
  '# Journey one',
  'A tiny pipeline the end-to-end test opens.',
  '',
  '# %% load prices',
  'source: data/raw/prices.csv',
  'timestamp: ts',
  '',
  '# %% validate',
  'contract: ohlcv',
  '',
].join('\n');

const demoExists = existsSync(join(repoRoot, 'examples', DEMO));
const target = demoExists ? DEMO : JOURNEY_FILE;
const source = demoExists ? readFileSync(join(repoRoot, 'examples', DEMO), 'utf8') : JOURNEY_PIPELINE;

let server: CodeServer;
let workbench: Workbench;

before(
  async () => {
    server = await startCodeServer({
      name: 'e2e-open-pipeline',
      workspaceFiles: demoExists ? {} : { [JOURNEY_FILE]: JOURNEY_PIPELINE },
    });
    workbench = await openWorkbench(server);
  },
  { timeout: 180_000 },
);

after(async () => {
  await workbench?.close();
  await server?.stop();
});

interface RenderedRow {
  index: number;
  kind: 'markdown' | 'code';
  /** What the cell shows around its text editor (status bar, toolbar), without the cell's own text. */
  chrome: string;
}

async function renderedRows(page: Page): Promise<RenderedRow[]> {
  const rows = page.locator(NOTEBOOK_CELL);
  const out: RenderedRow[] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    const cls = (await row.getAttribute('class')) ?? '';
    out.push({
      index: Number(await row.getAttribute('data-index')),
      kind: cls.includes('markdown-cell-row') ? 'markdown' : 'code',
      chrome: await row.evaluate((el) => {
        const copy = el.cloneNode(true) as HTMLElement;
        copy.querySelectorAll('.monaco-editor').forEach((e) => e.remove());
        return copy.textContent ?? '';
      }),
    });
  }
  return out.sort((a, b) => a.index - b.index);
}

test(`opening ${target} shows a Phasebook notebook whose cells carry their kind`, { timeout: 120_000 }, async () => {
  const { page } = workbench;
  await openFile(page, target);
  await waitForNotebook(page);
  const expected: ExpectedCell[] = expectedCells(source);
  let rows: RenderedRow[] = [];
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    rows = await renderedRows(page);
    if (rows.length > 0 && rows.length >= Math.min(expected.length, 3)) break;
    await page.waitForTimeout(300);
  }
  const shot = await screenshot(page, 'e2e-open-pipeline');
  assert.ok(
    rows.length > 0,
    `the notebook editor shows no cells for ${target} (${expected.length} markers); see ${shot}`,
  );
  if (!demoExists) assert.equal(rows.length, expected.length, `cells shown vs. # %% markers in ${target}; see ${shot}`);

  for (const row of rows) {
    const want = expected[row.index];
    assert.ok(want, `cell ${row.index} is shown but ${target} has only ${expected.length} markers`);
    assert.equal(row.kind, want.type, `cell ${row.index} (marker "${want.header}") renders as ${row.kind}`);
    if (want.type === 'code') {
      assert.ok(
        row.chrome.includes(want.kind),
        `cell ${row.index} does not show its kind "${want.kind}" (marker "${want.header}") outside its text; ` +
          `it shows: ${row.chrome}`,
      );
    }
  }
  // Markdown cells render (in the notebook's webview): their first line of text is visible.
  const markdown = rows.map((r) => expected[r.index]).filter((c) => c.type === 'markdown' && c.firstText);
  for (const cell of markdown) {
    await waitForCellOutput(page, cell.firstText, 15_000).catch(() => {
      assert.fail(`markdown "${cell.firstText}" is not rendered in the notebook; see ${shot}`);
    });
  }
});
