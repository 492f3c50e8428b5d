// Editor help on values, in a real VS Code: completion of a closed list (the model kinds), a
// diagnostic for an unknown value before anything runs, the Quick Fix its "did you mean" offers,
// and no snippets among the key completions inside a cell body.
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { PhasebookApi } from '../../../extension/api';
import { cellNamed, phasebookApi, setCellText, showNotebook, waitFor } from './helpers/phasebook';

const TEXT = [
  '# %% load prices',
  'source: data/raw/prices.csv',
  'timestamp: ts',
  '',
  '# %% train fit',
  'model: ridgee',
  '',
].join('\n');

function labels(list: vscode.CompletionList): string[] {
  return list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
}

function complete(cell: vscode.NotebookCell, line: number, character: number): Thenable<vscode.CompletionList> {
  return vscode.commands.executeCommand<vscode.CompletionList>(
    'vscode.executeCompletionItemProvider',
    cell.document.uri,
    new vscode.Position(line, character),
  );
}

suite('language features on values in phase cells', function () {
  this.timeout(60_000);
  let api: PhasebookApi;
  let nb: vscode.NotebookDocument;

  suiteSetup(async () => {
    api = await phasebookApi();
    nb = (await showNotebook('host-tests/values.pipeline', TEXT)).notebook;
  });

  test('an unknown model is a diagnostic before running, at the value, with "did you mean"', async () => {
    const fit = await cellNamed(nb, 'fit');
    const d = await waitFor(
      () => api.diagnostics(fit).find((x) => /unknown model 'ridgee'/.test(x.message)),
      10_000,
      () =>
        `a diagnostic on 'ridgee' (have: ${api
          .diagnostics(fit)
          .map((x) => x.message)
          .join(' | ')})`,
    );
    assert.match(d.message, /did you mean 'ridge'\?/);
    assert.equal(d.range.start.line, 0);
    assert.equal(fit.document.getText(d.range), 'ridgee');
  });

  test("the Quick Fix of a 'did you mean' replaces the value and the diagnostic clears", async () => {
    const fit = await cellNamed(nb, 'fit');
    const d = await waitFor(
      () => api.diagnostics(fit).find((x) => /unknown model/.test(x.message)),
      10_000,
      'the unknown-model diagnostic',
    );
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      fit.document.uri,
      d.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((a) => a.title === "Change to 'ridge'");
    assert.ok(fix?.edit, `no Quick Fix (actions: ${actions.map((a) => a.title).join(', ')})`);
    assert.equal(fix.isPreferred, true);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(fit.document.getText().split('\n')[0], 'model: ridge');
    await waitFor(() => api.diagnostics(fit).length === 0, 10_000, 'the diagnostic to clear');
  });

  test('completion after model: lists the model kinds', async () => {
    const fit = await cellNamed(nb, 'fit');
    await setCellText(fit, 'model: ');
    const got = labels(await complete(fit, 0, 7));
    for (const m of ['linear', 'ridge', 'logistic', 'gbdt', 'forest']) assert.ok(got.includes(m), got.join(', '));
  });

  test('key completion inside a cell body offers the keys and no snippets', async () => {
    const fit = await cellNamed(nb, 'fit');
    await setCellText(fit, 'model: ridge\n');
    const list = await complete(fit, 1, 0);
    assert.ok(labels(list).includes('horizon'), labels(list).join(', '));
    const snippets = list.items.filter((i) => i.kind === vscode.CompletionItemKind.Snippet);
    assert.deepEqual(
      snippets.map((i) => (typeof i.label === 'string' ? i.label : i.label.label)),
      [],
      'snippets among the key completions',
    );
  });
});
