// Helpers the host suites share: the extension under test, the workspace, pipeline files.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'phasebook.phasebook';
export const NOTEBOOK_TYPE = 'phasebook';

export function phasebookExtension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this VS Code`);
  return ext;
}

export interface ContributedCommand {
  command: string;
  title: string;
  category?: string;
}

/** The manifest's contributes.commands (empty when it declares none). */
export function contributedCommands(): ContributedCommand[] {
  const contributes = (phasebookExtension().packageJSON as { contributes?: { commands?: ContributedCommand[] } })
    .contributes;
  return contributes?.commands ?? [];
}

/** Command ids the manifest references from menus and keybindings. */
export function referencedCommandIds(): string[] {
  const pkg = phasebookExtension().packageJSON as {
    contributes?: { menus?: Record<string, { command?: string }[]>; keybindings?: { command?: string }[] };
  };
  const ids = new Set<string>();
  for (const items of Object.values(pkg.contributes?.menus ?? {})) {
    for (const item of items) if (item.command) ids.add(item.command);
  }
  for (const kb of pkg.contributes?.keybindings ?? []) if (kb.command) ids.add(kb.command);
  return [...ids].sort();
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test VS Code has no workspace folder open');
  return folder.uri;
}

/** A small pipeline every suite can rely on, whatever examples/ holds. */
export const TINY_PIPELINE = [
  '# %% md',
  '# Host test pipeline',
  '',
  '# %% load prices',
  'source: data/raw/prices.csv',
  'timestamp: ts',
  '',
].join('\n');

/** Writes `text` to `relativePath` in the workspace and returns its uri. */
export async function writeWorkspaceFile(relativePath: string, text: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), relativePath);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}
