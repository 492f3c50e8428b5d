// Issue 18, items 5, 7 and 9 as a user sees them in the real VS Code: a cv cell with two models reports a table
// per model (per horizon: mean ± sd over folds and the pooled score, every metric) and a table per fold, and
// metrics.db holds every model's metrics for the CV run; the summaries of scale, cv and stack say each fact once
// with paths relative to the workspace, and the validate table shows no policy on passing checks; an edit after
// a run says "stale" on the cell itself (its status bar item).
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { PhasebookApi } from '../../../extension/api';
import { FRAME_MIME } from '../../../extension/kernel/outputs';
import {
  cellNamed,
  describeCell,
  ensureDemoData,
  outputText,
  phaseCells,
  phasebookApi,
  setCellText,
  showNotebook,
  waitFor,
  waitForExecutions,
} from './helpers/phasebook';
import { workspaceRoot } from '../support';

const DIR = 'host-tests/first-hour';
const MODELS = ['ridge', 'logistic'];
const NOTEBOOK = [
  '# %% settings',
  'seed: 7',
  '',
  '# %% load prices',
  'source: prices.csv',
  'timestamp: timestamp',
  'symbol: symbol',
  '',
  '# %% validate',
  'contract: ohlcv',
  'policy: { ohlc: quarantine, duplicates: quarantine, order: quarantine }',
  '',
  '# %% features',
  'returns: close',
  'lags: [1, 2, 3]',
  '',
  '# %% labels',
  'horizon: 5',
  'target: close',
  'threshold: 0',
  '',
  '# %% split',
  'fractions: [0.7, 0.15, 0.15]',
  '',
  '# %% scale',
  'method: robust',
  '',
  '# %% cv',
  `models: [${MODELS.join(', ')}]`,
  'n_splits: 3',
  'pct_embargo: 0.01',
  '',
  '# %% stack',
  '',
].join('\n');

type Row = Record<string, unknown>;

/** The rows of the cell's table output with this title, decoded from the Arrow bytes the renderer draws. */
function tableRows(cell: vscode.NotebookCell, title: RegExp): Row[] {
  const out = cell.outputs.find((o) => title.test(String(o.metadata?.title ?? '')));
  const titles = cell.outputs.map((o) => String(o.metadata?.title ?? '-')).join(' | ');
  assert.ok(out, `no table titled ${title} on the cell (outputs: ${titles})`);
  const item = out.items.find((i) => i.mime === FRAME_MIME);
  assert.ok(item, `the table ${title} has no ${FRAME_MIME} item`);
  return tableFromIPC(item.data)
    .toArray()
    .map((r: { toJSON(): Row }) => r.toJSON());
}

const isNum = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);

