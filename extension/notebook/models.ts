/**
 * The parsed model of every open `.pipeline` notebook, recomputed after edits (cached per change).
 * The parser reads the phase kinds' light schemas (core/phases/specs/): the host never loads the
 * runnable phases or the frame library.
 */
import * as vscode from 'vscode';
import '../../core/phases/specs/all';
import { modelOf, notebookMetadataOf, type CellLike, type NotebookModel } from './cellText';
import { Disposable } from '../util/disposables';

export function cellLike(cell: vscode.NotebookCell): CellLike {
  return {
    isMarkdown: cell.kind === vscode.NotebookCellKind.Markup,
    languageId: cell.document.languageId,
    value: cell.document.getText(),
    metadata: cell.metadata,
  };
}

/** The file path the kernel and messages use for a notebook (untitled: a name in the workspace). */
export function notebookPath(doc: vscode.NotebookDocument): string {
  if (doc.uri.scheme === 'file') return doc.uri.fsPath;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
  const name = doc.uri.path.split('/').pop() || 'untitled';
  return `${folder}/${name.endsWith('.pipeline') ? name : `${name}.pipeline`}`;
}

export class NotebookModels extends Disposable implements vscode.Disposable {
  private readonly cache = new Map<string, NotebookModel>();
  private readonly emitter = new vscode.EventEmitter<vscode.NotebookDocument>();
  /** A notebook's text changed (cells edited, added, removed, or their markers changed). */
  readonly onDidChange = this.emitter.event;

  constructor() {
    super();
    this.track(
      this.emitter,
      vscode.workspace.onDidChangeNotebookDocument((e) => this.changed(e.notebook)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.scheme !== 'vscode-notebook-cell' || !e.contentChanges.length) return;
        const nb = vscode.workspace.notebookDocuments.find((n) => n.getCells().some((c) => c.document === e.document));
        if (nb) this.changed(nb);
      }),
      vscode.workspace.onDidCloseNotebookDocument((nb) => this.cache.delete(nb.uri.toString())),
    );
  }

  private changed(nb: vscode.NotebookDocument): void {
    if (nb.notebookType !== 'phasebook') return;
    this.cache.delete(nb.uri.toString());
    this.emitter.fire(nb);
  }

  /** The model of a notebook as it is now. */
  model(doc: vscode.NotebookDocument): Promise<NotebookModel> {
    return Promise.resolve(this.modelNow(doc));
  }

  /** The model of a notebook as it is now, synchronously (completion, hovers). */
  modelNow(doc: vscode.NotebookDocument): NotebookModel {
    const key = doc.uri.toString();
    const cached = this.cache.get(key);
    if (cached) return cached;
    const preamble = notebookMetadataOf(doc.metadata).preamble ?? '';
    const model = modelOf(preamble, doc.getCells().map(cellLike), notebookPath(doc));
    this.cache.set(key, model);
    return model;
  }

  override dispose(): void {
    super.dispose();
    this.cache.clear();
  }
}

/** The notebook a cell's text document belongs to, with the cell. */
export function cellOfDocument(
  document: vscode.TextDocument,
): { notebook: vscode.NotebookDocument; cell: vscode.NotebookCell } | undefined {
  for (const notebook of vscode.workspace.notebookDocuments) {
    if (notebook.notebookType !== 'phasebook') continue;
    const cell = notebook
      .getCells()
      .find((c) => c.document === document || c.document.uri.toString() === document.uri.toString());
    if (cell) return { notebook, cell };
  }
  return undefined;
}
