// Phase cells as you type, in a real VS Code: the core parser's diagnostics on the cell at the
// right line, completion of keys with their docs and of upstream cell names, hover docs.
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
  '# %% features',
  'returns: close',
  'lagz: [1, 2]',
  '',
].join('\n');

function labels(items: vscode.CompletionList): string[] {
  return items.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
}

suite('language features in phase cells', function () {
  this.timeout(60_000);
  let api: PhasebookApi;
  let nb: vscode.NotebookDocument;

  suiteSetup(async () => {
    api = await phasebookApi();
    nb = (await showNotebook('host-tests/language.pipeline', TEXT)).notebook;
  });

  test('an unknown key is a diagnostic on its cell, at its line, with "did you mean"', async () => {
    const features = await cellNamed(nb, 'features');
    const diags = await waitFor(
      () => api.diagnostics(features).length > 0 && api.diagnostics(features),
      10_000,
      'diagnostics',
    );
    const d = diags.find((x) => /lagz/.test(x.message));
    assert.ok(d, diags.map((x) => x.message).join('\n'));
    assert.equal(d.range.start.line, 1);
    assert.match(d.message, /did you mean 'lags'/);
    assert.equal(api.diagnostics(await cellNamed(nb, 'prices')).length, 0);
  });

  test('fixing the key clears the diagnostic as you type', async () => {
    const features = await cellNamed(nb, 'features');
    await setCellText(features, 'returns: close\nlags: [1, 2]');
    await waitFor(() => api.diagnostics(features).length === 0, 10_000, 'the diagnostic to clear');
  });

  test('completion offers the keys of the cell kind with their docs, and upstream names after from:', async () => {
    const features = await cellNamed(nb, 'features');
    await setCellText(features, 'returns: close\nlags: [1, 2]\nrol');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      features.document.uri,
      new vscode.Position(2, 3),
    );
    const rolling = list.items.find((i) => i.label === 'rolling');
    assert.ok(rolling, labels(list).join(', '));
    assert.ok(!labels(list).includes('lags'), 'offers a key already written');
    await setCellText(features, 'returns: close\nfrom: ');
    const from = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      features.document.uri,
      new vscode.Position(1, 6),
    );
    assert.ok(labels(from).includes('prices'), labels(from).join(', '));
  });

  test("an error in a nested key is a diagnostic on that key's own line and column, not its parent's", async () => {
    const features = await cellNamed(nb, 'features');
    await setCellText(features, 'returns: close\nexpressions:\n  ok: close / open\n  fut: close +* 2');
    // Wait for the diagnostic of this text (the previous test's text leaves others behind for a moment).
    const d = await waitFor(
      () => api.diagnostics(features).find((x) => /expected a number, a column or a function at '\*'/.test(x.message)),
      10_000,
      'the nested diagnostic',
    );
    assert.equal(d.range.start.line, 3, 'on the line of fut:, not of expressions:');
    assert.equal(d.range.start.character, 14, "at the stray '*'");
    await setCellText(features, 'returns: close\nrolling:\n  - windows: [5]\n  - windows: [10, x]');
    const list = await waitFor(
      () => api.diagnostics(features).find((x) => /rolling\[1\]\.windows\[1\]/.test(x.message)),
      10_000,
      'the list-element diagnostic',
    );
    assert.equal(list.range.start.line, 3, 'on the second block of the list');
    assert.equal(list.range.start.character, 18);
  });

  test('hovering a key shows its documentation', async () => {
    const prices = await cellNamed(nb, 'prices');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      prices.document.uri,
      new vscode.Position(1, 3),
    );
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /`timestamp`: a string/);
  });

  test('a key doc with underscores renders as written, not as emphasis ({col}_roll_{stat}_{w})', async () => {
    const features = await cellNamed(nb, 'features');
    await setCellText(features, 'returns: close\nrolling: { column: ret, windows: [3], stats: [mean] }\n');
    const hovers = await waitFor(
      async () => {
        const h = await vscode.commands.executeCommand<vscode.Hover[]>(
          'vscode.executeHoverProvider',
          features.document.uri,
          new vscode.Position(1, 3),
        );
        return h.length > 0 && h;
      },
      10_000,
      'a hover on rolling',
    );
    const md = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    const html = await vscode.commands.executeCommand<string>('markdown.api.render', md);
    assert.match(html, /\{col\}_roll_\{stat\}_\{w\}/, `the name is not shown as written: ${html}`);
    assert.ok(!/<em>/.test(html), `the hover renders emphasis: ${html}`);
  });
});
