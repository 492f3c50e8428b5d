/**
 * The causality audit in the editor: each finding a diagnostic on the leaking cell (the key's
 * line, or the ts code line), a "look-ahead" badge in that cell's status bar, a check on cells
 * that audited clean. Reports come from the pipeline run's run.json `audit` (core/audit/types.ts)
 * or straight from the engine; a notebook edit clears them (the audit no longer describes the text).
 */
import * as vscode from 'vscode';
import type { AuditReport } from '../../core/audit/types';
import { NOTEBOOK_TYPE } from '../base/commandIds';
import type { NotebookModels } from '../notebook/models';
import { Disposable } from '../util/disposables';
import { auditMarks, type AuditMarks } from './auditMarks';

const BADGE_TEXT = {
  'look-ahead': '$(warning) look-ahead',
  clean: '$(check) audit clean',
  inconclusive: '$(question) audit inconclusive',
} as const;

export class AuditView extends Disposable implements vscode.NotebookCellStatusBarItemProvider, vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('phasebook-audit');
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCellStatusBarItems = this.emitter.event;
  private readonly marks = new Map<string, { marks: AuditMarks; uris: vscode.Uri[] }>();

  constructor(private readonly models: NotebookModels) {
    super();
    this.track(
      this.collection,
      this.emitter,
      vscode.notebooks.registerNotebookCellStatusBarItemProvider(NOTEBOOK_TYPE, this),
      vscode.workspace.onDidChangeNotebookDocument((e) => {
        if (e.contentChanges.length || e.cellChanges.some((c) => c.document)) this.clear(e.notebook);
      }),
      vscode.workspace.onDidCloseNotebookDocument((nb) => this.clear(nb)),
    );
  }

  /** Shows `report` on `nb` (replacing what an earlier audit showed). */
  async show(nb: vscode.NotebookDocument, report: AuditReport): Promise<void> {
    this.clear(nb);
    const marks = auditMarks(report, await this.models.model(nb));
    const byCell = new Map<number, vscode.Diagnostic[]>();
    const severity = report.mode === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
    for (const m of marks.diagnostics) {
      if (m.editorIndex >= nb.cellCount) continue;
      const doc = nb.cellAt(m.editorIndex).document;
      const line = Math.min(m.line, Math.max(0, doc.lineCount - 1));
      const text = doc.lineAt(line).text;
      const col =
        m.finding.location?.column !== undefined
          ? m.finding.location.column - 1
          : text.length - text.trimStart().length;
      const d = new vscode.Diagnostic(
        new vscode.Range(line, Math.max(0, col), line, Math.max(col + 1, text.length)),
        m.message,
        severity,
      );
      d.source = 'phasebook audit';
      d.code = 'look-ahead';
      byCell.set(m.editorIndex, [...(byCell.get(m.editorIndex) ?? []), d]);
    }
    const uris: vscode.Uri[] = [];
    for (const [index, diags] of byCell) {
      const uri = nb.cellAt(index).document.uri;
      this.collection.set(uri, diags);
      uris.push(uri);
    }
    this.marks.set(nb.uri.toString(), { marks, uris });
    this.emitter.fire();
  }

  /** Diagnostics of the audit on a cell (for the API and tests). */
  diagnosticsOf(cell: vscode.NotebookCell): readonly vscode.Diagnostic[] {
    return this.collection.get(cell.document.uri) ?? [];
  }

  /** The audit badge of each code cell ('' when none), in editor order. */
  badges(nb: vscode.NotebookDocument): string[] {
    const m = this.marks.get(nb.uri.toString());
    return nb.getCells().map((c) => m?.marks.badges.get(c.index)?.badge ?? '');
  }

  provideCellStatusBarItems(cell: vscode.NotebookCell): vscode.NotebookCellStatusBarItem[] {
    const b = this.marks.get(cell.notebook.uri.toString())?.marks.badges.get(cell.index);
    if (!b) return [];
    const item = new vscode.NotebookCellStatusBarItem(BADGE_TEXT[b.badge], vscode.NotebookCellStatusBarAlignment.Right);
    item.tooltip = b.tooltip;
    item.accessibilityInformation = {
      label: b.badge === 'look-ahead' ? 'causality audit: look-ahead' : `causality audit: ${b.badge}`,
    };
    if (b.badge === 'look-ahead')
      item.command = { title: 'Show the finding', command: 'workbench.actions.view.problems' };
    return [item];
  }

  private clear(nb: vscode.NotebookDocument): void {
    const key = nb.uri.toString();
    const had = this.marks.get(key);
    if (!had) return;
    for (const uri of had.uris) this.collection.delete(uri);
    this.marks.delete(key);
    this.emitter.fire();
  }
}
