// A .pipeline file survives open -> edit -> undo the edit -> save byte for byte, through the real
// notebook serializer (docs/design.md §3.3, §9.5: an unchanged notebook saves byte for byte).
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { phasebookExtension, writeWorkspaceFile } from '../support';

const SAMPLE = [
  '# %% md',
  '# Round trip',
  'Markdown with *emphasis*.',
  '',
  '# %% load prices',
  'source: data/raw/prices.csv   # a comment stays',
  'timestamp: ts',
  '',
  '',
  '# %% validate',
  'contract: ohlcv',
  '',
].join('\n');

async function setCellText(cell: vscode.NotebookCell, text: string): Promise<void> {
  const doc = cell.document;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
  assert.ok(await vscode.workspace.applyEdit(edit), 'the cell edit was not applied');
}

suite('notebook round trip', () => {
  suiteSetup(async () => {
    await phasebookExtension().activate();
  });

  test('one cell per # %% marker, markdown cells as markup', async () => {
    const uri = await writeWorkspaceFile('host-tests/cells.pipeline', SAMPLE);
    const doc = await vscode.workspace.openNotebookDocument(uri);
    assert.deepEqual(
      doc.getCells().map((c) => c.kind),
      [vscode.NotebookCellKind.Markup, vscode.NotebookCellKind.Code, vscode.NotebookCellKind.Code],
    );
  });

  test('an edit saved and then reverted writes the original bytes back', async () => {
    const uri = await writeWorkspaceFile('host-tests/roundtrip.pipeline', SAMPLE);
    const doc = await vscode.workspace.openNotebookDocument(uri);
    const cell = doc.cellAt(1);
    const original = cell.document.getText();
    await setCellText(cell, `${original}\nsymbol: symbol`);
    assert.ok(await doc.save(), 'saving the edited notebook failed');
    const edited = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    assert.ok(edited.includes('symbol: symbol'), `the saved file lacks the edit:\n${edited}`);
    await setCellText(doc.cellAt(1), original);
    assert.ok(await doc.save(), 'saving the reverted notebook failed');
    const back = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    assert.equal(back, SAMPLE);
  });
});
