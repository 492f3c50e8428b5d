// The experiments webview (dist/webview/experiments.js) in headless chromium on the extension's HTML
// and CSP: only changed columns by default, CIs on hover, sort, filter, group over seeds with
// mean ± sd, selection actions posted to the host, live upserts, and only a window of rows in the DOM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { ExperimentsToWebview } from '../../../extension/experiments/protocol';
import { screenshotPath, useWebviewPages } from './browser';
import { syntheticExperimentRuns, syntheticRunMetrics } from './experimentRuns';

const pages = useWebviewPages();

async function send(page: Page, m: ExperimentsToWebview): Promise<void> {
  await page.evaluate((msg) => window.postMessage(msg, '*'), m);
}

type Rendered = { type: 'rendered'; rows: number; groups: number; columns: string[]; firstRows: string[] };
const lastRendered = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as { pbPosted: { type: string }[] }).pbPosted.filter((m) => m.type === 'rendered').pop(),
  ) as Promise<Rendered | undefined>;

test(
  'experiments: changed columns, CI tooltips, sort, ' + 'filter, group over seeds, select and compare, live ' + 'runs',
  async () => {
    const { page, problems } = await pages.open('experiments.html');
    await page.waitForFunction(() =>
      (window as unknown as { pbPosted: { type: string }[] }).pbPosted.some((m) => m.type === 'ready'),
    );
    const runs = syntheticExperimentRuns(90);
    await send(page, { type: 'runs', runs, reset: true });
    await page.waitForSelector('.pb-exp-row');
    let r = (await lastRendered(page))!;
    assert.equal(r.rows, 90);
    assert.ok(r.columns.includes('scenario') && r.columns.includes('roc_auc') && r.columns.includes('params.alpha'));
    assert.ok(!r.columns.includes('n_splits'), 'n_splits is 5 in every run: hidden while "only what changed" is on');
    assert.ok(!r.columns.some((c) => c.endsWith('_ci_low')), 'CI bounds are not columns');
    const aucCell = page
      .locator('.pb-exp-row')
      .first()
      .locator('.pb-grid-cell')
      .nth(1 + r.columns.indexOf('roc_auc'));
    assert.match((await aucCell.getAttribute('title')) ?? '', /roc_auc 0\.\d+ \(95% CI 0\.\d+ – 0\.\d+\)/);

    await page.locator('.pb-grid-hcell[data-column="metric:roc_auc"]').click();
    await page.locator('.pb-grid-hcell[data-column="metric:roc_auc"]').click();
    const sortedAuc = runs.map((x) => x.metrics.roc_auc!).sort((a, b) => b - a)[0]!;
    r = (await lastRendered(page))!;
    assert.equal(r.firstRows[0], runs.find((x) => x.metrics.roc_auc === sortedAuc)!.label);

    await page.fill('.pb-exp-filter', 'model=gbdt scenario=ffill');
    await page.waitForFunction(() => document.querySelector('.pb-grid-count')?.textContent?.startsWith('10 of 90'));
    await page.fill('.pb-exp-filter', 'nosuch>1');
    await page.waitForFunction(() => document.querySelector('.pb-exp-unknown')?.textContent === 'no column nosuch');
    await page.fill('.pb-exp-filter', '');

    await page.selectOption('select.pb-dropdown, vscode-dropdown', 'seed').catch(async () => {
      await page.evaluate(() => {
        const d = document.querySelector('.pb-dropdown') as HTMLElement & { value: string };
        d.value = 'seed';
        d.dispatchEvent(new Event('change'));
      });
    });
    await page.waitForSelector('.pb-exp-group');
    r = (await lastRendered(page))!;
    // 90 runs = 3 scenarios x 3 models x 5 seeds x 2: params.alpha differs too, so 9 settings x 4 alphas over seeds.
    assert.ok(r.groups > 1 && r.groups < 90, `${r.groups} groups`);
    assert.match(await page.locator('.pb-exp-group').first().innerText(), /±/);
    await page.screenshot({ path: screenshotPath('experiments-grouped') });

    await page.evaluate(() => {
      const d = document.querySelector('.pb-dropdown') as HTMLElement & { value: string };
      d.value = 'none';
      d.dispatchEvent(new Event('change'));
    });
    await page.locator('.pb-exp-row').nth(0).click();
    await page.locator('.pb-exp-row').nth(1).click();
    await page.getByText('Compare', { exact: true }).click();
    const compare = await page.evaluate(() =>
      (window as unknown as { pbPosted: { type: string; dirs?: string[] }[] }).pbPosted.find(
        (m) => m.type === 'compare',
      ),
    );
    assert.equal(compare?.dirs?.length, 2);

    const landed = syntheticExperimentRuns(91)
      .slice(90)
      .map((x) => ({ ...x, created: '2027-01-01T00:00:00.000Z', label: 'just landed' }));
    await send(page, { type: 'runs', runs: landed, reset: false });
    await page.waitForFunction(() => document.querySelector('.pb-grid-count')?.textContent?.startsWith('91 of 91'));
    await page.screenshot({ path: screenshotPath('experiments-table') });
    assert.deepEqual(problems, []);
    await page.context().close();
  },
);

