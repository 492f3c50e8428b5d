/**
 * "Change phase kind": the marker line (`# %% <kind> [<name>]`) lives in cell metadata in the
 * editor, so kind and name are picked here and written back there.
 */
import * as vscode from 'vscode';
import { isValidName, markerFor } from '../../core/notebook';
import { parseMarker } from '../../core/notebook/marker';
import { NOTEBOOK_TYPE } from '../base/commandIds';
import { cellMetadataOf, hasInlineMarker, META_KEY, type CellMetadata } from './cellText';
import { markerKinds } from './keyDocs';
import { cellLike } from './models';

function targetCell(uri?: vscode.Uri, index?: number): vscode.NotebookCell | undefined {
  if (uri && typeof index === 'number') {
    const nb = vscode.workspace.notebookDocuments.find((n) => n.uri.toString() === uri.toString());
    return nb && index < nb.cellCount ? nb.cellAt(index) : undefined;
  }
  const editor = vscode.window.activeNotebookEditor;
  if (!editor || editor.notebook.notebookType !== NOTEBOOK_TYPE) return undefined;
  const sel = editor.selections[0];
  return sel && sel.start < editor.notebook.cellCount ? editor.notebook.cellAt(sel.start) : undefined;
}

export async function changeCellKind(uri?: vscode.Uri, index?: number): Promise<boolean> {
  const cell = targetCell(uri, index);
  if (!cell || cell.kind !== vscode.NotebookCellKind.Code) {
    void vscode.window.showInformationMessage('Select a phase cell of a .pipeline notebook first.');
    return false;
  }
  const meta = cellMetadataOf(cell.metadata);
  const inline = hasInlineMarker(cellLike(cell));
  const headerLine = inline ? cell.document.lineAt(0).text : (meta.header ?? '');
  const marker = parseMarker(headerLine);
  const current = marker.kind?.text;
  const kinds = markerKinds().filter(
    (k) => k.kind !== 'md' && (cell.document.languageId === 'typescript') === (k.kind === 'ts'),
  );
  const picked = await vscode.window.showQuickPick(
    kinds.map((k) => ({ label: k.kind, description: k.kind === current ? 'current' : undefined, detail: k.doc })),
    {
      title: 'Phase kind of this cell',
      placeHolder: current ? `now: ${current}` : 'pick the phase this cell runs',
      matchOnDetail: true,
    },
  );
  if (!picked) return false;
  const name = await vscode.window.showInputBox({
    title: `Name of the ${picked.label} cell`,
    prompt:
      `Optional. Without a name the cell is called '${picked.label}' (or '${picked.label}_2', ...). Other ` +
      `cells refer to it with from:`,
    value: marker.name?.text ?? '',
    validateInput: (v) =>
      v.trim() === '' || isValidName(v.trim())
        ? undefined
        : 'a name is one word: letters, digits, _ or -, not starting with a digit',
  });
  if (name === undefined) return false;
  const header = markerFor(picked.label, name.trim() || undefined);
  const edit = new vscode.WorkspaceEdit();
  const next: CellMetadata = { ...meta, header };
  edit.set(cell.notebook.uri, [
    vscode.NotebookEdit.updateCellMetadata(cell.index, { ...cell.metadata, [META_KEY]: next }),
  ]);
  if (inline)
    edit.delete(
      cell.document.uri,
      new vscode.Range(0, 0, cell.document.lineCount > 1 ? 1 : 0, cell.document.lineCount > 1 ? 0 : headerLine.length),
    );
  return vscode.workspace.applyEdit(edit);
}
