// Issue 18 item 7: stale and cached states are hard to misread. A cache hit says when the result
// was computed and how long it took; a result restored on reopen carries no "0.0s" timer; the
// stacking CodeLens on a stale cv cell says its run predates the edit.
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { PhasebookApi } from '../../../extension/api';
import {
  cellNamed,
  describeCell,
  outputText,
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
  'threshold: 0',
  '',
  '# %% split',
  'fractions: [0.7, 0.15, 0.15]',
  '',
  '# %% scale',
  'method: robust',
  '',
  '# %% cv',
  'models: [ridge]',
  'n_splits: 2',
  '',
].join('\n');

async function lensTitles(nb: vscode.NotebookDocument, cell: vscode.NotebookCell): Promise<string[]> {
  const editor = await vscode.window.showNotebookDocument(nb);
  editor.revealRange(new vscode.NotebookRange(cell.index, cell.index + 1), vscode.NotebookEditorRevealType.InCenter);
  editor.selections = [new vscode.NotebookRange(cell.index, cell.index + 1)];
  const lenses = await waitFor(
    async () => {
      try {
        return await vscode.commands.executeCommand<vscode.CodeLens[]>(
          'vscode.executeCodeLensProvider',
          cell.document.uri,
        );
      } catch {
        return undefined;
      }
    },
    15_000,
    'the cv cell editor',
  );
  return lenses.map((l) => l.command?.title ?? '');
}

suite('stale and cached states', function () {
  this.timeout(180_000);
  let api: PhasebookApi;
  let nb: vscode.NotebookDocument;

  suiteSetup(async () => {
    api = await phasebookApi();
    await writeWorkspaceFile('host-tests/states/tiny.csv', TINY_CSV);
    nb = (await showNotebook('host-tests/states/states.pipeline', NOTEBOOK)).notebook;
    const cells = await phaseCells(nb);
    const t0 = Date.now();
    await vscode.commands.executeCommand('notebook.execute', nb.uri);
    await waitForExecutions(cells, t0, 120_000);
    for (const c of cells) assert.equal(c.executionSummary?.success, true, describeCell(c));
  });

  test('summaries say each fact once, with paths relative to the workspace', async () => {
    const scale = outputText(await cellNamed(nb, 'scale'));
    assert.equal(scale.split('\n').filter((l) => /^ {2}scaler:/.test(l)).length, 1, scale);
    assert.match(scale, /^ {2}scaler: host-tests\/states\/artifacts\/scaler_\w+\.json$/m, scale);
    const cv = outputText(await cellNamed(nb, 'cv'));
    assert.equal(cv.split('\n').filter((l) => /^ {2}run:/.test(l)).length, 1, cv);
    assert.match(cv, /^ {2}run: \S+ \(cv\) host-tests\/states\/\S+$/m, cv);
    const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    for (const text of [scale, cv]) assert.ok(!text.includes(root), `an absolute path: ${text}`);
  });

  test('the stacking CodeLens on a stale cv cell says the run predates the edit', async () => {
    const cv = await cellNamed(nb, 'cv');
    const fresh = await lensTitles(nb, cv);
    assert.ok(
      fresh.some((t) => t.includes('Train stacking on this run') && !t.includes('stale')),
      `lenses: ${fresh.join(' | ')}`,
    );
    await setCellText(cv, cv.document.getText().replace('n_splits: 2', 'n_splits: 3'));
    await waitFor(() => api.staleCells(nb).includes('cv'), 10_000, 'cv to be stale');
    const stale = await waitFor(
      async () => {
        const titles = await lensTitles(nb, cv);
        return titles.some((t) => /stale: \S+ predates your edit/.test(t)) && titles;
      },
      10_000,
      'the lens to say the run is stale',
    );
    assert.ok(stale.length === 1, `one lens, not the old run offered twice: ${stale.join(' | ')}`);
  });

  test('a result restored from the cache on reopen says "cached (ran … on …)" and shows no timer', async () => {
    // The text that ran (the lens test edited the cv cell since; an autosave may have written it).
    const copy = (await showNotebook('host-tests/states/states-reopened.pipeline', NOTEBOOK)).notebook;
    const cells = await phaseCells(copy);
    await waitFor(() => cells.every((c) => c.outputs.length > 0) && cells, 60_000, 'restored outputs');
    for (const c of cells) {
      assert.match(
        outputText(c).split('\n')[0]!,
        /· cached \(ran [\d.]+ (ms|s|min \d+ s) on \d{4}-\d\d-\d\d \d\d:\d\d\)$/,
        describeCell(c),
      );
      assert.equal(c.executionSummary?.timing, undefined, `a restored cell shows a timer: ${describeCell(c)}`);
      assert.equal(c.executionSummary?.success, true, describeCell(c));
    }
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