test('experiments: 10,000 runs draw only the rows in view, and scrolling re-fills them', async () => {
  const { page, problems } = await pages.open('experiments.html', 'dark');
  await send(page, { type: 'runs', runs: syntheticExperimentRuns(10_000), reset: true });
  await page.waitForSelector('.pb-exp-row');
  const domRows = await page.locator('.pb-exp-row').count();
  assert.ok(domRows < 100, `${domRows} row elements for 10,000 runs`);
  await page.evaluate(() => {
    const s = document.querySelector('.pb-grid-scroll')!;
    s.scrollTop = s.scrollHeight / 2;
  });
  await page.waitForFunction(() => {
    const first = document.querySelector('.pb-exp-row .pb-grid-cell:nth-child(2)');
    return first && !/cv_0000[0-4]/.test(first.getAttribute('title') ?? '');
  });
  await page.screenshot({ path: screenshotPath('experiments-10k-dark') });
  assert.deepEqual(problems, []);
  await page.context().close();
});

test(
  "experiments: metrics.db's per-model metrics join the rows, with the CI on hover and mean ± sd over " + 'seeds',
  async () => {
    const { page, problems } = await pages.open('experiments.html');
    const runs = syntheticExperimentRuns(45);
    await send(page, { type: 'runs', runs, reset: true });
    await page.waitForSelector('.pb-exp-row');
    const db = syntheticRunMetrics(runs);
    await send(page, { type: 'metrics', runs: db });
    const head = page.locator('.pb-grid-hcell[data-column="metric:gbdt.h20_roc_auc_pooled"]');
    await head.waitFor();
    const r = (await lastRendered(page))!;
    const col = r.columns.indexOf('gbdt.h20_roc_auc_pooled');
    const newest = runs.reduce((a, b) => (a.created > b.created ? a : b));
    const m = db.find((x) => x.runId === newest.id)!.metrics.find((x) => x.model === 'gbdt' && x.low !== undefined)!;
    const title = await page
      .locator('.pb-exp-row')
      .first()
      .locator('.pb-grid-cell')
      .nth(1 + col)
      .getAttribute('title');
    assert.match(
      title ?? '',
      new RegExp(`^gbdt\\.h20_roc_auc_pooled ${m.value} \\(95% CI ${String(m.low).slice(0, 4)}`),
    );
    await page.evaluate(() => window.postMessage({ type: 'view', groupBy: 'seed' }, '*'));
    await page.waitForSelector('.pb-exp-group');
    const groupCell = page
      .locator('.pb-exp-group')
      .first()
      .locator('.pb-grid-cell')
      .nth(1 + col);
    assert.match(await groupCell.innerText(), /^0\.\d+ ± 0\.\d+$/);
    await page.evaluate(() => {
      const s = document.querySelector('.pb-grid-scroll')!;
      s.scrollLeft = s.scrollWidth;
    });
    await page.screenshot({ path: screenshotPath('experiments-db-metrics-grouped') });
    assert.deepEqual(problems, []);
    await page.context().close();
  },
);

