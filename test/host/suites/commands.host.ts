// Every command the manifest contributes is registered once the extension is active, and every
// command a menu or keybinding points at is one the manifest contributes. The list grows with
// package.json's contributes.commands.
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { contributedCommands, phasebookExtension, referencedCommandIds } from '../support';

suite('commands', () => {
  let registered = new Set<string>();
  suiteSetup(async () => {
    await phasebookExtension().activate();
    registered = new Set(await vscode.commands.getCommands(true));
  });

  for (const c of contributedCommands()) {
    test(`${c.command} ("${c.category ? `${c.category}: ` : ''}${c.title}") is registered`, () => {
      assert.ok(registered.has(c.command), `${c.command} is contributed in package.json but no handler was registered`);
    });
  }

  test('menus and keybindings only point at contributed commands', () => {
    const contributed = new Set(contributedCommands().map((c) => c.command));
    const dangling = referencedCommandIds().filter((id) => !contributed.has(id) && !registered.has(id));
    assert.deepEqual(dangling, [], `menus/keybindings reference commands that do not exist: ${dangling.join(', ')}`);
  });
});
