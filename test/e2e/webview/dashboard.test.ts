// The run dashboard and compare webview (dist/webview/dashboard.js) in headless chromium, on the
// exact HTML and CSP the extension serves: it signals ready before any data, draws the run's
// charts, metric cards with CIs and lineage, updates in place, and compare highlights the best run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshotPath, useWebviewPages } from './browser';
import { classifierPredictions, regressionPredictions, runPayload } from './fixtures';
import { postToWebview, posted } from './messages';

const pages = useWebviewPages();

const stacking = runPayload({
  id: 'stacking_h20_20251228_143025_789456_a3f9',
  kind: 'stacking',
  metrics: { test_roc_auc: 0.612, test_roc_auc_ci_low: 0.581, test_roc_auc_ci_high: 0.644, test_brier: 0.241 },
  config: { meta_learner: 'logistic', horizon: 20 },
  lineage: {
    notebook: 'demo.pipeline',
    cell: 'stack',
    featureSetId: '3f2a9c01b7de',
    gitCommit: 'c'.repeat(40),
    seed: 42,
    parentRun: { id: 'cv_20251228_140000_000000_aaaa', dir: '/work/data/stacking/cv_20251228_140000_000000_aaaa' },
  },
  artifacts: [
    {
      path: 'predictions.parquet',
      absPath: '/work/runs/s/predictions.parquet',
      exists: true,
      rows: 3000,
      bytes: 52_000,
      sha256: 'f'.repeat(64),
    },
  ],
  metaWeights: { ridge_pred: 0.8, gbdt_pred: -0.15, svr_pred: 0.3 },
  meta: {
    stack_vs_best_base: {
      metric: 'roc_auc',
      best_base: 'ridge',
      stack: 0.6125,
      best: 0.6236,
      difference: { value: -0.0111, low: -0.0248, high: 0.0045 },
      per_fold: { mean: -0.011, sd: 0.0175 },
      rows: 12782,
    },
    bootstrap: {
      method: 'moving_block',
      block: 20,
      unit: 'bars',
      units: 2564,
      rows: 12782,
      n: 1000,
      alpha: 0.05,
      seed: 42,
    },
    condition_number: 35.8,
    holdout: {
      split: 'test',
      rows: 2856,
      train_rows: 15873,
      metrics: { roc_auc: { value: 0.5183, low: 0.4359, high: 0.5835 } },
      comparison: {
        metric: 'roc_auc',
        bestBase: 'ridge',
        stack: 0.5183,
        best: 0.5196,
        difference: { value: -0.0013, low: -0.0028, high: -0.00009 },
      },
    },
    warnings: ['base predictions ridge_prob_up and logistic_prob_up correlate at 0.99789 (> 0.99)'],
  },
  frames: { predictions: classifierPredictions(3000, 4) },
});

