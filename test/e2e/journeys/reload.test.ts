// A kernel that outlives the window (docs/design.md §8, issue 19 item 3), as a user meets it: with
// phasebook.kernel.detached on, Run All starts a cell that takes half a minute, the user reloads
// the window mid-run, and without touching anything the cell finishes in the reloaded window with
// its output — the same kernel process all along (no re-run). Screenshots: test-results/journey-reload-*.png.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { DetachedKernelInfo } from '../../../core/kernel/wire';
import {
  openFile,
  openWorkbench,
  reloadWindow,
  screenshot,
  waitForCellOutput,
  waitForNotebook,
  type Workbench,
} from '../../harness/browser';
import { startCodeServer, type CodeServer } from '../../harness/codeServer';
import { clickRunAll, visibleCellRows, type CellRow } from './notebookView';

/** Long enough that the reload, the new extension host and the reattach all happen mid-run. */
const SLOW_CELL_MS = 45_000;
const NOTEBOOK = 'slow.pipeline';
const notebook = [
  '# %% load prices',
  'source: prices.csv',
  'timestamp: ts',
  '',
  '# %% ts slow',
  '// from: prices',
  'export default async function (inputs: any, { pl }: any) {',
  `  await new Promise((r) => setTimeout(r, ${SLOW_CELL_MS}));`,
  "  return inputs.prices.withColumns(pl.lit(1).alias('after_sleep'));",
  '}',
  '',
].join('\n');

let server: CodeServer;
let wb: Workbench;

function kernelInfos(): DetachedKernelInfo[] {
  const dir = join(server.workspaceDir, '.phasebook', 'kernels');
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names.map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as DetachedKernelInfo);
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

before(
  async () => {
    server = await startCodeServer({
      name: 'e2e-reload',
      emptyWorkspace: true,
      settings: { 'phasebook.kernel.detached': true },
      workspaceFiles: {
        [NOTEBOOK]: notebook,
        'prices.csv': 'ts,close\n2024-01-01T00:00:00Z,100\n2024-01-01T01:00:00Z,101\n',
      },
    });
    wb = await openWorkbench(server, { viewport: { width: 1400, height: 900 } });
  },
  { timeout: 180_000 },
);

after(async () => {
  // The detached kernel outlives code-server by design: end it here.
  for (const k of server ? kernelInfos() : []) if (alive(k.pid)) process.kill(k.pid, 'SIGKILL');
  await wb?.close();
  await server?.stop();
});

async function slowCell(): Promise<CellRow | undefined> {
  return (await visibleCellRows(wb.page)).find((r) => r.name === 'slow');
}

async function waitForSlowCell(state: CellRow['state'], timeoutMs: number): Promise<CellRow> {
  const deadline = Date.now() + timeoutMs;
  let last: CellRow | undefined;
  while (Date.now() < deadline) {
    last = await slowCell().catch(() => undefined);
    if (last?.state === state) return last;
    await wb.page.waitForTimeout(250);
  }
  const shot = await screenshot(wb.page, `journey-reload-not-${state}`);
  assert.fail(
    `cell 'slow' is ${last ? `'${last.state}' (${last.statusText})` : 'not on screen'}, not '${state}'; see ${shot}`,
  );
}

test(
  'reload mid-run: the long cell goes on in the detached kernel and shows its output in the reloaded window',
  { timeout: 300_000 },
  async () => {
    const page = wb.page;
    await openFile(page, NOTEBOOK);
    await waitForNotebook(page);
    await clickRunAll(page);
    const ranAt = Date.now();
    await waitForSlowCell('running', 60_000);
    const [kernel] = kernelInfos();
    assert.ok(kernel, 'no detached kernel wrote its info file in .phasebook/kernels/');
    await screenshot(page, 'journey-reload-1-running');

    await reloadWindow(page);
    // The window restores the notebook's editor by itself (no reopening by hand): that restore is when the new
    // extension host reattaches to the detached kernel.
    await waitForNotebook(page, 60_000).catch(async () => {
      const tabs = await page.locator('.tabs-container .tab').allInnerTexts();
      const shot = await screenshot(page, 'journey-reload-2-not-restored');
      assert.fail(
        `the reloaded window did not restore the notebook's editor (tabs: ${JSON.stringify(tabs)}); see ${shot}`,
      );
    });
    const reloadedAt = Date.now();
    assert.ok(
      reloadedAt - ranAt < SLOW_CELL_MS,
      `the reload took ${reloadedAt - ranAt} ms, longer than the cell runs: the test proves nothing`,
    );
    await screenshot(page, 'journey-reload-2-reloaded');
    const statusBar = async (): Promise<string> =>
      (await page.locator('.statusbar-item', { hasText: 'Phasebook' }).allInnerTexts()).join(' | ');

    await waitForSlowCell('running', 30_000);
    // The status bar item is drawn after the cell's running state: read it until it says busy (or 15 s pass).
    let whileRunning = await statusBar();
    for (const until = Date.now() + 15_000; !/busy/.test(whileRunning) && Date.now() < until;) {
      await new Promise((r) => setTimeout(r, 250));
      whileRunning = await statusBar();
    }
    const done = await waitForSlowCell('success', SLOW_CELL_MS + 60_000);
    await waitForCellOutput(page, /slow · 2 rows × 4 columns/, 30_000).catch(async () => {
      assert.fail(`cell 'slow' finished without its output; see ${await screenshot(page, 'journey-reload-no-output')}`);
    });
    const shot = await screenshot(page, 'journey-reload-3-finished');
    const [after] = kernelInfos();
    assert.equal(after?.pid, kernel.pid, `the reloaded window is not on the kernel that ran the cell; see ${shot}`);
    assert.ok(alive(kernel.pid), 'the detached kernel stays up for the next window');
    assert.match(whileRunning, /busy/, 'the reattached kernel shows busy while the run goes on');
    await page
      .waitForFunction(
        () =>
          Array.from(document.querySelectorAll('.statusbar-item')).some((e) =>
            /Phasebook: idle/.test(e.textContent ?? ''),
          ),
        undefined,
        { timeout: 10_000 },
      )
      .catch(async () => assert.fail(`the kernel status bar says "${await statusBar()}" after the run, not idle`));
    assert.ok(
      Date.now() - ranAt < 2 * SLOW_CELL_MS + 30_000,
      `cell 'slow' finished ${Date.now() - ranAt} ms after Run All: it ran again after the reload (status ` +
        `bar: ${done.statusText})`,
    );
  },
);
