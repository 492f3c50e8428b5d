// Issue 18 items 6 and 8, in a real VS Code: after a run, keys that take column names complete the upstream
// cell's columns (with their dtypes) and an unknown one is a diagnostic with a "did you mean" Quick Fix; in autorun
// mode a burst of edits to a cv cell makes one CV run, not one per edit, and its run.json says it was made by autorun.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { PhasebookApi } from '../../../extension/api';
import {
  cellNamed,
  describeCell,
  outputMimes,
  phaseCells,
  phasebookApi,
  setCellText,
  showNotebook,
  TINY_CSV,
  waitFor,
  waitForExecutions,
} from './helpers/phasebook';
import { writeWorkspaceFile } from '../support';
import { CHART_MIME } from '../../../core/kernel/mimes';

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

/** The cell in view: the workbench makes a cell's text model (which code actions need) once it is shown. */
function reveal(cell: vscode.NotebookCell): void {
  const editor = vscode.window.visibleNotebookEditors.find((e) => e.notebook === cell.notebook);
  assert.ok(editor, 'the notebook is not in a visible editor');
  editor.revealRange(new vscode.NotebookRange(cell.index, cell.index + 1), vscode.NotebookEditorRevealType.AtTop);
}

/** The Quick Fixes at a range, asked until the workbench has the cell's text model ("Illegal argument" before). */
function quickFixes(cell: vscode.NotebookCell, range: vscode.Range): Promise<vscode.CodeAction[]> {
  reveal(cell);
  let last = '';
  return waitFor(
    () =>
      Promise.resolve(
        vscode.commands.executeCommand<vscode.CodeAction[]>(
          'vscode.executeCodeActionProvider',
          cell.document.uri,
          range,
          vscode.CodeActionKind.QuickFix.value,
        ),
      ).catch((e: Error) => void (last = e.message)),
    10_000,
    () => `the Quick Fixes of cell ${cell.index} (last error: ${last})`,
  );
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

  test('an unknown column is a warning before running, at the name; its Quick Fix puts the near one', async () => {
    const labels = await cellNamed(nb, 'labels');
    await setCellText(labels, 'horizon: 2\ntarget: clsoe\n');
    const d = await waitFor(
      () => api.diagnostics(labels).find((x) => /unknown column 'clsoe'/.test(x.message)),
      10_000,
      () =>
        `a diagnostic on 'clsoe' (have: ${api
          .diagnostics(labels)
          .map((x) => x.message)
          .join(' | ')})`,
    );
    assert.match(d.message, /did you mean 'close'\?/);
    assert.match(d.message, /'features'/);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(labels.document.getText(d.range), 'clsoe');
    const actions = await quickFixes(labels, d.range);
    const fix = actions.find((a) => a.title === "Change to 'close'");
    assert.ok(fix?.edit, `no Quick Fix (actions: ${actions.map((a) => a.title).join(', ')})`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(labels.document.getText(), 'horizon: 2\ntarget: close\n');
    await waitFor(() => api.diagnostics(labels).length === 0, 10_000, 'the diagnostic to clear');
    // A column the cell makes itself before reading the key (the return column `ret`) is not unknown.
    const features = await cellNamed(nb, 'features');
    await setCellText(features, 'returns: close\nlags: [1, 2]\nlag_columns: [ret, clsoe]\n');
    await waitFor(
      () => api.diagnostics(features).some((x) => /unknown column 'clsoe'/.test(x.message)),
      10_000,
      "the diagnostic on 'clsoe' in lag_columns",
    );
    const unknown = api.diagnostics(features).filter((x) => /unknown column/.test(x.message));
    assert.deepEqual(
      unknown.map((x) => features.document.getText(x.range)),
      ['clsoe'],
      unknown.map((x) => x.message).join(' | '),
    );
    await setCellText(features, 'returns: close\nlags: [1, 2]\n');
  });

  test('no column diagnostic while the upstream cell changed since it ran (its columns are not known)', async () => {
    const features = await cellNamed(nb, 'features');
    const labels = await cellNamed(nb, 'labels');
    await setCellText(features, 'returns: close\nlags: [1, 2, 3]\n');
    await waitFor(
      () => api.staleCells(nb).includes('features'),
      15_000,
      () => `features stale: ${api.staleCells(nb)}`,
    );
    // The unknown key proves the diagnostics were computed for this text.
    await setCellText(labels, 'horizon: 2\ntarget: clsoe\nhorizn: 3\n');
    await waitFor(
      () => api.diagnostics(labels).some((x) => /unknown key 'horizn'/.test(x.message)),
      10_000,
      'the unknown-key diagnostic',
    );
    const messages = api.diagnostics(labels).map((x) => x.message);
    assert.ok(!messages.some((m) => /unknown column/.test(m)), messages.join(' | '));
    await setCellText(labels, 'horizon: 2\ntarget: close\n');
    await setCellText(features, 'returns: close\nlags: [1, 2]\n');
  });

  test("a stale cell's charts are dimmed by the renderer, and no longer once it is back to what ran", async () => {
    const features = await cellNamed(nb, 'features');
    // Its outputs are drawn (the renderer starts) once the cell is in view.
    reveal(features);
    assert.ok(outputMimes(features).includes(CHART_MIME), outputMimes(features).join(', '));
    await setCellText(features, 'returns: close\nlags: [1, 2, 3]\n');
    await waitFor(
      () => api.dimmedCells(nb).includes('features'),
      20_000,
      () => `features dimmed (stale: ${api.staleCells(nb).join(', ')}; dimmed: ${api.dimmedCells(nb).join(', ')})`,
    );
    await setCellText(features, 'returns: close\nlags: [1, 2]\n');
    await waitFor(
      () => !api.dimmedCells(nb).includes('features'),
      20_000,
      () => `features no longer dimmed (stale: ${api.staleCells(nb).join(', ')}; dimmed: ${api.dimmedCells(nb)})`,
    );
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
