/**
 * The grid webview's host side (docs/design.md §10): serves dist/webview/table.js under the
 * dashboard's strict CSP into a custom editor's or a panel's webview, waits for `ready`, sends the
 * table the loader reads (through a kernel request: the host reads no data), and keeps what the grid
 * reports it drew. A loader's UserError (or a kernel's answer to one) is shown in the view.
 */
import * as vscode from 'vscode';
import { isUserError } from '../../core/errors';
import { KernelRequestError } from '../kernel/kernelClient';
import { dashboardHtml, newNonce } from './html';
import { isTableViewMessage, type HostToTableView, type TablePayload, type TableRendered } from './protocol';
import type { DashboardLog } from './panels';

export const TABLE_VIEW_TYPE = 'phasebook.table';

/** A failure worth showing as the view's content: the user's file or SQL, never a stack. */
export function tableErrorMessage(e: unknown): string {
  if (e instanceof KernelRequestError && !e.error.stack) return e.message;
  if (isUserError(e)) return e.message;
  return `Phasebook could not read this table: ${(e as Error).message}`;
}

export class TableViews {
  /** What each view's grid drew last, by the key its opener gave it (a file path, a query id). */
  private readonly rendered = new Map<string, TableRendered>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: DashboardLog,
  ) {}

  /** Every open view's last drawn header, by key (oldest first). */
  drawn(): Record<string, TableRendered> {
    return Object.fromEntries(this.rendered);
  }

  /** Fills `webview` with the grid and sends it the table `load` reads once the page is ready. */
  show(key: string, webview: vscode.Webview, load: () => Promise<TablePayload>, lifetime: vscode.Disposable[]): void {
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [dist] };
    webview.html = dashboardHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'table.js')).toString(),
      nonce: newNonce(),
      title: key,
    });
    const post = (m: HostToTableView): void => void webview.postMessage(m);
    lifetime.push(
      webview.onDidReceiveMessage((m: unknown) => {
        if (!isTableViewMessage(m)) return;
        if (m.type === 'ready') {
          post({ type: 'loading', message: 'Reading the table…' });
          load().then(
            (table) => post({ type: 'table', table }),
            (e: unknown) => {
              if (!(e instanceof KernelRequestError && !e.error.stack) && !isUserError(e))
                this.log.error(`table view ${key}: ${(e as Error).stack ?? String(e)}`);
              post({ type: 'error', message: tableErrorMessage(e) });
            },
          );
        } else if (m.type === 'rendered') {
          this.rendered.set(key, m);
          this.log.info(
            `table view ${key}: ` +
              `${m.error ? `shows "${m.error}"` : `${m.rows} rows × ${m.columns.length} columns drawn`}`,
          );
        } else this.log[m.level](`table webview: ${m.message}`);
      }),
      { dispose: () => this.rendered.delete(key) },
    );
  }
}
