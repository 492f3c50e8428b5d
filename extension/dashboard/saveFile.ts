/** Saves a chart export (SVG, PNG, CSV) where the user chooses, from a webview or the notebook renderer. */
import * as vscode from 'vscode';
import type { SaveFileMessage } from './protocol';

const FILTERS: Record<string, Record<string, string[]>> = {
  'image/svg+xml': { 'SVG image': ['svg'] },
  'image/png': { 'PNG image': ['png'] },
  'text/csv': { 'CSV table': ['csv'] },
};

// Control characters, and the characters Windows refuses in a file name.
// eslint-disable-next-line no-control-regex -- control characters are what it matches
const UNSAFE_CHARS = /[\u0000-\u001f<>:"|?*]+/g;

/** Keeps only a safe file name (no folders, no control characters). */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? 'export';
  return base.replace(UNSAFE_CHARS, '_').replace(/^\.+/, '').slice(0, 120) || 'export';
}

export async function saveExport(msg: SaveFileMessage, defaultDir?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const dir = defaultDir ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = safeFileName(msg.fileName);
  const target = await vscode.window.showSaveDialog({
    defaultUri: dir ? vscode.Uri.joinPath(dir, name) : undefined,
    filters: FILTERS[msg.mime] ?? { 'All files': ['*'] },
    title: `Save ${name}`,
  });
  if (!target) return undefined;
  const bytes = msg.base64 !== undefined ? Buffer.from(msg.base64, 'base64') : Buffer.from(msg.text ?? '', 'utf8');
  await vscode.workspace.fs.writeFile(target, bytes);
  void vscode.window.setStatusBarMessage(`Phasebook: saved ${vscode.workspace.asRelativePath(target)}`, 4000);
  return target;
}
