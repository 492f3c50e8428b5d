// The demo notebook's user journeys in the real VS Code workbench (code-server + Debian's chromium),
// one server and one browser for all four, in order: Run All -> the runs in the explorer -> the
// CodeLens trains a stacking run -> run dashboards. Screenshots land in test-results/journey-*.png.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  NOTEBOOK_CELL,
  NOTEBOOK_EDITOR,
  openFile,
  openWorkbench,
  screenshot,
  waitForNotebook,
  type Workbench,
} from '../../harness/browser';
import { startCodeServer, type CodeServer } from '../../harness/codeServer';
import { repoRoot } from '../../harness/paths';
import { expectedCells } from '../pipelineCells';
import { DEMO_PIPELINE, ensureDemoData } from './demoWorkspace';
import { clickRunAll, codeLensLink, focusCell, scanNotebook, waitForRunToEnd, type NotebookScan } from './notebookView';
import { dashboardOf, drawnCharts, inViewport, notebookOutputs, type DashboardSeen } from './outputFrames';
import { answerQuickPick, toasts } from './quickInput';
import {
  describeLandings,
  runContextMenu,
  slowLandings,
  runRows,
  runsOnDisk,
  showFileExplorer,
  showRunsView,
  watchLandings,
  widenSideBar,
  type Landing,
  type RunOnDisk,
} from './runsView';

/** Run All of the demo takes 35-60 s on a quiet machine; the shared CI machine is slower. */
const RUN_ALL_TIMEOUT_MS = 240_000;
/** "The new runs appear in the explorer within a second" (docs/design.md §9.8). */
const LANDING_LIMIT_MS = 1000;
const LENS_TITLE = 'Train stacking on this run';

const source = readFileSync(join(repoRoot, 'examples', DEMO_PIPELINE), 'utf8');
const cells = expectedCells(source);
/** The cell names a user reads in each phase cell's status bar and summary ("load prices" -> "prices"). */
const phaseCells = cells
  .map((c, index) => ({ index, kind: c.kind, name: c.header.split(/\s+/)[1] ?? c.kind, type: c.type }))
  .filter((c) => c.type === 'code' && c.kind !== 'settings');
const cellIndex = (name: string): number => {
  const c = phaseCells.find((p) => p.name === name);
  assert.ok(c, `${DEMO_PIPELINE} has no cell named '${name}'`);
  return c.index;
};

let server: CodeServer;
let wb: Workbench;
let page: Page;
/** What journey 1 left behind for the others. */
let ranAll: { scan: NotebookScan; landings: Landing[] } | undefined;

