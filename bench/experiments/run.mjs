// First paint and scrolling of the "Phasebook: Experiments" table at 10,000 runs, in headless
// chromium (playwright-core, as the e2e harness does) on the bundled webview (dist/webview/experiments.js)
// under the extension's HTML and CSP. The runs go through the host's real path (run.json manifest ->
// summarizeManifest -> experimentRun), followed by metrics.db's metrics of every run (the kernel's
// `runMetrics` reply: three models' h20 scores with CIs each) as the panel sends them. The clock starts
// when the host's `runs` message is posted (structured clone included) and stops at the next painted
// frame after the first rows and the per-model metric columns are in the DOM. Then: re-sort by a metric, group over seeds, and 60 scroll jumps. Run: npm run bench:experiments
import { launch, openPage } from '../../test/e2e/webview/browser.ts';
import { startPageServer } from '../../test/e2e/webview/pageServer.ts';
import { syntheticExperimentRuns, syntheticRunMetrics } from '../../test/e2e/webview/experimentRuns.ts';

const N = Number(process.env.BENCH_EXPERIMENTS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];

const runs = syntheticExperimentRuns(N);
const dbMetrics = process.env.BENCH_NO_DB_METRICS ? undefined : syntheticRunMetrics(runs);
const server = await startPageServer();
const browser = await launch();
try {
  const results = { firstPaint: [], sort: [], group: [], scrollFrameMs: [], domRows: [] };
  for (let run = 0; run < RUNS; run++) {
    const { page, problems } = await openPage(browser, `${server.origin}/experiments.html`);
    await page.waitForFunction(() => window.pbPosted.some((m) => m.type === 'ready'));
    await page.evaluate(([r, m]) => ((window.benchRuns = r), (window.benchMetrics = m)), [runs, dbMetrics]);
    const t = await page.evaluate(async () => {
      const nextPaint = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const rendered = () => window.pbPosted.filter((m) => m.type === 'rendered').length;
      const until = async (f) => {
        while (!f()) await new Promise((r) => setTimeout(r, 1));
      };
      let t0 = performance.now();
      window.postMessage({ type: 'runs', runs: window.benchRuns, reset: true }, '*');
      if (window.benchMetrics) window.postMessage({ type: 'metrics', runs: window.benchMetrics }, '*');
      const metricHead = '.pb-grid-hcell[data-column="metric:ridge.h20_roc_auc"]';
      await until(
        () => document.querySelector('.pb-exp-row') && (!window.benchMetrics || document.querySelector(metricHead)),
      );
      await nextPaint();
      const firstPaint = performance.now() - t0;
      const domRows = document.querySelectorAll('.pb-exp-row').length;
      let before = rendered();
      t0 = performance.now();
      document.querySelector('.pb-grid-hcell[data-column="metric:roc_auc"]').click();
      await until(() => rendered() > before);
      await nextPaint();
      const sort = performance.now() - t0;
      before = rendered();
      const d = document.querySelector('.pb-dropdown');
      t0 = performance.now();
      d.value = 'seed';
      d.dispatchEvent(new Event('change'));
      await until(() => rendered() > before && document.querySelector('.pb-exp-group'));
      await nextPaint();
      const group = performance.now() - t0;
      const scroller = document.querySelector('.pb-grid-scroll');
      const frames = [];
      let last = performance.now();
      for (let i = 0; i < 60; i++) {
        scroller.scrollTop = (i / 60) * scroller.scrollHeight;
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        frames.push(now - last);
        last = now;
      }
      return { firstPaint, domRows, sort, group, scrollFrameMs: frames.reduce((a, b) => a + b, 0) / frames.length };
    });
    if (problems.length) throw new Error(problems.join('\n'));
    for (const k of Object.keys(results)) results[k].push(t[k]);
    console.log(
      `run ${run + 1}: first paint ${t.firstPaint.toFixed(0)} ms (${t.domRows} row elements); sort ` +
        `${t.sort.toFixed(0)} ms; group over seeds ${t.group.toFixed(0)} ms; scroll ` +
        `${t.scrollFrameMs.toFixed(1)} ms/frame`,
    );
    await page.context().close();
  }
  const summary = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Math.round(median(v) * 10) / 10]));
  const db = dbMetrics ? ' with metrics.db metrics' : '';
  console.log(`\nmedian of ${RUNS} (${N.toLocaleString('en-US')} runs${db}, headless chromium, experiments bundle):`);
  console.log(`  first paint: ${summary.firstPaint} ms (${summary.domRows} row elements in the DOM)`);
  console.log(`  sort by a metric: ${summary.sort} ms; group over seeds (mean ± sd): ${summary.group} ms`);
  console.log(`  scrolling: ${summary.scrollFrameMs} ms per frame (60 jumps across the table)`);
  console.log(JSON.stringify({ bench: 'experiments', runs: N, dbMetrics: !!dbMetrics, ...summary }));
} finally {
  await browser.close();
  await server.close();
}