suite('the first hour: CV results, quiet summaries, stale on the cell', function () {
  this.timeout(300_000);
  let api: PhasebookApi;
  let nb: vscode.NotebookDocument;

  suiteSetup(async () => {
    api = await phasebookApi();
    ensureDemoData();
    const root = workspaceRoot().fsPath;
    mkdirSync(join(root, DIR), { recursive: true });
    copyFileSync(join(root, 'data', 'demo_ohlcv_1h.csv'), join(root, DIR, 'prices.csv'));
    nb = (await showNotebook(`${DIR}/first.pipeline`, NOTEBOOK)).notebook;
    const cells = await phaseCells(nb);
    const t0 = Date.now();
    await vscode.commands.executeCommand('notebook.execute', nb.uri);
    await waitForExecutions(cells, t0, 280_000);
    for (const c of cells) assert.equal(c.executionSummary?.success, true, describeCell(c));
  });

  test('a cv cell with two models shows a table per model and horizon with every metric, and one per fold', async () => {
    const cv = await cellNamed(nb, 'cv');
    const folds = tableRows(cv, /^Scores per fold/);
    const fixed = new Set(['horizon', 'model', 'fold', 'train_rows', 'test_rows']);
    const metrics = Object.keys(folds[0] ?? {}).filter((k) => !fixed.has(k));
    assert.ok(metrics.length >= 2, `the fold table scores too few metrics: ${metrics.join(', ')}`);
    for (const model of MODELS) {
      const mine = folds.filter((r) => r.model === model);
      assert.deepEqual(
        mine.map((r) => Number(r.fold)),
        [1, 2, 3],
        `folds of ${model}: ${JSON.stringify(mine)}`,
      );
      for (const r of mine) for (const m of metrics) assert.ok(isNum(r[m]), `${model} fold ${String(r.fold)} ${m}`);
    }
    const perModel = tableRows(cv, /^Models per horizon/);
    for (const model of MODELS) {
      for (const metric of metrics) {
        const row = perModel.find((r) => r.model === model && r.metric === metric && Number(r.horizon) === 5);
        assert.ok(row, `no row for h5 ${model} ${metric} in ${JSON.stringify(perModel)}`);
        for (const k of ['fold_mean', 'fold_sd', 'pooled']) assert.ok(isNum(row[k]), `${model} ${metric} ${k}`);
        const scores = folds.filter((r) => r.model === model).map((r) => Number(r[metric]));
        const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
        assert.ok(Math.abs(Number(row.fold_mean) - mean) < 1e-6, `${model} ${metric}: mean over folds ${mean}`);
      }
    }
  });

  test("metrics.db holds every model's metrics for the CV run", async () => {
    const run = api.completedRuns(nb).find((r) => r.cell === 'cv');
    assert.ok(run, `no completed cv run: ${JSON.stringify(api.completedRuns(nb))}`);
    const { metricsDbPath, queryMetrics } = await import('../../../core/orchestrate/metricsDb');
    const root = workspaceRoot().fsPath;
    const db = await waitFor(
      () => [join(root, DIR, 'artifacts'), join(root, 'artifacts')].map(metricsDbPath).find(existsSync),
      30_000,
      'metrics.db',
    );
    const sql = `SELECT model, metric, value FROM metrics WHERE run_id = '${run.id}' AND model IS NOT NULL`;
    const rows = await waitFor(
      async () => {
        const r = await queryMetrics(db, sql);
        return MODELS.every((m) => r.rows.some((row) => row[0] === m)) && r.rows;
      },
      30_000,
      `every model's metrics of ${run.id} in ${db}`,
    );
    for (const model of MODELS) {
      const names = rows.filter((r) => r[0] === model).map((r) => String(r[1]));
      assert.ok(names.includes('h5_roc_auc') || names.some((n) => /^h5_/.test(n)), `${model}: ${names.join(', ')}`);
      assert.ok(
        names.some((n) => n.endsWith('_pooled')),
        `${model} has no pooled score: ${names.join(', ')}`,
      );
    }
  });

  test('scale, cv and stack say each fact once, paths relative to the workspace; validate puts no policy on passes', async () => {
    const root = workspaceRoot().fsPath;
    const texts: Record<string, string> = {};
    for (const name of ['scale', 'cv', 'stack', 'validate']) texts[name] = outputText(await cellNamed(nb, name));
    const count = (text: string, key: string) => text.split('\n').filter((l) => l.trim().startsWith(`${key}:`)).length;
    assert.equal(count(texts.scale!, 'scaler'), 1, texts.scale);
    assert.equal(count(texts.cv!, 'run'), 1, texts.cv);
    assert.equal(count(texts.stack!, 'run'), 1, texts.stack);
    for (const [name, text] of Object.entries(texts)) {
      assert.doesNotMatch(text, /_ci_(low|high)/, `${name} repeats an interval as _ci_low/_ci_high: ${text}`);
      assert.ok(!text.includes(root), `${name} shows an absolute path: ${text}`);
    }
    const checks = tableRows(await cellNamed(nb, 'validate'), /^checks$/);
    const passed = checks.filter((c) => c.status === 'pass');
    assert.ok(passed.length > 0, `no passing check: ${JSON.stringify(checks)}`);
    for (const c of passed) assert.equal(c.policy ?? null, null, `a passing check shows a policy: ${JSON.stringify(c)}`);
  });

  test('an edit after a run says "stale" on the cell and its descendants, and not once it is back', async () => {
    const scale = await cellNamed(nb, 'scale');
    const cv = await cellNamed(nb, 'cv');
    const features = await cellNamed(nb, 'features');
    const stale = async (c: vscode.NotebookCell) => (await api.cellStatusItems(c)).some((t) => /\bstale\b/.test(t));
    assert.equal(await stale(scale), false, `fresh scale says stale: ${(await api.cellStatusItems(scale)).join()}`);
    const ran = scale.document.getText();
    await setCellText(scale, ran.replace('method: robust', 'method: standard'));
    await waitFor(async () => (await stale(scale)) && (await stale(cv)), 15_000, 'scale and cv to say stale');
    assert.equal(await stale(features), false, 'an upstream cell says stale');
    await setCellText(scale, ran);
    await waitFor(async () => !(await stale(scale)) && !(await stale(cv)), 15_000, 'stale to go once back');
  });
});
