// `.pipeline` files open as notebooks of type `phasebook`, through the extension's serializer.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { NOTEBOOK_TYPE, phasebookExtension, TINY_PIPELINE, workspaceRoot, writeWorkspaceFile } from '../support';

suite('notebook type', () => {
  suiteSetup(async () => {
    await phasebookExtension().activate();
  });

  test('a .pipeline file opens as a phasebook notebook', async () => {
    const uri = await writeWorkspaceFile('host-tests/tiny.pipeline', TINY_PIPELINE);
    const doc = await vscode.workspace.openNotebookDocument(uri);
    assert.equal(doc.notebookType, NOTEBOOK_TYPE);
    assert.equal(doc.uri.toString(), uri.toString());
  });

  test('the notebook shows in a notebook editor', async () => {
    const uri = await writeWorkspaceFile('host-tests/shown.pipeline', TINY_PIPELINE);
    const doc = await vscode.workspace.openNotebookDocument(uri);
    const editor = await vscode.window.showNotebookDocument(doc);
    assert.equal(editor.notebook.notebookType, NOTEBOOK_TYPE);
    assert.equal(vscode.window.activeNotebookEditor?.notebook.uri.toString(), uri.toString());
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  // The demo notebook ships with the extension; test it once it exists.
  const demo = join(workspaceRoot().fsPath, 'demo.pipeline');
  if (existsSync(demo)) {
    test('examples/demo.pipeline opens as a phasebook notebook with cells', async () => {
      const doc = await vscode.workspace.openNotebookDocument(vscode.Uri.file(demo));
      assert.equal(doc.notebookType, NOTEBOOK_TYPE);
      assert.ok(doc.cellCount > 0, 'demo.pipeline deserialized to no cells');
    });
  }
});
