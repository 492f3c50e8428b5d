/**
 * "Open with… Phasebook table" (package.json contributes.customEditors, priority "option"): a
 * Parquet, Arrow IPC or CSV file as the notebook renderer's virtualised grid (sort, dtype badges,
 * column stats). Read-only; the rows are read by a kernel (request `readTable`), never by the host.
 * The explorer's "Open as table" opens the same editor.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { KernelCall, KernelCallType, KernelReplies } from '../../core/kernel/protocol';
import type { DashboardLog } from './panels';
import { TABLE_VIEW_TYPE, TableViews } from './tableView';

/** Rows the editor reads of a file (the grid is virtualised; the count of the whole file is shown). */
export const TABLE_EDITOR_ROWS = 100_000;

/** Where data reads go: a kernel (the explorer's utility kernel). */
export interface KernelRequester {
  request<K extends KernelCallType>(call: KernelCall & { type: K }): Promise<KernelReplies[K]>;
  /** Starts the kernel ahead of a request that is coming. */
  warm?(): void;
}

export class TableEditorProvider implements vscode.CustomReadonlyEditorProvider, vscode.Disposable {
  private readonly registration: vscode.Disposable;

  constructor(
    readonly views: TableViews,
    private readonly kernel: KernelRequester,
  ) {
    this.registration = vscode.window.registerCustomEditorProvider(TABLE_VIEW_TYPE, this, {
      webviewOptions: { retainContextWhenHidden: false },
      supportsMultipleEditorsPerDocument: true,
    });
  }

  static create(extensionUri: vscode.Uri, log: DashboardLog, kernel: KernelRequester): TableEditorProvider {
    return new TableEditorProvider(new TableViews(extensionUri, log), kernel);
  }

  /** Opens `path` in the grid editor (the explorer's artifact preview). */
  async open(path: string): Promise<void> {
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(path), TABLE_VIEW_TYPE, {
      preview: true,
    });
  }

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    const path = document.uri.fsPath;
    const lifetime: vscode.Disposable[] = [];
    panel.onDidDispose(() => vscode.Disposable.from(...lifetime).dispose());
    this.views.show(
      path,
      panel.webview,
      async () => {
        const r = await this.kernel.request({ type: 'readTable', path, limit: TABLE_EDITOR_ROWS });
        return { title: basename(path), source: path, ipc: r.ipc, totalRows: r.rows };
      },
      lifetime,
    );
  }

  dispose(): void {
    this.registration.dispose();
  }
}
