/**
 * Table files (Parquet, IPC, CSV) open as a read-only text view of their first rows, read by the
 * kernel (the host never loads data). A `phasebook-table:` document per file.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { TablePreviewReply } from '../../core/kernel/protocol';
import { formatNumber } from '../kernel/outputs';
import type { UtilityKernel } from '../kernel/utilityKernel';
import { KernelRequestError } from '../kernel/kernelClient';

export const TABLE_SCHEME = 'phasebook-table';
const PREVIEW_ROWS = 200;

export function tablePreviewText(r: TablePreviewReply): string {
  const shown = Math.min(PREVIEW_ROWS, r.rows);
  return [
    `${r.path}`,
    `${formatNumber(r.rows)} rows × ${r.columns.length} columns${r.rows > shown ? ` — first ${shown} rows shown` : ''}`,
    `columns: ${r.columns.map((c, i) => `${c} (${r.dtypes[i] ?? '?'})`).join(', ')}`,
    '',
    r.text,
    '',
  ].join('\n');
}

export class TablePreviewProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly registration: vscode.Disposable;

  constructor(private readonly kernel: UtilityKernel) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(TABLE_SCHEME, this);
  }

  static uriFor(path: string): vscode.Uri {
    return vscode.Uri.from({ scheme: TABLE_SCHEME, path: `${path}.txt`, query: encodeURIComponent(path) });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const path = decodeURIComponent(uri.query);
    try {
      const reply = await this.kernel.request({ type: 'readTable', path, limit: PREVIEW_ROWS });
      return tablePreviewText(reply);
    } catch (e) {
      const message = e instanceof KernelRequestError ? e.message : (e as Error).message;
      return `${basename(path)} cannot be shown as a table:\n${message}\n`;
    }
  }

  async open(path: string): Promise<vscode.TextEditor> {
    const doc = await vscode.workspace.openTextDocument(TablePreviewProvider.uriFor(path));
    return vscode.window.showTextDocument(doc, { preview: true });
  }

  dispose(): void {
    this.registration.dispose();
  }
}