test(
  'experiments: columns hidden and shown, "only what changed" off, group by scenario, open dashboards and train ' +
    'stacking on the selection',
  async () => {
    const { page, problems } = await pages.open('experiments.html');
    const runs = syntheticExperimentRuns(90);
    await send(page, { type: 'runs', runs, reset: true });
    await page.waitForSelector('.pb-exp-row');
    const head = (key: string) => page.locator(`.pb-grid-hcell[data-column="${key}"]`);

    // Columns…: unticking `scenario` hides its column, ticking it shows it again.
    await page.getByText('Columns…', { exact: true }).click();
    const chooser = page.locator('.pb-exp-columns');
    await chooser.getByText('scenario', { exact: true }).click();
    await head('config:scenario').waitFor({ state: 'detached' });
    assert.ok(!(await lastRendered(page))!.columns.includes('scenario'));
    await chooser.getByText('scenario', { exact: true }).click();
    await head('config:scenario').waitFor();
    // "Show only what changed" off: n_splits (5 in every run) appears; the chooser says it is the same everywhere.
    await chooser.getByText('n_splits (same everywhere)', { exact: true }).waitFor();
    await page.getByText('Show only what changed', { exact: true }).click();
    await head('config:n_splits').waitFor();
    await page.getByText('Show only what changed', { exact: true }).click();
    await head('config:n_splits').waitFor({ state: 'detached' });
    await page.getByText('Columns…', { exact: true }).click();

    // Group by scenario: one group per scenario, mean ± sd (sample sd) of roc_auc over its runs.
    await page.locator('.pb-dropdown').click();
    await page.getByText('Group by scenario', { exact: true }).click();
    await page.waitForSelector('.pb-exp-group');
    const r = (await lastRendered(page)) as Rendered & { firstCells: { text: string; title: string }[][] };
    assert.equal(r.groups, 3);
    // Newest first: run 89 (ffill) leads, so its scenario's group is the first row.
    const ffill = runs.filter((x) => x.config.scenario === 'ffill').map((x) => x.metrics.roc_auc!);
    const mean = ffill.reduce((a, b) => a + b, 0) / ffill.length;
    const sd = Math.sqrt(ffill.reduce((a, b) => a + (b - mean) ** 2, 0) / (ffill.length - 1));
    assert.equal(r.firstCells[0]![0]!.text, `scenario=ffill (${ffill.length} runs)`);
    const m = /mean (\S+) ± sd (\S+) over (\d+) runs$/.exec(r.firstCells[0]![r.columns.indexOf('roc_auc')]!.title);
    assert.ok(m, r.firstCells[0]!.map((c) => c.title).join(' | '));
    assert.ok(Math.abs(Number(m[1]) - mean) < 1e-12 && Math.abs(Number(m[2]) - sd) < 1e-12, m[0]);
    assert.equal(Number(m[3]), ffill.length);
    await page.screenshot({ path: screenshotPath('experiments-by-scenario') });
    await page.locator('.pb-dropdown').click();
    await page.getByText('No grouping', { exact: true }).click();
    await page.waitForSelector('.pb-exp-group', { state: 'detached' });

    // One complete CV run selected: Open dashboard and Train stacking post its folder to the host.
    const posted = () =>
      page.evaluate(() =>
        (window as unknown as { pbPosted: { type: string }[] }).pbPosted.filter(
          (x) => x.type === 'openDashboards' || x.type === 'trainStacking',
        ),
      );
    const stack = page.getByText('Train stacking', { exact: true });
    const disabled = async () => (await stack.getAttribute('disabled')) !== null;
    assert.ok(await disabled(), 'nothing selected: no stacking');
    const newest = runs[89]!;
    await page.locator(`.pb-exp-row[data-dir="${newest.dir}"]`).click();
    assert.ok(!(await disabled()), 'one complete CV run: stacking can be trained on it');
    await page.getByText('Open dashboard', { exact: true }).click();
    await stack.click();
    assert.deepEqual(await posted(), [
      { type: 'openDashboards', dirs: [newest.dir] },
      { type: 'trainStacking', dir: newest.dir },
    ]);
    await page.locator(`.pb-exp-row[data-dir="${runs[88]!.dir}"]`).click();
    assert.ok(await disabled(), 'two runs selected: no stacking');
    await page.screenshot({ path: screenshotPath('experiments-selection') });
    // The failed run alone: no stacking either; a double click opens its dashboard.
    await page.locator(`.pb-exp-row[data-dir="${newest.dir}"]`).click();
    await page.locator(`.pb-exp-row[data-dir="${runs[88]!.dir}"]`).click();
    await page.fill('.pb-exp-filter', 'status=failed');
    await page.waitForFunction(() => document.querySelector('.pb-grid-count')?.textContent?.startsWith('1 of 90'));
    const failed = runs.find((x) => x.status === 'failed')!;
    await page.locator(`.pb-exp-row[data-dir="${failed.dir}"]`).click();
    assert.ok(await disabled(), 'a failed run: no stacking');
    await page.locator(`.pb-exp-row[data-dir="${failed.dir}"]`).dblclick();
    assert.deepEqual((await posted()).slice(2), [{ type: 'openDashboards', dirs: [failed.dir] }]);
    assert.deepEqual(problems, []);
    await page.context().close();
  },
);
