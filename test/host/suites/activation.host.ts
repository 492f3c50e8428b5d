// The extension installs and activates inside a real VS Code.
import * as assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { EXTENSION_ID, phasebookExtension } from '../support';

suite('activation', () => {
  test('the extension is installed under its manifest id, with its built entry point', async () => {
    const ext = phasebookExtension();
    assert.equal(ext.id, EXTENSION_ID);
    const main = (ext.packageJSON as { main?: string }).main ?? './dist/extension.js';
    const stat = await vscode.workspace.fs.stat(vscode.Uri.joinPath(ext.extensionUri, main));
    assert.equal(stat.type, vscode.FileType.File, `${main} is not a file in ${ext.extensionUri.fsPath}`);
  });

  test('the extension activates without throwing', async () => {
    const ext = phasebookExtension();
    await ext.activate(); // rejects with activate()'s error when activation fails
    assert.equal(ext.isActive, true);
  });

  test("this VS Code satisfies the manifest's engines.vscode", () => {
    const wanted = (phasebookExtension().packageJSON as { engines?: { vscode?: string } }).engines?.vscode ?? '';
    const min = /(\d+)\.(\d+)/.exec(wanted);
    assert.ok(min, `package.json engines.vscode is "${wanted}", not a version range`);
    const [major, minor] = vscode.version.split('.').map(Number);
    const ok = major > Number(min[1]) || (major === Number(min[1]) && minor >= Number(min[2]));
    assert.ok(ok, `VS Code ${vscode.version} is older than engines.vscode ${wanted}`);
  });
});