before(
  async () => {
    server = await startCodeServer({
      name: 'e2e-journeys',
      prepare: ({ workspaceDir }) => (ensureDemoData(workspaceDir), {}),
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

function needsRunAll(): NonNullable<typeof ranAll> {
  assert.ok(
    ranAll,
    'journey "run all" did not complete, so this journey has nothing to look at (see its failure above)',
  );
  return ranAll;
}

/** Keeps polling until every landed run has shown (or `graceMs` passed), then stops the watcher. */
async function finishWatching(watcher: ReturnType<typeof watchLandings>, graceMs = 3000): Promise<Landing[]> {
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    const rows = new Map((await runRows(page)).map((r) => [r.id, r.status]));
    if (runsOnDisk(server.workspaceDir).every((r) => rows.get(r.id) === r.status)) break;
    await page.waitForTimeout(100);
  }
  return watcher.stop();
}

test(
  'run all: every phase cell of demo.pipeline shows its summary, a chart is drawn in view, no cell shows an error',
  { timeout: RUN_ALL_TIMEOUT_MS + 120_000 },
  async (t) => {
    await openFile(page, DEMO_PIPELINE);
    await waitForNotebook(page);
    await page.locator(NOTEBOOK_CELL).nth(2).waitFor({ timeout: 30_000 });
    await showRunsView(page); // the user keeps the Runs view open while the pipeline runs
    const watcher = watchLandings(page, server.workspaceDir);
    const t0 = Date.now();
    let landings: Landing[];
    try {
      await clickRunAll(page);
      await screenshot(page, 'journey-run-all-running');
      await waitForRunToEnd(page, RUN_ALL_TIMEOUT_MS);
    } finally {
      landings = await finishWatching(watcher);
    }
    t.diagnostic(`Run All took ${Date.now() - t0} ms`);
    const finished = await screenshot(page, 'journey-run-all-finished');

    let chartShot = '';
    const viewport = page.viewportSize() ?? { width: 1500, height: 950 };
    const scan = await scanNotebook(page, cells.length, async () => {
      if (chartShot) return;
      const inView = drawnCharts((await notebookOutputs(page)).charts).filter((c) => inViewport(c, viewport));
      if (inView.length) chartShot = await screenshot(page, 'journey-run-all-chart');
    });
    const { rows, outputs } = scan;
    const see = `see ${finished}`;

    const errorRows = [...rows.values()].filter((r) => r.state === 'error');
    assert.deepEqual(
      errorRows.map((r) => `${r.name}: ${r.statusText}`),
      [],
      `cells show an error; ${see}`,
    );
    assert.deepEqual(outputs.errors, [], `error outputs are shown; ${see}`);
    for (const cell of phaseCells) {
      const row = rows.get(cell.index);
      assert.ok(row, `cell '${cell.name}' (index ${cell.index}) was never rendered while walking the notebook`);
      assert.equal(row.name, cell.name, `cell ${cell.index}'s status bar names it '${row.name}'`);
      assert.equal(
        row.state,
        'success',
        `cell '${cell.name}' did not finish successfully: ${row.state} (${row.statusText}); ${see}`,
      );
      assert.match(row.executionOrder, /^\[\d+\]$/, `cell '${cell.name}' shows no execution order`);
      const headline = outputs.headlines.find((h) => h.startsWith(`${cell.name} · `));
      assert.ok(
        headline,
        `cell '${cell.name}' shows no summary; summaries shown: ${JSON.stringify(outputs.headlines)}`,
      );
      assert.doesNotMatch(headline, / · (failed|not run|cancelled)$/, `cell '${cell.name}': ${headline}`);
    }
    const drawn = drawnCharts(outputs.charts);
    assert.ok(
      drawn.length > 0,
      `no chart output has marks drawn; charts: ${JSON.stringify(outputs.charts.map((c) => c.title))}`,
    );
    assert.ok(
      chartShot,
      `no drawn chart came into view while walking the notebook; drawn: ${JSON.stringify(drawn.map((c) => c.title))}`,
    );
    t.diagnostic(`charts drawn: ${drawn.map((c) => `${c.title} (${c.marks} marks)`).join(', ')}`);
    ranAll = { scan, landings };
  },
);

/** The explorer group a run of this kind belongs to. */
function groupOf(kind: string): RegExp {
  return kind === 'cv'
    ? /^Cross-validation$/
    : kind === 'training' || kind === 'stacking'
      ? /^Training/
      : /^Backtest|^Workflow/;
}

/** The row's label ends with "<metric name> <value>" (after " · "), and that value is one of the run's metrics. */
function assertKeyMetric(run: RunOnDisk, label: string): void {
  const m = / · (.+?) (-?[\d.]+(?:e[-+]?\d+)?)$/.exec(label);
  assert.ok(m, `run ${run.id} shows no key metric: "${label}"`);
  const [, name, text] = m;
  const value = Number(text);
  const match = Object.entries(run.metrics).find(
    ([k, v]) => Math.abs(v - value) <= 5e-4 * Math.max(Math.abs(v), 1e-9) && name.split(' ').some((w) => k.includes(w)),
  );
  assert.ok(
    match,
    `run ${run.id} shows "${name} ${text}", which is none of its metrics in run.json: ${JSON.stringify(run.metrics)}`,
  );
}

test(
  'explorer: after the run the Runs view lists the new cross-validation and training runs with their key ' +
    'metric, each within a second of landing',
  { timeout: 60_000 },
  async (t) => {
    const { scan, landings } = needsRunAll();
    await showFileExplorer(page);
    await showRunsView(page);
    const disk = runsOnDisk(server.workspaceDir).filter((r) => r.status === 'complete');
    const fromOutputs = scan.outputs.texts.flatMap((text) =>
      [...text.matchAll(/^ {2}run: (\S+) \((\w+)\)/gm)].map((m) => ({ id: m[1], kind: m[2] })),
    );
    for (const kind of ['cv', 'stacking', 'training']) {
      assert.ok(
        fromOutputs.some((r) => r.kind === kind),
        `no cell summary names a ${kind} run: ${JSON.stringify(fromOutputs)}`,
      );
    }
    for (const r of fromOutputs)
      assert.ok(
        disk.some((d) => d.id === r.id),
        `run ${r.id} named in a cell summary is not on disk`,
      );
    await widenSideBar(page, 620); // so the screenshot shows each run's key metric after its long id
    const rows = await runRows(page);
    const shot = await screenshot(page, 'journey-explorer');
    for (const run of disk) {
      const row = rows.find((r) => r.id === run.id);
      assert.ok(
        row,
        `run ${run.id} (${run.kind}) is on disk but not in the Runs view; it shows ` +
          `${JSON.stringify(rows.map((r) => r.id))}; see ${shot}`,
      );
      assert.match(row.group, groupOf(run.kind), `run ${run.id} (${run.kind}) is listed under "${row.group}"`);
      assert.equal(row.status, 'complete', `run ${run.id} is complete on disk but its row shows ${row.status}`);
      assertKeyMetric(run, row.label);
    }
    t.diagnostic(`landed -> shown in the Runs view: ${describeLandings(landings).join(', ')}`);
    assert.ok(landings.length >= 3, `the landing watcher saw ${landings.length} runs land during Run All`);
    assert.deepEqual(
      slowLandings(LANDING_LIMIT_MS, landings),
      [],
      `runs took longer than ${LANDING_LIMIT_MS} ms to appear after their run.json landed`,
    );
  },
);

test(
  `CodeLens: "${LENS_TITLE}" on the cv cell asks horizon and meta-learner, shows progress, and the new ` +
    `stacking run appears with its dashboard`,
  { timeout: 180_000 },
  async (t) => {
    needsRunAll();
    await page.locator('.tabs-container .tab[aria-label^="demo.pipeline"]').first().click();
    await page.locator(`${NOTEBOOK_EDITOR}:visible`).first().waitFor();
    const cv = cellIndex('cv');
    await focusCell(page, cv);
    const lens = codeLensLink(page, cv, LENS_TITLE);
    await lens.waitFor({ timeout: 15_000 }).catch(async () => {
      assert.fail(
        `the cv cell shows no "${LENS_TITLE}" CodeLens; see ${await screenshot(page, 'journey-codelens-missing')}`,
      );
    });
    await screenshot(page, 'journey-codelens');
    await showRunsView(page);
    const before = new Set(runsOnDisk(server.workspaceDir).map((r) => r.id));
    const watcher = watchLandings(page, server.workspaceDir);
    let landings: Landing[];
    let progressSeen: string;
    try {
      await lens.click();
      const horizon = await answerQuickPick(page, /horizon/i, 'H20');
      t.diagnostic(`horizon pick "${horizon.title}": ${horizon.items.join(' | ')}`);
      const learner = await answerQuickPick(page, /meta-learner/i, 'ridge');
      t.diagnostic(`meta-learner pick "${learner.title}": ${learner.items.join(' | ')}`);
      const progress = page.locator('.notifications-toasts .notification-toast', {
        hasText: 'Training stacking (H20, ridge)',
      });
      await progress
        .first()
        .waitFor({ timeout: 20_000 })
        .catch(async () => {
          assert.fail(
            `no progress notification "Training stacking (H20, ridge) …"; toasts: ` +
              `${JSON.stringify(await toasts(page))}`,
          );
        });
      progressSeen = (await toasts(page)).join(' | ');
      await screenshot(page, 'journey-codelens-progress');
      await progress.first().waitFor({ state: 'detached', timeout: 150_000 });
    } finally {
      landings = await finishWatching(watcher);
    }
    const failed = (await toasts(page)).filter((x) => /failed|error/i.test(x));
    assert.deepEqual(failed, [], 'stacking ended with an error notification');
    assert.match(progressSeen, /Cancel/, `the progress notification offers no Cancel: ${progressSeen}`);
    const created = runsOnDisk(server.workspaceDir).filter((r) => !before.has(r.id) && r.status === 'complete');
    assert.equal(created.length, 1, `expected one new run on disk, found ${JSON.stringify(created.map((r) => r.id))}`);
    const run = created[0];
    assert.equal(run.kind, 'stacking');
    const row = (await runRows(page)).find((r) => r.id === run.id);
    assert.ok(row, `the new stacking run ${run.id} is not in the Runs view`);
    assert.match(row.group, /^Training/);
    assertKeyMetric(run, row.label);
    t.diagnostic(`landed -> shown in the Runs view: ${describeLandings(landings).join(', ')}`);
    assert.deepEqual(
      slowLandings(
        LANDING_LIMIT_MS,
        landings.filter((l) => l.id === run.id),
      ),
      [],
      `the stacking run appeared more than ${LANDING_LIMIT_MS} ms after it landed`,
    );
    const dashboard = await waitForDashboard(run.id, (d) => Object.keys(d.cards).length > 0);
    const shot = await screenshot(page, 'journey-codelens-dashboard');
    assert.ok(
      await page.locator(`.tabs-container .tab.active[aria-label^="Run ${run.id}"]`).count(),
      `the dashboard of ${run.id} is not the active editor tab; see ${shot}`,
    );
    assert.ok(Object.keys(dashboard.cards).length > 0, `the dashboard of ${run.id} shows no metric cards; see ${shot}`);
    t.diagnostic(`cards: ${Object.values(dashboard.cards).join(' | ')}`);
  },
);

/** Polls the dashboard webview of `runId` until `ready` holds (or 30 s), and returns what it shows. */
async function waitForDashboard(
  runId: string,
  ready: (d: DashboardSeen) => boolean,
  timeoutMs = 30_000,
): Promise<DashboardSeen> {
  const deadline = Date.now() + timeoutMs;
  let last: DashboardSeen | undefined;
  while (Date.now() < deadline) {
    last = await dashboardOf(page, runId);
    if (last && ready(last)) return last;
    await page.waitForTimeout(250);
  }
  const shot = await screenshot(page, `journey-dashboard-${runId}-timeout`);
  assert.fail(
    last
      ? `the dashboard of ${runId} did not finish rendering in ${timeoutMs} ms: cards ` +
          `${JSON.stringify(last.cards)}, charts ` +
          `${JSON.stringify(last.charts.map((c) => `${c.title}: ${c.marks} marks${c.drawn ? '' : ', not drawn'}`))}` +
          `, "${last.empty}", notes ${JSON.stringify(last.notes)}, errors ${JSON.stringify(last.errors)}; see ` +
          `${shot}`
      : `no dashboard webview shows run ${runId} after ${timeoutMs} ms; see ${shot}`,
  );
}

async function dashboardFromContextMenu(
  kind: string,
  cellName: string,
  t: { diagnostic(s: string): void },
): Promise<void> {
  const { scan } = needsRunAll();
  const summary = scan.outputs.texts.find((x) => x.startsWith(`${cellName} · `)) ?? '';
  const id = new RegExp(`^ {2}run: (\\S+) \\(${kind}\\)`, 'm').exec(summary)?.[1];
  assert.ok(id, `the '${cellName}' cell's summary names no ${kind} run: ${summary}`);
  await showRunsView(page);
  await runContextMenu(page, id, 'Open dashboard');
  const d = await waitForDashboard(
    id,
    (x) => Object.keys(x.cards).length > 0 && (drawnCharts(x.charts).length > 0 || x.empty !== ''),
  );
  const shot = await screenshot(page, `journey-dashboard-${kind}`);
  assert.ok(
    drawnCharts(d.charts).length > 0,
    `the dashboard of ${kind} run ${id} draws no chart: charts ` +
      `${JSON.stringify(d.charts.map((c) => `${c.title}: ${c.marks} marks${c.drawn ? '' : ', not drawn'}`))}, ` +
      `"${d.empty}", notes ${JSON.stringify(d.notes)}; see ${shot}`,
  );
  assert.ok(
    await page.locator(`.tabs-container .tab.active[aria-label^="Run ${id}"]`).count(),
    `the dashboard of ${id} is not the active editor tab; see ${shot}`,
  );
  const view = page.viewportSize() ?? { width: 1500, height: 950 };
  assert.ok(
    drawnCharts(d.charts).some((c) => inViewport(c, view)),
    `no chart of ${id}'s dashboard is on screen; see ${shot}`,
  );
  t.diagnostic(
    `${id}: cards ${Object.keys(d.cards).join(', ')}; charts ${drawnCharts(d.charts)
      .map((c) => `${c.title} (${c.marks} marks)`)
      .join(', ')}`,
  );
}

test(
  'dashboard: the CV run opened from the explorer context menu shows metric cards and its fold-score chart',
  { timeout: 60_000 },
  async (t) => {
    await dashboardFromContextMenu('cv', 'cv', t);
  },
);

test(
  "dashboard: the stack cell's stacking run opened from the explorer context menu shows metric cards and " +
    'evaluation charts',
  { timeout: 60_000 },
  async (t) => {
    await dashboardFromContextMenu('stacking', 'stack', t);
  },
);
