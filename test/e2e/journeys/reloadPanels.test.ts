// Dashboards and compare tabs come back after a window reload (issue 18 item 8): the user opens a run's dashboard
// from the Runs view and a compare tab from the palette, reloads the window ("Developer: Reload Window"), and both
// tabs are there again, each showing its runs (the panel serializers re-read them from the run folders).
// Screenshots: test-results/journey-reload-panels-*.png.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { openWorkbench, reloadWindow, runCommand, screenshot, type Workbench } from '../../harness/browser';
import { startCodeServer, type CodeServer } from '../../harness/codeServer';
import { repoRoot } from '../../harness/paths';
import { dashboardOf, type DashboardSeen } from './outputFrames';
import { tickQuickPickRows, waitForQuickPick } from './quickInput';
import { runContextMenu, runRows, runsOnDisk, showRunsView } from './runsView';

const NOTEBOOK = 'small.pipeline';
const notebook = [
  '# %% load prices',
  'source: data.csv',
  'timestamp: timestamp',
  'symbol: symbol',
  '',
  '# %% validate',
  'contract: ohlcv',
  'policy: { ohlc: quarantine, duplicates: quarantine, order: quarantine }',
  '',
  '# %% features',
  'returns: close',
  'lags: [1, 2]',
  '',
  '# %% labels',
  'horizon: 5',
  'target: close',
  'threshold: 0',
  '',
  '# %% split',
  'fractions: [0.7, 0.15, 0.15]',
  '',
  '# %% cv',
  'models: [ridge]',
  'n_splits: 3',
  '',
].join('\n');

let server: CodeServer;
let wb: Workbench;

/** Runs the CLI in the workspace before the window opens (two runs to compare, with different seeds). */
function cli(cwd: string, args: string[]): void {
  const r = spawnSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), ...args], {
    cwd,
    env: { ...process.env, PHASEBOOK_CLI_MAIN: '1', NODE_OPTIONS: '' },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`\`phasebook ${args.join(' ')}\` exited ${r.status}:\n${r.stderr}${r.stdout}`);
}

before(
  async () => {
    server = await startCodeServer({
      name: 'e2e-reload-panels',
      emptyWorkspace: true,
      workspaceFiles: { [NOTEBOOK]: notebook },
      prepare: ({ workspaceDir }) => {
        cli(workspaceDir, ['demo-data', 'data.csv', '--symbols', '2', '--bars', '600', '--seed', '7']);
        cli(workspaceDir, ['run', NOTEBOOK, '--seed', '1']);
        cli(workspaceDir, ['run', NOTEBOOK, '--seed', '2']);
        return {};
      },
    });
    wb = await openWorkbench(server, { viewport: { width: 1400, height: 900 } });
  },
  { timeout: 240_000 },
);

after(async () => {
  await wb?.close();
  await server?.stop();
});

interface CompareSeen {
  /** The run ids in the metrics table's first column. */
  runs: string[];
  /** The config diff's keys. */
  configKeys: string[];
}

const COMPARE_JS = `(() => {
  const root = document.querySelector('.pb-dash.pb-compare');
  if (!root) return null;
  const text = (e) => (e.textContent || '').trim();
  return {
    runs: [...root.querySelectorAll('.pb-compare-metrics tbody tr td:first-child')].map(text),
    configKeys: [...root.querySelectorAll('.pb-config-diff tbody tr td:first-child')].map(text),
  };
})()`;

async function compareView(page: Page): Promise<CompareSeen | undefined> {
  for (const frame of page.frames() as Frame[]) {
    if (frame === page.mainFrame()) continue;
    const r = (await frame.evaluate(COMPARE_JS).catch(() => null)) as CompareSeen | null;
    if (r) return r;
  }
  return undefined;
}

/** What the window shows when a wait fails: the tab titles and each webview's compare table, if any. */
async function seen(page: Page): Promise<string> {
  const tabs = await page
    .locator('.tabs-container .tab')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))
    .catch(() => []);
  return `tabs ${JSON.stringify(tabs)}; compare table ${JSON.stringify(await compareView(page))}`;
}

async function waitFor<T>(what: string, shotName: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    const v = await probe();
    if (v !== undefined) return v;
    await wb.page.waitForTimeout(300);
  }
  assert.fail(`${what} within 45 s (${await seen(wb.page)}); see ${await screenshot(wb.page, shotName)}`);
}

const withCards = (id: string) => async (): Promise<DashboardSeen | undefined> => {
  const d = await dashboardOf(wb.page, id);
  return d && Object.keys(d.cards).length > 0 ? d : undefined;
};

const comparing = (ids: string[]) => async (): Promise<CompareSeen | undefined> => {
  const c = await compareView(wb.page);
  return c && ids.every((id) => c.runs.includes(id)) ? c : undefined;
};

const tab = (page: Page, title: string) => page.locator(`.tabs-container .tab[aria-label^="${title}"]`).first();

test('reload: the run dashboard and the compare tab come back with their runs', { timeout: 300_000 }, async () => {
  const page = wb.page;
  // Each CLI run records a pipeline run and its cv cell's CV run: the dashboard shows a CV run, the compare tab the
  // two pipeline runs.
  const runs = runsOnDisk(server.workspaceDir).filter((r) => r.status === 'complete');
  const ofKind = (kind: string) =>
    runs
      .filter((r) => r.kind === kind)
      .map((r) => r.id)
      .sort();
  const ids = ofKind('pipeline');
  const [first] = ofKind('cv');
  assert.ok(
    ids.length === 2 && first,
    `the CLI made other runs than 2 pipeline and 2 cv runs: ${JSON.stringify(runs)}`,
  );

  await showRunsView(page);
  await waitFor('the Runs view does not list both runs', 'journey-reload-panels-no-rows', async () => {
    const shown = (await runRows(page)).map((r) => r.id);
    return [...ids, first].every((id) => shown.includes(id)) ? shown : undefined;
  });
  await runContextMenu(page, first, 'Open dashboard');
  const before = await waitFor(
    `the dashboard of ${first} shows no metric cards`,
    'journey-reload-panels-0',
    withCards(first),
  );
  await runCommand(page, 'Phasebook: Compare runs');
  await waitForQuickPick(page, /^Compare which runs/);
  await page.keyboard.type('pipeline_'); // the two pipeline runs; the user ticks each one, then OK
  await tickQuickPickRows(page, ids);
  const compared = await waitFor('the compare tab does not show both runs', 'journey-reload-panels-0c', comparing(ids));
  await screenshot(page, 'journey-reload-panels-1-before');

  await reloadWindow(page);
  // Both tabs are back by themselves; the compare tab (the active one) shows both runs again.
  const restored = await waitFor(
    'the compare tab did not come back with both runs',
    'journey-reload-panels-2',
    comparing(ids),
  );
  assert.ok(await tab(page, 'Compare 2 runs').count(), 'the compare tab is not back after the reload');
  assert.deepEqual(restored.configKeys, compared.configKeys, 'the restored compare tab shows another config diff');
  await screenshot(page, 'journey-reload-panels-2-compare');

  const dashTab = tab(page, `Run ${first}`);
  assert.ok(await dashTab.count(), `the dashboard tab of ${first} is not back after the reload`);
  await dashTab.click();
  const after = await waitFor(
    `the restored dashboard of ${first} shows no metric cards`,
    'journey-reload-panels-3',
    withCards(first),
  );
  await screenshot(page, 'journey-reload-panels-3-dashboard');
  assert.deepEqual(after.cards, before.cards, `the restored dashboard of ${first} shows other metrics`);
});
