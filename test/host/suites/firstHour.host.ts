// Issue 18, items 5, 7 and 9 as a user sees them in the real VS Code, on one notebook run once (load, validate,
// features, labels, split, scale, cv with two models, stack). Item 5: the cv cell reports a table per model (per
// horizon: mean ± sd over folds and the pooled score, every metric) and a table per fold; metrics.db holds every
// model's metrics of that CV run, and a stacking run trained from the cv cell's CodeLens is recorded there too.
// Item 9 (what staleStates.host.ts does not check already): the stack's summary says its run once, no summary
// repeats an interval as `_ci_low`/`_ci_high`, and the validate table puts no policy on passing checks. Item 7:
// an edit after a run says "stale" on the cell itself (its status-bar item), and on its descendants.
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { metricsDbPath, queryMetrics } from '../../../core/orchestrate/metricsDb';
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
  trainStackingWithFirstChoices,
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

/** The fold table's columns that are not scores. */
const FOLD_COLUMNS = new Set(['horizon', 'model', 'fold', 'train_rows', 'test_rows']);

/** The CodeLenses VS Code shows on the cell, once its editor is in view (as a user scrolling to it would). */
async function lensesOn(nb: vscode.NotebookDocument, cell: vscode.NotebookCell): Promise<vscode.CodeLens[]> {
  const editor = await vscode.window.showNotebookDocument(nb);
  editor.revealRange(new vscode.NotebookRange(cell.index, cell.index + 1), vscode.NotebookEditorRevealType.InCenter);
  editor.selections = [new vscode.NotebookRange(cell.index, cell.index + 1)];
  return waitFor(
    async () => {
      try {
        const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
          'vscode.executeCodeLensProvider',
          cell.document.uri,
        );
        return lenses.length > 0 && lenses;
      } catch {
        return undefined;
      }
    },
    15_000,
    'the CodeLenses of the cv cell',
  );
}

