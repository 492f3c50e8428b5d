// Time to first chart for a 1M-point series and to first paint of a 1M-row table grid, in headless
// chromium on the bundled notebook renderer (dist/webview/renderer.js) under the extension's CSP.
// The clock starts when the renderer receives the output item (bytes as VS Code hands them over)
// and stops when the chart's SVG / the grid's first rows are in the DOM and painted (next frame).
// Also: sort times at 1M rows and frame times while scrolling. Run: npm run bench:charts
import { LargeUtf8, Table, Timestamp, TimeUnit, tableToIPC, vectorFromArray } from 'apache-arrow';
import { launch, openPage } from '../../test/e2e/webview/browser.ts';
import { startPageServer } from '../../test/e2e/webview/pageServer.ts';

const N = 1_000_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function seeded(seed) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

function seriesPayload() {
  const rnd = seeded(1);
  const x = new Float64Array(N);
  const y = new Float64Array(N);
  let v = 100;
  for (let i = 0; i < N; i++) ((x[i] = Date.UTC(2000, 0, 1) + i * 60_000), (y[i] = v *= 1 + (rnd() - 0.5) * 0.002));
  const ipc = tableToIPC(new Table({ ts: vectorFromArray(x), price: vectorFromArray(y) }), 'stream');
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { name: 'series' },
    mark: 'line',
    width: 800,
    encoding: {
      x: { field: 'ts', type: 'temporal' },
      y: { field: 'price', type: 'quantitative', scale: { zero: false } },
    },
  };
  return JSON.stringify({
    id: 'bench-series',
    title: '1M-point series',
    spec,
    data: { series: Buffer.from(ipc).toString('base64') },
  });
}

function tableBytes() {
  const rnd = seeded(2);
  const ts = Float64Array.from({ length: N }, (_, i) => Date.UTC(2020, 0, 1) + i * 3_600_000);
  const close = Float64Array.from({ length: N }, () => 100 + rnd() * 50);
  const volume = Float64Array.from({ length: N }, () => Math.round(rnd() * 1e6));
  const ret = Float64Array.from({ length: N }, () => (rnd() - 0.5) * 0.02);
  const symbols = Array.from({ length: 500 }, (_, i) => `SYM${i}`);
  const symbol = Array.from({ length: N }, () => symbols[(rnd() * symbols.length) | 0]);
  const split = Array.from({ length: N }, (_, i) => (i < N * 0.7 ? 'train' : i < N * 0.85 ? 'val' : 'test'));
  const table = new Table({
    timestamp: vectorFromArray(ts, new Timestamp(TimeUnit.MILLISECOND, 'UTC')),
    symbol: vectorFromArray(symbol, new LargeUtf8()),
    close: vectorFromArray(close),
    volume: vectorFromArray(volume),
    ret_1: vectorFromArray(ret),
    split: vectorFromArray(split, new LargeUtf8()),
  });
  return tableToIPC(table, 'stream');
}

const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];

const server = await startPageServer();
const browser = await launch();
try {
  const series = seriesPayload();
  const table = Buffer.from(tableBytes()).toString('base64');
  const results = { chart: [], grid: [], sortNumber: [], sortText: [], scrollFrameMs: [] };
  for (let run = 0; run < RUNS; run++) {
    const { page, problems } = await openPage(browser, `${server.origin}/renderer.html`);
    await page.waitForFunction(() => window.pbReady === true);
    // Bytes are in the page before the clock starts (VS Code hands the renderer a Uint8Array).
    await page.evaluate(
      ({ series, table }) => {
        window.benchSeries = new TextEncoder().encode(series);
        window.benchTable = Uint8Array.from(atob(table), (c) => c.charCodeAt(0));
      },
      { series, table },
    );
    const t = await page.evaluate(async () => {
      const nextPaint = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const item = (id, mime, bytes, metadata = {}) => ({
        id,
        mime,
        metadata,
        data: () => bytes,
        text: () => new TextDecoder().decode(bytes),
        json: () => JSON.parse(new TextDecoder().decode(bytes)),
      });
      const out = document.getElementById('out');
      const chartHost = document.createElement('div');
      out.append(chartHost);
      let t0 = performance.now();
      await window.pbRenderer.renderOutputItem(
        item('c', 'application/vnd.phasebook.chart+json', window.benchSeries),
        chartHost,
      );
      if (!chartHost.querySelector('svg .mark-line path')) throw new Error('no line drawn');
      await nextPaint();
      const chart = performance.now() - t0;
      const note = chartHost.querySelector('.pb-chart-note')?.textContent;
      const gridHost = document.createElement('div');
      out.append(gridHost);
      t0 = performance.now();
      await window.pbRenderer.renderOutputItem(
        item('g', 'application/vnd.phasebook.frame+arrow', window.benchTable, { title: 'bars', rows: 1000000 }),
        gridHost,
      );
      await nextPaint();
      const grid = performance.now() - t0;
      const domRows = gridHost.querySelectorAll('.pb-grid-data').length;
      const sortBy = async (name) => {
        const h = gridHost.querySelector(`.pb-grid-hcell[data-column="${name}"]`);
        const s0 = performance.now();
        h.click();
        while (h.getAttribute('aria-sort') !== 'ascending') await new Promise((r) => setTimeout(r, 1));
        await nextPaint();
        return performance.now() - s0;
      };
      const sortNumber = await sortBy('close');
      const sortText = await sortBy('symbol');
      const scroller = gridHost.querySelector('.pb-grid-scroll');
      const frames = [];
      let last = performance.now();
      for (let i = 0; i < 60; i++) {
        scroller.scrollTop = (i / 60) * scroller.scrollHeight;
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        frames.push(now - last);
        last = now;
      }
      return {
        chart,
        note,
        grid,
        domRows,
        sortNumber,
        sortText,
        scrollFrameMs: frames.reduce((a, b) => a + b, 0) / frames.length,
      };
    });
    if (problems.length) throw new Error(problems.join('\n'));
    for (const k of Object.keys(results)) results[k].push(t[k]);
    console.log(
      `run ${run + 1}: chart ${t.chart.toFixed(0)} ms (${t.note}); grid ${t.grid.toFixed(0)} ms ` +
        `(${t.domRows} row elements); sort f64 ${t.sortNumber.toFixed(0)} ms, str ${t.sortText.toFixed(0)} ms; ` +
        `scroll ${t.scrollFrameMs.toFixed(1)} ms/frame`,
    );
    await page.context().close();
  }
  const summary = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Math.round(median(v) * 10) / 10]));
  console.log(`\nmedian of ${RUNS} (1,000,000 points / rows, headless chromium, renderer bundle):`);
  console.log(`  time to first chart, 1M-point line series: ${summary.chart} ms`);
  console.log(`  time to first grid paint, 1M rows x 6 columns: ${summary.grid} ms`);
  console.log(
    `  sort 1M rows by a f64 column: ${summary.sortNumber} ms; by a text column (500 values): ${summary.sortText} ms`,
  );
  console.log(`  scrolling: ${summary.scrollFrameMs} ms per frame (60 jumps across the table)`);
  console.log(JSON.stringify({ bench: 'charts', rows: N, ...summary }));
} finally {
  await browser.close();
  await server.close();
}
