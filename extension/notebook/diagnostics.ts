/**
 * The core parser's diagnostics shown on the cells as you type (unknown kinds and keys, bad YAML...), and unknown
 * column names checked against what the upstream cells last made (when the kernel knows it).
 */
import * as vscode from 'vscode';
import { NOTEBOOK_TYPE } from '../base/commandIds';
import { Disposable, Debouncer } from '../util/disposables';
import { cellDiagnostics } from './cellDiagnostics';
import { columnDiagnostics, type ColumnFacts } from './columnNames';
import type { NotebookModels } from './models';

const SEVERITY: Record<string, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** Where the column check gets what the kernel last said about a notebook's cells, and when that changed. */
export interface ColumnSource {
  facts(nb: vscode.NotebookDocument): ColumnFacts | undefined;
  readonly onDidChange: vscode.Event<vscode.NotebookDocument>;
}

export class CellDiagnosticsProvider extends Disposable implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('phasebook');
  private readonly pending = new Map<string, Debouncer>();
  /** Cell documents that got diagnostics, per notebook, so they can be cleared. */
  private readonly shown = new Map<string, vscode.Uri[]>();

  constructor(
    private readonly models: NotebookModels,
    private readonly columns?: ColumnSource,
  ) {
    super();
    this.track(
      this.collection,
      models.onDidChange((nb) => this.schedule(nb)),
      ...(columns ? [columns.onDidChange((nb) => this.schedule(nb))] : []),
      vscode.workspace.onDidOpenNotebookDocument((nb) => void this.update(nb)),
      vscode.workspace.onDidCloseNotebookDocument((nb) => this.clear(nb)),
    );
    for (const nb of vscode.workspace.notebookDocuments) void this.update(nb);
  }

  private schedule(nb: vscode.NotebookDocument): void {
    const key = nb.uri.toString();
    let d = this.pending.get(key);
    if (!d) {
      d = new Debouncer(150, () => void this.update(nb));
      this.pending.set(key, d);
    }
    d.schedule();
  }

  async update(nb: vscode.NotebookDocument): Promise<void> {
    if (nb.notebookType !== NOTEBOOK_TYPE || nb.isClosed) return;
    const model = await this.models.model(nb);
    const byCell = new Map<number, vscode.Diagnostic[]>();
    const facts = this.columns?.facts(nb);
    for (const d of [...cellDiagnostics(model), ...(facts ? columnDiagnostics(model, facts) : [])]) {
      const range = new vscode.Range(
        d.startLine,
        d.startColumn,
        d.endLine,
        Math.max(d.endColumn, d.endLine === d.startLine ? d.startColumn + 1 : 0),
      );
      const diag = new vscode.Diagnostic(range, d.message, SEVERITY[d.severity] ?? vscode.DiagnosticSeverity.Error);
      diag.source = 'phasebook';
      diag.code = d.code;
      const list = byCell.get(d.editorIndex) ?? [];
      list.push(diag);
      byCell.set(d.editorIndex, list);
    }
    const key = nb.uri.toString();
    for (const uri of this.shown.get(key) ?? []) this.collection.delete(uri);
    const uris: vscode.Uri[] = [];
    for (const [index, diags] of byCell) {
      if (index >= nb.cellCount) continue;
      const uri = nb.cellAt(index).document.uri;
      this.collection.set(uri, diags);
      uris.push(uri);
    }
    this.shown.set(key, uris);
  }

  /** Diagnostics currently shown on a cell (for tests and the API). */
  diagnosticsOf(cell: vscode.NotebookCell): readonly vscode.Diagnostic[] {
    return this.collection.get(cell.document.uri) ?? [];
  }

  private clear(nb: vscode.NotebookDocument): void {
    const key = nb.uri.toString();
    for (const uri of this.shown.get(key) ?? []) this.collection.delete(uri);
    this.shown.delete(key);
    this.pending.get(key)?.dispose();
    this.pending.delete(key);
  }

  override dispose(): void {
    for (const d of this.pending.values()) d.dispose();
    super.dispose();
  }
}
