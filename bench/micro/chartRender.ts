/**
 * Arrow encode + chart render for a long series, along the path a chart takes in Phasebook:
 *  1. encode — the kernel turns the polars frame into Arrow IPC bytes (core/kernel/encode.ts);
 *  2. decode — the webview reads the bytes into columns (webview/chart/arrowData.ts);
 *  3. prepare — LTTB thins the series to ~2 points per pixel (webview/chart/prepare.ts);
 *  4. render — vega-lite compiles the spec and a vega View renders it (headless, to SVG: the
 *     webview draws to canvas/SVG in the browser; this is the same dataflow without a window).
 *
 * Usage: node dist/bench-chart.js [--points 1000000] [--repeat 3]
 */
import pl from 'nodejs-polars';
import { frameToIpc } from '../../core/kernel/encode';
import { ipcToColumns } from '../../webview/chart/arrowData';
import { prepareChart } from '../../webview/chart/prepare';
import { emitResult, numberFlag, runMain } from '../lib/args';
import { quantile } from '../lib/process';

type VegaLite = typeof import('vega-lite');
type Vega = typeof import('vega');

// vega and vega-lite are ES modules with top-level await: load them as such, outside the bundle.
const importEsm = new Function('m', 'return import(m)') as <T>(m: string) => Promise<T>;

function series(points: number): pl.DataFrame {
  const t = new Float64Array(points);
  const v = new Float64Array(points);
  let x = 100;
  let s = 12345;
  for (let i = 0; i < points; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x += (s / 4294967296 - 0.5) * 0.5;
    t[i] = Date.UTC(2020, 0, 1) + i * 60_000;
    v[i] = x;
  }
  return pl.DataFrame({
    timestamp: pl.Series('timestamp', t).cast(pl.Int64).cast(pl.Datetime('ms', 'UTC')),
    equity: v,
  });
}

const SPEC = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  data: { name: 'equity' },
  width: 800,
  height: 300,
  mark: 'line',
  encoding: {
    x: { field: 'timestamp', type: 'temporal' },
    y: { field: 'equity', type: 'quantitative', scale: { zero: false } },
  },
};

runMain('bench-chart', async () => {
  const points = numberFlag('points', 1_000_000);
  const repeat = numberFlag('repeat', 3);
  const [vl, vega] = await Promise.all([importEsm<VegaLite>('vega-lite'), importEsm<Vega>('vega')]);
  const frame = series(points);
  const rounds: {
    encodeMs: number;
    decodeMs: number;
    prepareMs: number;
    renderMs: number;
    totalMs: number;
    bytes: number;
    drawn: number;
  }[] = [];
  for (let r = 0; r < repeat; r++) {
    const t0 = performance.now();
    const ipc = frameToIpc(frame);
    const t1 = performance.now();
    const cols = ipcToColumns(ipc);
    const t2 = performance.now();
    const prepared = prepareChart(SPEC, { equity: cols }, 800);
    const t3 = performance.now();
    const compiled = vl.compile(prepared.spec as never).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
    await view.runAsync();
    const svg = await view.toSVG();
    view.finalize();
    const t4 = performance.now();
    if (!svg.includes('<path')) throw new Error('the chart rendered no line');
    rounds.push({
      encodeMs: t1 - t0,
      decodeMs: t2 - t1,
      prepareMs: t3 - t2,
      renderMs: t4 - t3,
      totalMs: t4 - t0,
      bytes: ipc.byteLength,
      drawn: prepared.datasets.equity?.length ?? 0,
    });
  }
  const med = (k: keyof (typeof rounds)[number]) =>
    quantile(
      rounds.map((x) => x[k]),
      0.5,
    );
  emitResult({
    points,
    drawnPoints: rounds[0].drawn,
    ipcBytes: rounds[0].bytes,
    samples: rounds.length,
    encodeMs: med('encodeMs'),
    decodeMs: med('decodeMs'),
    prepareMs: med('prepareMs'),
    renderMs: med('renderMs'),
    totalMs: med('totalMs'),
    firstTotalMs: rounds[0].totalMs,
  });
});
