// The Pipeline graph as a user meets it (issue 19 item 2): run the notebook, open "Phasebook: Show Pipeline
// Graph", see every cell as a node with its state beside the notebook, click a node to land on its cell, and
// "run from here" on a node. Screenshots: test-results/journey-graph-*.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import {
  NOTEBOOK_CELL,
  openFile,
  openWorkbench,
  runCommand,
  screenshot,
  waitForNotebook,
  type Workbench,
} from '../../harness/browser';
import { startCodeServer, type CodeServer } from '../../harness/codeServer';
import { cellRowAt, clickRunAll, waitForRunToEnd } from './notebookView';

const CSV = [
  'ts,symbol,close',
  ...Array.from(
    { length: 60 },
    (_, i) =>
      `2024-01-01T${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00Z,BTC,` +
      `${100 + (i % 7)}`,
  ),
].join('\n');
const NOTEBOOK = [
  '# %% settings',
  'mode: lazy',
  'audit: warn',
  '',
  '# %% load prices',
  'source: tiny.csv',
  'timestamp: ts',
  'symbol: symbol',
  '',
  '# %% features',
  'returns: close',
  'lags: [1, 2]',
  '',
  '# %% labels',
  'horizon: 2',
  'target: close',
  'threshold: 0',
  '',
  '# %% features wide',
  'from: prices',
  'returns: close',
  'lags: [1, 2, 3]',
  '',
].join('\n');
/** The notebook's cells in order, by name (the last word of each `# %%` header: settings, prices, ...). */
const CELLS = NOTEBOOK.split('\n')
  .filter((l) => l.startsWith('# %% '))
  .map((l) => l.split(' ').pop() ?? '');

// Runs inside the graph's webview frame (a string: see outputFrames.ts on why not a function).
const NODES_JS =
  `[...document.querySelectorAll('.pg-node')].map((g) => ({ cell: g.getAttribute('data-cell'), state: ` +
  `g.getAttribute('data-state') }))`;

let server: CodeServer;
let wb: Workbench;
let page: Page;

before(
  async () => {
    server = await startCodeServer({
      name: 'e2e-graph',
      emptyWorkspace: true,
      workspaceFiles: { 'tiny.csv': `${CSV}\n`, 'graph.pipeline': NOTEBOOK },
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

/** The frame drawing the graph and the nodes it shows (undefined while no frame draws one). */
async function graphFrame(): Promise<{ frame: Frame; nodes: { cell: string; state: string }[] } | undefined> {
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    const nodes = (await frame.evaluate(NODES_JS).catch(() => null)) as { cell: string; state: string }[] | null;
    if (nodes?.length) return { frame, nodes };
  }
  return undefined;
}

async function waitForStates(ok: (states: Record<string, string>) => boolean, what: string) {
  const deadline = Date.now() + 60_000;
  let last: Awaited<ReturnType<typeof graphFrame>>;
  while (Date.now() < deadline) {
    last = await graphFrame();
    if (last && ok(Object.fromEntries(last.nodes.map((n) => [n.cell, n.state])))) return last;
    await page.waitForTimeout(300);
  }
  const shot = await screenshot(page, `journey-graph-${what.replace(/\W+/g, '-')}-failed`);
  assert.fail(`${what}: the graph shows ${JSON.stringify(last?.nodes)}; see ${shot}`);
}

const done = (s: string | undefined): boolean => s === 'ok' || s === 'cached';

test(
  'the graph shows each cell with its state, reveals a clicked cell, and runs from a node',
  { timeout: 240_000 },
  async () => {
    await openFile(page, 'graph.pipeline');
    await waitForNotebook(page);
    await page.locator(NOTEBOOK_CELL).nth(3).waitFor({ timeout: 30_000 });
    await clickRunAll(page);
    await waitForRunToEnd(page, 120_000);
    await runCommand(page, 'Phasebook: Show Pipeline Graph');
    const shown = await waitForStates(
      (s) => ['prices', 'features', 'labels', 'wide'].every((c) => done(s[c])),
      'every node ran',
    );
    assert.deepEqual(
      shown.nodes.map((n) => n.cell),
      ['prices', 'features', 'labels', 'wide'],
    );
    const facts = await shown.frame.locator('.pg-node[data-cell="prices"] .pg-facts').textContent();
    assert.match(facts ?? '', /\d\d:\d\d · .* · 60 rows/, 'the node says when it ran, how long and how many rows');
    await screenshot(page, 'journey-graph-ran');

    await shown.frame.locator('.pg-node[data-cell="labels"] .pg-name').click();
    await page
      .locator(`${NOTEBOOK_CELL.split(',')[0]}.focused`)
      .filter({ hasText: 'horizon: 2' })
      .waitFor({ timeout: 15_000 })
      .catch(async () =>
        assert.fail(`the labels cell is not focused; see ${await screenshot(page, 'journey-graph-reveal-failed')}`),
      );

    // Execution counts by cell index, read row by row (the list is virtualised: a row may be drawn in one read and
    // not the next, or drawn with its count before its status bar names the cell), so counts are compared with the
    // highest one Run All gave (4 cells ran).
    const order = async (): Promise<Record<string, string>> => {
      const out: Record<string, string> = {};
      for (const name of ['prices', 'features', 'labels', 'wide']) {
        const row = await cellRowAt(page, CELLS.indexOf(name));
        if (row?.name && row.name !== name) assert.fail(`cell ${CELLS.indexOf(name)} is '${row.name}', not '${name}'`);
        out[name] = row?.executionOrder ?? 'not drawn';
      }
      return out;
    };
    const count = (label: string | undefined): number => Number(/\d+/.exec(label ?? '')?.[0] ?? NaN);
    const before = await order();
    assert.ok(
      Object.values(before).every((c) => !Number.isNaN(count(c))),
      `a cell shows no count: ${JSON.stringify(before)}`,
    );
    const ranAll = Math.max(...Object.values(before).map(count));
    await shown.frame.locator('.pg-node[data-cell="features"] .pg-action', { hasText: 'run from here' }).click();
    await waitForStates((s) => ['features', 'labels'].every((c) => done(s[c])), 'run from here');
    const deadline = Date.now() + 30_000;
    let now = await order();
    while (Date.now() < deadline && !(count(now.features) > ranAll && count(now.labels) > ranAll)) {
      await page.waitForTimeout(300);
      now = await order();
    }
    const seen = JSON.stringify({ before, now });
    assert.ok(count(now.features) > ranAll, `features ran again: ${seen}`);
    assert.ok(count(now.labels) > count(now.features), `labels is downstream: it ran after features: ${seen}`);
    assert.ok(count(now.wide) <= ranAll, `wide, a sibling, did not run again: ${seen}`);
    await screenshot(page, 'journey-graph-run-from-here');
  },
);