suite('the first hour: CV results, runs in metrics.db, quiet summaries, stale on the cell', function () {
  this.timeout(300_000);
  let api: PhasebookApi;
  let nb: vscode.NotebookDocument;
  /** The notebook's metrics.db: its artifacts root is beside the notebook. */
  const db = () => metricsDbPath(join(workspaceRoot().fsPath, DIR, 'artifacts'));

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

  test('the cv cell shows a table per model and horizon with every metric, and one per fold', async () => {
    const cv = await cellNamed(nb, 'cv');
    const folds = tableRows(cv, /^Scores per fold/);
    const metrics = Object.keys(folds[0] ?? {}).filter((k) => !FOLD_COLUMNS.has(k));
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

  test("metrics.db holds every model's metrics of the CV run, as the cv cell's table shows them", async () => {
    const run = api.completedRuns(nb).find((r) => r.cell === 'cv');
    assert.ok(run, `no completed cv run: ${JSON.stringify(api.completedRuns(nb))}`);
    // The engine records the execution after its cells are done (the notebook goes idle first): wait for it.
    const sql = `SELECT model, metric, value FROM metrics WHERE run_id = '${run.id}'`;
    const got = await waitFor(
      async () => {
        const rows = existsSync(db()) ? (await queryMetrics(db(), sql)).rows : [];
        return rows.length > 0 && rows;
      },
      30_000,
      () => `the CV run ${run.id} in ${db()}`,
    );
    const perModel = tableRows(await cellNamed(nb, 'cv'), /^Models per horizon/);
    for (const model of MODELS) {
      const mine = got.filter((r) => r[0] === model);
      const shown = perModel.filter((r) => r.model === model && Number(r.horizon) === 5);
      assert.ok(shown.length >= 2, `the table shows few metrics of ${model}: ${JSON.stringify(shown)}`);
      for (const row of shown) {
        const name = `h5_${String(row.metric)}`;
        const mean = mine.find((r) => r[1] === name);
        assert.ok(mean, `${model}: no ${name} in metrics.db (${mine.map((r) => String(r[1])).join(', ')})`);
        assert.ok(Math.abs(Number(mean[2]) - Number(row.fold_mean)) < 1e-9, `${model} ${name}: ${String(mean[2])}`);
        const pooled = mine.find((r) => r[1] === `${name}_pooled`);
        assert.ok(pooled, `${model}: no ${name}_pooled in metrics.db`);
        assert.ok(Math.abs(Number(pooled[2]) - Number(row.pooled)) < 1e-9, `${model} ${name}_pooled`);
      }
    }
  });

  test('a stacking run trained from the CodeLens of the cv cell is recorded in metrics.db too', async () => {
    const cv = await cellNamed(nb, 'cv');
    const lens = (await lensesOn(nb, cv)).find((l) => l.command?.title.includes('Train stacking on this run'));
    assert.ok(lens?.command, 'no "Train stacking on this run" CodeLens on the cv cell');
    const before = new Set(api.runs().map((r) => r.dir));
    const { command, arguments: args = [] } = lens.command;
    const stacking = await trainStackingWithFirstChoices(
      vscode.commands.executeCommand(command, ...(args as unknown[])),
      before,
      'the stacking run trained from the CodeLens',
    );
    const got = await waitFor(
      async () => {
        const r = await queryMetrics(
          db(),
          `SELECT e.executor, m.cell, m.model, m.metric, m.ci_low FROM metrics m JOIN executions e ` +
            `USING (execution_id) WHERE m.run_id = '${stacking.id}'`,
        );
        return r.rows.length > 0 && r.rows;
      },
      10_000,
      `the CodeLens run ${stacking.id} in ${db()}`,
    );
    assert.ok(
      got.every((r) => r[0] === 'codelens' && r[1] === 'train-stacking'),
      `recorded as: ${JSON.stringify(got)}`,
    );
    const own = got.filter((r) => r[2] === null);
    assert.ok(
      own.some((r) => r[3] === 'roc_auc' && isNum(r[4])),
      `the meta-learner's roc_auc with its interval: ${JSON.stringify(own)}`,
    );
    for (const model of MODELS)
      assert.ok(
        got.some((r) => r[2] === model),
        `no metrics of base model ${model}`,
      );
    await vscode.window.showNotebookDocument(nb);
  });

  test('the stack says its run once, no summary repeats an interval, validate puts no policy on passes', async () => {
    const root = workspaceRoot().fsPath;
    const texts: Record<string, string> = {};
    for (const name of ['cv', 'stack', 'validate']) texts[name] = outputText(await cellNamed(nb, name));
    const stack = texts.stack!;
    assert.equal(stack.split('\n').filter((l) => /^ {2}run:/.test(l)).length, 1, stack);
    assert.match(stack, /^ {2}run: \S+ \(stacking\) host-tests\/first-hour\/\S+$/m, stack);
    for (const [name, text] of Object.entries(texts)) {
      assert.doesNotMatch(text, /_ci_(low|high)/, `${name} repeats an interval as _ci_low/_ci_high: ${text}`);
      assert.ok(!text.includes(root), `${name} shows an absolute path: ${text}`);
    }
    const checks = tableRows(await cellNamed(nb, 'validate'), /^checks$/);
    const passed = checks.filter((c) => c.status === 'pass');
    assert.ok(passed.length > 0, `no passing check: ${JSON.stringify(checks)}`);
    for (const c of passed)
      assert.equal(c.policy ?? null, null, `a passing check shows a policy: ${JSON.stringify(c)}`);
    assert.ok(
      checks.some((c) => c.status !== 'pass' && c.policy === 'quarantine'),
      `a failing check names its policy: ${JSON.stringify(checks)}`,
    );
  });

  test('an edit after a run says "stale" on the cell and its descendants, and not once it is back', async () => {
    const scale = await cellNamed(nb, 'scale');
    const cv = await cellNamed(nb, 'cv');
    const features = await cellNamed(nb, 'features');
    const items = async (c: vscode.NotebookCell) => (await api.cellStatusItems(c)).join(' | ');
    const stale = async (c: vscode.NotebookCell) => (await api.cellStatusItems(c)).some((t) => /\bstale\b/.test(t));
    assert.equal(await stale(scale), false, `scale says stale before any edit: ${await items(scale)}`);
    const ran = scale.document.getText();
    await setCellText(scale, ran.replace('method: robust', 'method: standard'));
    await waitFor(async () => (await stale(scale)) && (await stale(cv)), 15_000, 'scale and cv to say stale');
    assert.equal(await stale(features), false, `the upstream features says stale: ${await items(features)}`);
    await setCellText(scale, ran);
    await waitFor(async () => !(await stale(scale)) && !(await stale(cv)), 15_000, '"stale" to go once back');
  });
});