test(
  'dashboard: ready first; metric cards with bootstrap CIs; ROC, calibration and weights draw; lineage links; ' +
    'live update',
  async () => {
    const { page, problems } = await pages.open('dashboard.html', 'dark');
    await page.waitForFunction(() => (window as unknown as { pbPosted: unknown[] }).pbPosted.length > 0);
    assert.deepEqual(await posted(page), [{ type: 'ready' }], 'the webview says ready before any data arrives');
    await postToWebview(page, { type: 'run', run: stacking });
    await page.waitForFunction(() => document.body.dataset.rendered === '1');
    const card = await page.textContent('.pb-card[data-metric="test_roc_auc"]');
    assert.match(card ?? '', /test_roc_auc0\.61295% CI \[0\.581, 0\.644\]/);
    assert.equal(await page.$$eval('.pb-card', (c) => c.length), 2, 'CI bounds are not cards of their own');
    const charts = await page.$$eval('.pb-chart.pb-drawn', (els) => els.map((e) => (e as HTMLElement).dataset.chartId));
    assert.deepEqual(charts, ['stack-meta-weights', 'evaluate-roc', 'evaluate-calibration']);
    assert.equal(
      await page.$$eval('[data-chart-id="stack-meta-weights"] svg .mark-rect.role-mark path', (p) => p.length),
      3,
    );
    assert.equal(await page.$$eval('[data-chart-id="evaluate-roc"] svg .mark-line.role-mark path', (p) => p.length), 2);
    assert.equal(
      await page.$$eval('[data-chart-id="evaluate-calibration"] svg .mark-symbol.role-mark path', (p) => p.length),
      10,
    );
    assert.match(
      (await page.textContent('[data-chart-id="evaluate-roc"] .pb-chart-title')) ?? '',
      /^ROC \(AUC 0\.\d{3}\)$/,
    );
    const stack = (await page.textContent('.pb-section-stacking')) ?? '';
    for (const s of [
      'best base: ridge',
      'stack − best base (pooled)-0.0111  [-0.0248, +0.0045]',
      'stack − best base (per fold)-0.0110 ± 0.0175',
      '12,782',
      'condition number35.8',
      '20-bar blocks over 2,564 bars',
      'correlate at 0.99789',
      'holdout: stack roc_auc (test split, 2,856 rows)0.5183  [0.4359, 0.5835]',
      'holdout: ridge (refitted on 15,873 development rows)0.5196',
      'holdout: stack − best base-0.0013  [-0.0028, -0.0001]',
    ]) {
      assert.ok(stack.includes(s), `stacking section shows ${s}: ${stack}`);
    }
    const lineage = await page.textContent('.pb-section-lineage');
    for (const s of ['demo.pipeline', 'stack', '3f2a9c01b7de', 'c'.repeat(40), '42', 'cv_20251228_140000_000000_aaaa'])
      assert.ok(lineage?.includes(s), `lineage shows ${s}`);
    await page.click('.pb-section-lineage >> text=cv_20251228_140000_000000_aaaa');
    await page.click('.pb-artifacts >> text=predictions.parquet');
    const sent = await posted(page);
    assert.deepEqual(sent.slice(1), [
      { type: 'openRun', dir: '/work/data/stacking/cv_20251228_140000_000000_aaaa' },
      { type: 'openArtifact', path: '/work/runs/s/predictions.parquet' },
    ]);
    await page.screenshot({ path: screenshotPath('dashboard-stacking-dark'), fullPage: true });
    // The watcher saw new files: the host sends the run again; the page updates in place.
    await postToWebview(page, {
      type: 'run',
      run: { ...stacking, metrics: { ...stacking.metrics, test_roc_auc: 0.655 } },
    });
    await page.waitForFunction(() => document.body.dataset.rendered === '2');
    assert.match((await page.textContent('.pb-card[data-metric="test_roc_auc"]')) ?? '', /0\.655/);
    assert.equal(await page.$$eval('.pb-chart', (c) => c.length), 3, 'old charts are replaced, not stacked');
    assert.deepEqual(problems, []);
  },
);

test('dashboard: a CV run shows fold scores per model; a host error is shown as its message', async () => {
  const { page, problems } = await pages.open('dashboard.html');
  const folds = ['ridge', 'gbdt', 'svr'].flatMap((model, m) =>
    [5, 20].flatMap((horizon) =>
      [0, 1, 2, 3, 4].map((fold) => ({ model, horizon, fold, scores: { rmse: 1 + m * 0.1 + fold * 0.01, r2: 0.1 } })),
    ),
  );
  const pooled = { ridge: { 5: { rmse: { value: 1.0193, low: 0.98, high: 1.061 }, r2: { value: 0.1 } } } };
  await postToWebview(page, {
    type: 'run',
    run: runPayload({
      id: 'cv_1',
      kind: 'cv',
      cv: { models: ['ridge', 'gbdt', 'svr'], horizons: [5, 20], folds, pooled },
    }),
  });
  await page.waitForFunction(() => document.body.dataset.rendered === '1');
  // Per fold and pooled side by side, labelled: the CV headline and a stack compare like for like.
  assert.match(
    (await page.textContent('.pb-cv-models tr[data-model="ridge"][data-horizon="5"] td[data-metric="rmse"]')) ?? '',
    /pooled 1\.019\d*\s*\[0\.98\d*, 1\.061\d*\]/,
  );
  assert.doesNotMatch(
    (await page.textContent('.pb-cv-models tr[data-model="gbdt"][data-horizon="5"] td[data-metric="rmse"]')) ?? '',
    /pooled/,
    'a model without a pooled score shows none',
  );
  assert.equal(
    await page.$$eval('[data-chart-id="cv-fold-scores"] svg .mark-symbol.role-mark path', (p) => p.length),
    30,
  );
  assert.match((await page.textContent('[data-chart-id="cv-fold-scores"]')) ?? '', /rmse \(lower is better\)/);
  // Every model per horizon, each metric as mean ± sd over folds (issue 18 item 5): ridge h5 rmse folds 1.00..1.04.
  assert.equal(await page.$$eval('.pb-cv-models tbody tr', (r) => r.length), 6, '3 models x 2 horizons');
  assert.equal(
    (
      await page.textContent('.pb-cv-models tr[data-model="ridge"][data-horizon="5"] td[data-metric="rmse"] div')
    )?.trim(),
    '1.02 ± 0.01414',
  );
  assert.equal(await page.$$eval('.pb-cv-folds tbody tr', (r) => r.length), 30, 'one row per model, horizon and fold');
  await page.screenshot({ path: screenshotPath('dashboard-cv'), fullPage: true });
  await postToWebview(page, { type: 'error', message: "'/x' is not a run folder" });
  await page.waitForSelector('.pb-error');
  assert.equal(await page.textContent('.pb-error'), "'/x' is not a run folder");
  assert.deepEqual(problems, []);
});

