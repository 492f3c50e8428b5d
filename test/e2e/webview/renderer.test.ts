// The notebook output renderer in headless chromium under the extension's strict CSP: charts
// draw their marks, follow the theme and export; the frame grid virtualises, sorts and shows stats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { equityChart, predVsTrueChart } from '../../../core/charts';
import { CHART_MIME, FRAME_MIME } from '../../../core/kernel/mimes';
import { screenshotPath, useWebviewPages, type WatchedPage } from './browser';
import { chartMime, ipc, ipcVectors, seeded } from './fixtures';
import { LargeUtf8, Timestamp, TimeUnit, vectorFromArray } from 'apache-arrow';
import { posted } from './messages';

const pages = useWebviewPages();

async function rendererPage(theme: 'light' | 'dark' = 'light'): Promise<WatchedPage> {
  const w = await pages.open('renderer.html', theme);
  await w.page.waitForFunction(() => (window as unknown as { pbReady?: boolean }).pbReady === true);
  return w;
}

/** Calls the renderer's renderOutputItem with an output item built in the page. */
async function renderOutput(
  page: Page,
  id: string,
  mime: string,
  payload: { json?: unknown; base64?: string; metadata?: unknown },
): Promise<void> {
  await page.evaluate(
    async ({ id, mime, payload }) => {
      const host = document.createElement('div');
      host.id = id;
      document.getElementById('out')!.append(host);
      const bytes =
        payload.base64 !== undefined
          ? Uint8Array.from(atob(payload.base64), (c) => c.charCodeAt(0))
          : new TextEncoder().encode(JSON.stringify(payload.json));
      const item = {
        id,
        mime,
        metadata: payload.metadata ?? {},
        data: () => bytes,
        text: () => new TextDecoder().decode(bytes),
        json: () => JSON.parse(new TextDecoder().decode(bytes)),
      };
      const r = (window as unknown as { pbRenderer: { renderOutputItem(i: unknown, e: HTMLElement): Promise<void> } })
        .pbRenderer;
      await r.renderOutputItem(item, host);
    },
    { id, mime, payload },
  );
}

test(
  'chart mime: equity + drawdown draws lines and ' + 'areas, thinned to the pixel width, themed, ' + 'exportable',
  async () => {
    const { page, problems } = await rendererPage('dark');
    await page.evaluate(() => document.documentElement.style.setProperty('--vscode-editor-foreground', '#abcdef'));
    const n = 60_000;
    const rnd = seeded(11);
    let e = 1;
    const x = Float64Array.from({ length: n }, (_, i) => Date.UTC(2015, 0, 1) + i * 3_600_000);
    const eq = Float64Array.from({ length: n }, () => (e *= 1 + (rnd() - 0.499) * 0.01));
    // The kernel-side builder keeps 2000 points; ask for 20000 so the renderer's own LTTB runs too.
    const chart = equityChart({ x, equity: eq }, 'Equity', 20_000)!;
    await renderOutput(page, 'eq', CHART_MIME, { json: chartMime(chart) });
    await page.waitForSelector('#eq .pb-drawn svg .mark-line path');
    const info = await page.evaluate(() => ({
      lines: document.querySelectorAll('#eq svg .mark-line.role-mark path').length,
      areas: document.querySelectorAll('#eq svg .mark-area.role-mark path').length,
      note: document.querySelector('#eq .pb-chart-note')?.textContent ?? '',
      pathLength: document.querySelector('#eq svg .mark-line path')?.getAttribute('d')?.length ?? 0,
      labelFill: document.querySelector('#eq svg .role-axis-label text')?.getAttribute('fill'),
    }));
    assert.equal(info.lines, 2, 'equity line and the drawdown outline');
    assert.equal(info.areas, 1);
    assert.match(info.note, /equity: 20,000 → \d,?\d{3} points \(LTTB\)/);
    assert.ok(info.pathLength > 1000, 'the line has many vertices');
    assert.equal(info.labelFill, '#abcdef', 'axis labels take the VS Code foreground colour');
    await page.click('#eq .pb-chart-actions >> text=CSV');
    await page.click('#eq .pb-chart-actions >> text=SVG');
    // The renderer also posts `rendererReady` (stale-output dimming, design.md §9.12): only the saves count here.
    await page.waitForFunction(
      () =>
        (window as unknown as { pbPosted: { type?: string }[] }).pbPosted.filter((m) => m.type === 'save').length >= 2,
    );
    const saves = (await posted(page)).filter((m) => m.type === 'save');
    assert.equal(saves[0].type, 'save');
    assert.equal(saves[0].mime, 'text/csv');
    assert.match(String(saves[0].text), /^x,equity,group\r\n\d+,[\d.]+,equity\r\n/);
    assert.match(String(saves[1].text), /^<svg[\s\S]*mark-line/);
    await page.screenshot({ path: screenshotPath('renderer-equity-dark'), fullPage: true });
    assert.deepEqual(problems, []);
  },
);

