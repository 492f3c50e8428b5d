// Issue 18 items 6 and 8, in a real VS Code: after a run, keys that take column names complete the upstream
// cell's columns (with their dtypes); in autorun mode a burst of edits to a cv cell makes one CV run, not one per
// edit, and its run.json says it was made by autorun.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { PhasebookApi } from '../../../extension/api';
import {
  cellNamed,
  describeCell,
  phaseCells,
  phasebookApi,
  setCellText,
  showNotebook,
  TINY_CSV,
  waitFor,
  waitForExecutions,
} from './helpers/phasebook';
import { writeWorkspaceFile } from '../support';

const NOTEBOOK = [
  '# %% settings',
  'audit: warn',
  '',
  '# %% load prices',
  'source: tiny.csv',
  'timestamp: ts',
  'symbol: symbol',
  '',
  '# %% features',
  'returns: close',
  'lags: [1, 2]',
  '',
  '# %% labels',
  'horizon: 2',
  'target: close',
  '',
  '# %% split',
  'fractions: [0.7, 0.15, 0.15]',
  '',
  '# %% cv',
  'models: [ridge]',
  'n_splits: 2',
  '',
].join('\n');

function complete(cell: vscode.NotebookCell, line: number, character: number): Thenable<vscode.CompletionList> {
  return vscode.commands.executeCommand<vscode.CompletionList>(
    'vscode.executeCompletionItemProvider',
    cell.document.uri,
    new vscode.Position(line, character),
  );
}

function lineOf(cell: vscode.NotebookCell, prefix: string): number {
  const i = cell.document
    .getText()
    .split('\n')
    .findIndex((l) => l.startsWith(prefix));
  assert.ok(i >= 0, `no line '${prefix}' in ${cell.document.getText()}`);
  return i;
}

const labelOf = (i: vscode.CompletionItem) => (typeof i.label === 'string' ? i.label : i.label.label);

suite('reactive editor: column names and autorun bursts', function () {
  this.timeout(180_000);
  let api: PhasebookApi;
  let nb: vscode.NotebookDocument;

  suiteSetup(async () => {
    api = await phasebookApi();
    await writeWorkspaceFile('host-tests/reactive/tiny.csv', TINY_CSV);
    nb = (await showNotebook('host-tests/reactive/reactive.pipeline', NOTEBOOK)).notebook;
    const cells = await phaseCells(nb);
    const t0 = Date.now();
    await vscode.commands.executeCommand('notebook.execute', nb.uri);
    await waitForExecutions(cells, t0, 120_000);
    for (const c of cells) assert.equal(c.executionSummary?.success, true, describeCell(c));
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('phasebook.switchToLazy', nb.uri);
  });

  test("after a run, 'target:' completes the upstream cell's column names with their dtypes", async () => {
    const labels = await cellNamed(nb, 'labels');
    const line = lineOf(labels, 'target:');
    const items = (await complete(labels, line, 'target: '.length)).items;
    const names = items.map(labelOf);
    // The features cell's output: the loaded columns and the ones it made.
    for (const c of ['close', 'ret', 'ret_lag_1', 'ret_lag_2', 'symbol'])
      assert.ok(names.includes(c), names.join(', '));
    const close = items.find((i) => labelOf(i) === 'close');
    assert.match(String(close?.detail), /column \(Int64\)/);
    // `lag_columns:` of the features cell takes the load cell's columns (no ret yet).
    const features = await cellNamed(nb, 'features');
    await setCellText(features, 'returns: close\nlags: [1, 2]\nlag_columns: [');
    const lagItems = (await complete(features, 2, 'lag_columns: ['.length)).items.map(labelOf);
    assert.ok(lagItems.includes('close') && !lagItems.includes('ret_lag_1'), lagItems.join(', '));
    await setCellText(features, 'returns: close\nlags: [1, 2]\n');
  });

  test('in autorun mode three quick edits of the cv cell make one CV run, marked autorun in run.json', async () => {
    const cv = await cellNamed(nb, 'cv');
    // The features cell was edited back to what ran: let that settle before counting runs.
    await waitFor(
      () => api.staleCells(nb).length === 0,
      15_000,
      () => `stale: ${api.staleCells(nb).join(', ')}`,
    );
    const root = join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'host-tests', 'reactive');
    const cvRuns = () => api.runs().filter((r) => r.kind === 'cv' && r.dir.startsWith(root));
    const before = new Set(cvRuns().map((r) => r.dir));
    await vscode.commands.executeCommand('phasebook.switchToAutorun', nb.uri);
    const t0 = Date.now();
    // Further apart than the 300 ms edit debounce (each edit reaches the kernel and marks cv stale), closer
    // than the 1500 ms autorun delay.
    for (const embargo of ['0.02', '0.03', '0.04']) {
      await setCellText(cv, `models: [ridge]\nn_splits: 2\npct_embargo: ${embargo}\n`);
      await new Promise((r) => setTimeout(r, 600));
    }
    await waitForExecutions([cv], t0, 120_000);
    assert.equal(cv.executionSummary?.success, true, describeCell(cv));
    const made = await waitFor(
      () => {
        const fresh = cvRuns().filter((r) => !before.has(r.dir));
        return fresh.length ? fresh : undefined;
      },
      20_000,
      'the autorun CV run in the explorer',
    );
    // Time for any extra run a per-edit re-run would have started.
    await new Promise((r) => setTimeout(r, 4000));
    const fresh = cvRuns().filter((r) => !before.has(r.dir));
    assert.equal(fresh.length, 1, `CV runs made by the burst: ${fresh.map((r) => r.id).join(', ')}`);
    const manifest = JSON.parse(readFileSync(join(made[0]!.dir, 'run.json'), 'utf8')) as {
      meta?: { autorun?: boolean };
      config?: { pct_embargo?: number };
    };
    assert.equal(manifest.meta?.autorun, true, JSON.stringify(manifest.meta));
    assert.equal(manifest.config?.pct_embargo, 0.04);
  });
});