test(
  'compare: best per column highlighted (lower rmse, ' +
    'higher r2, drawdown nearest zero), overlays, config ' +
    'diff',
  async () => {
    const { page, problems } = await pages.open('dashboard.html');
    const runs = [
      runPayload({
        id: 'ridge_h20_a',
        metrics: { rmse: 0.52, r2: 0.21, max_drawdown: -0.31, rmse_ci_low: 0.5, rmse_ci_high: 0.55 },
        config: { model: 'ridge', alpha: 1, horizon: 20 },
        frames: { predictions: regressionPredictions(2000, 1, 0.6) },
      }),
      runPayload({
        id: 'gbdt_h20_b',
        metrics: { rmse: 0.47, r2: 0.19, max_drawdown: -0.12 },
        config: { model: 'gbdt', depth: 6, horizon: 20 },
        frames: { predictions: regressionPredictions(2000, 2, 0.4) },
      }),
      runPayload({
        id: 'svr_h20_c',
        metrics: { rmse: 0.55, r2: 0.24, max_drawdown: -0.2 },
        config: { model: 'svr', horizon: 20 },
        frames: { predictions: regressionPredictions(2000, 3, 0.8) },
      }),
    ];
    await postToWebview(page, { type: 'compare', runs });
    await page.waitForFunction(() => document.body.dataset.rendered === '1');
    const best = await page.$$eval('.pb-compare-metrics td.pb-best', (tds) =>
      tds.map((td) => `${(td.closest('tr') as HTMLElement).dataset.runId}:${(td as HTMLElement).dataset.metric}`),
    );
    assert.deepEqual(best.sort(), ['gbdt_h20_b:max_drawdown', 'gbdt_h20_b:rmse', 'svr_h20_c:r2']);
    const charts = await page.$$eval('.pb-chart.pb-drawn', (els) => els.map((e) => (e as HTMLElement).dataset.chartId));
    assert.deepEqual(charts, ['compare-metrics', 'compare-residuals']);
    assert.equal(
      await page.$$eval('[data-chart-id="compare-residuals"] svg .mark-line.role-mark path', (p) => p.length),
      3,
      'one residual curve per run',
    );
    const diff = await page.$$eval('.pb-config-diff tbody tr:not([hidden])', (trs) =>
      trs.map((tr) => tr.firstElementChild!.textContent),
    );
    assert.deepEqual(diff, ['alpha', 'depth', 'model'], 'only differing keys by default');
    await page.click('.pb-section-config-diff .pb-checkbox');
    assert.equal(await page.$$eval('.pb-config-diff tbody tr:not([hidden])', (trs) => trs.length), 4);
    await page.screenshot({ path: screenshotPath('dashboard-compare'), fullPage: true });
    assert.deepEqual(problems, []);
  },
);