test(
  'chart mime: a large pred-vs-true becomes a heatmap ' + 'of rects; phase specs with a v5 $schema still draw',
  async () => {
    const { page, problems } = await rendererPage();
    const rnd = seeded(5);
    const yt = Float64Array.from({ length: 50_000 }, () => rnd());
    const yp = Float64Array.from(yt, (v) => v + (rnd() - 0.5) * 0.3);
    const heat = predVsTrueChart(yt, yp)!;
    await renderOutput(page, 'heat', CHART_MIME, { json: chartMime(heat) });
    const v5 = {
      id: 'null-rate',
      title: 'Null rate',
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        data: { name: 't' },
        mark: 'bar',
        encoding: { x: { field: 'c', type: 'nominal' }, y: { field: 'v', type: 'quantitative' } },
      },
      data: { t: Buffer.from(ipc({ c: ['a', 'b', 'c'], v: Float64Array.of(1, 2, 3) })).toString('base64') },
    };
    await renderOutput(page, 'v5', CHART_MIME, { json: v5 });
    await page.waitForSelector('#heat .pb-drawn svg .mark-rect path');
    await page.waitForSelector('#v5 .pb-drawn svg .mark-rect path');
    const counts = await page.evaluate(() => [
      document.querySelectorAll('#heat svg .mark-rect.role-mark path').length,
      document.querySelectorAll('#v5 svg .mark-rect.role-mark path').length,
    ]);
    assert.equal(counts[0], heat.data.pred_true.count.length);
    assert.equal(counts[1], 3);
    await renderOutput(page, 'bad', CHART_MIME, { json: { nope: 1 } });
    assert.match(
      (await page.textContent('#bad')) ?? '',
      /could not show this output: chart output is not \{ spec, data \}/,
    );
    await page.screenshot({ path: screenshotPath('renderer-heatmap'), fullPage: true });
    assert.deepEqual(problems, []);
  },
);

test(
  'frame mime: 200k rows, only visible rows in the DOM, ' + 'sorts both ways with nulls last, stats, dtype badges',
  async () => {
    const { page, problems } = await rendererPage();
    const n = 200_000;
    const rnd = seeded(2);
    const value = Float64Array.from({ length: n }, () => Math.round((rnd() - 0.5) * 2e6) / 100);
    value[123] = -999_999;
    value[4567] = 999_999;
    const symbol = Array.from({ length: n }, (_, i) => (i === 77 ? null : `S${(i * 7919) % 97}`));
    const ts = Float64Array.from({ length: n }, (_, i) => Date.UTC(2020, 0, 1) + i * 60_000);
    // Types as polars writes them: LargeUtf8 text, Datetime(ms, UTC).
    const bytes = ipcVectors({
      row: vectorFromArray(Int32Array.from({ length: n }, (_, i) => i)),
      value: vectorFromArray(value),
      symbol: vectorFromArray(symbol, new LargeUtf8()),
      ts: vectorFromArray(Array.from(ts), new Timestamp(TimeUnit.MILLISECOND, 'UTC')),
    });
    await renderOutput(page, 'grid', FRAME_MIME, {
      base64: Buffer.from(bytes).toString('base64'),
      metadata: { title: 'features', rows: 1_000_000 },
    });
    await page.waitForSelector('#grid .pb-grid-data');
    const bar = await page.textContent('#grid .pb-grid-bar');
    assert.match(bar ?? '', /200,000 rows × 4 columns \(first 200,000 of 1,000,000\)/);
    const badges = await page.$$eval('#grid .pb-grid-head .pb-tag', (els) => els.map((e) => e.textContent));
    assert.deepEqual(badges, ['i32', 'f64', 'str', 'datetime[ms, UTC]']);
    const domRows = await page.$$eval('#grid .pb-grid-data', (els) => els.length);
    assert.ok(domRows < 60, `${domRows} row elements for 200k rows`);
    const firstValue = () =>
      page.$eval('#grid .pb-grid-data:not([hidden]) .pb-grid-cell:nth-child(3)', (e) => e.textContent);
    await page.click('#grid .pb-grid-hcell[data-column="value"]');
    await page.waitForSelector('#grid .pb-grid-hcell[data-column="value"][aria-sort="ascending"]');
    assert.equal(await firstValue(), '-999999');
    await page.click('#grid .pb-grid-hcell[data-column="value"]');
    await page.waitForSelector('#grid .pb-grid-hcell[data-column="value"][aria-sort="descending"]');
    assert.equal(await firstValue(), '999999');
    assert.match((await page.textContent('#grid .pb-grid-sort')) ?? '', /sorted by value ↓/);
    // Text sorts by code units; the null symbol goes last in both directions.
    await page.click('#grid .pb-grid-hcell[data-column="symbol"]');
    await page.waitForSelector('#grid .pb-grid-hcell[data-column="symbol"][aria-sort="ascending"]');
    assert.equal(await page.$eval('#grid .pb-grid-data .pb-grid-cell:nth-child(4)', (e) => e.textContent), 'S0');
    await page.$eval('#grid .pb-grid-scroll', (e) => (e.scrollTop = e.scrollHeight));
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('#grid .pb-grid-data:not([hidden]) .pb-grid-cell:nth-child(4)')).some(
        (c) => c.textContent === 'null',
      ),
    );
    const lastIdx = await page.$$eval('#grid .pb-grid-data:not([hidden]) .pb-grid-index', (els) =>
      els.map((e) => e.textContent),
    );
    assert.ok(lastIdx.includes('77'), 'the null row (original #77) is at the very end');
    // Stats row.
    await page.click('#grid .pb-grid-bar .pb-checkbox');
    await page.waitForSelector('#grid .pb-grid-stats[data-ready]');
    const stats = await page.$$eval('#grid .pb-grid-stats .pb-grid-cell', (els) => els.map((e) => e.textContent ?? ''));
    assert.match(stats[2], /^-999,999 … 999,999\nμ -?[\d.]+ · σ [\d.]+\nmedian /);
    assert.match(stats[3], /^97 distinct\nS\d+ \([\d,]+\)\n[\s\S]*\n1 null$/);
    assert.match(stats[4], /^2020-01-01 …\n2020-05-18 /);
    await page.screenshot({ path: screenshotPath('renderer-grid'), fullPage: true });
    assert.deepEqual(problems, []);
  },
);
