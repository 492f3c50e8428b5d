/**
 * Phase cells added by hand look like template cells (issue 18 item 2): "Add phase cell…" picks a
 * kind from a quick pick of every kind with its one-line doc and inserts a cell whose marker lives
 * in metadata (shown by the cell status bar, never as a raw `# %%` line); a cell that gets a marker
 * typed, pasted or snippet-inserted as its first line has it lifted into metadata the same way.
 */
import * as vscode from 'vscode';
import { isMarkerLine, markerFor } from '../../core/notebook';
import { NOTEBOOK_TYPE } from '../base/commandIds';
import { Disposable } from '../util/disposables';
import { cellMetadataOf, hasInlineMarker, META_KEY, type CellMetadata } from './cellText';
import { cellSnippet, markerKinds } from './keyDocs';
import { cellLike } from './models';

/** A snippet body as plain text: each placeholder becomes its default (or its first choice). */
function snippetDefaults(lines: readonly string[]): string {
  return lines
    .join('\n')
    .replace(/\$\{\d+\|([^,|}]*)[^}]*\}/g, '$1')
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$\{\d+\}|\$\d+/g, '')
    .replace(/\n+$/, '');
}

/** The order phases usually come in a pipeline; other kinds follow in registry order. */
const PIPELINE_ORDER = [
  'load',
  'validate',
  'preprocess',
  'features',
  'labels',
  'split',
  'scale',
  'cv',
  'stack',
  'train',
  'evaluate',
];

function inPipelineOrder<T extends { kind: string }>(kinds: T[]): T[] {
  const rank = (k: string) => (PIPELINE_ORDER.includes(k) ? PIPELINE_ORDER.indexOf(k) : PIPELINE_ORDER.length);
  return kinds
    .map((k, i) => ({ k, i }))
    .sort((a, b) => rank(a.k.kind) - rank(b.k.kind) || a.i - b.i)
    .map(({ k }) => k);
}

function cellData(kind: string, metadata: Record<string, unknown> = {}): vscode.NotebookCellData {
  const [marker, ...body] = cellSnippet(kind);
  const language = kind === 'ts' ? 'typescript' : kind === 'md' ? 'markdown' : 'yaml';
  const cellKind = kind === 'md' ? vscode.NotebookCellKind.Markup : vscode.NotebookCellKind.Code;
  const data = new vscode.NotebookCellData(cellKind, kind === 'md' ? '' : snippetDefaults(body), language);
  const meta: CellMetadata = { header: marker ?? markerFor(kind) };
  data.metadata = { ...metadata, [META_KEY]: meta };
  return data;
}

/**
 * Inserts a `kind` cell below the selected cell of the active phasebook notebook (asking for the
 * kind when not given) and selects it. Returns the new cell's index, undefined when cancelled.
 */
export async function addPhaseCell(kind?: string): Promise<number | undefined> {
  const editor = vscode.window.activeNotebookEditor;
  if (!editor || editor.notebook.notebookType !== NOTEBOOK_TYPE) {
    void vscode.window.showInformationMessage('Phasebook: open a .pipeline notebook first.');
    return undefined;
  }
  const kinds = inPipelineOrder(markerKinds());
  let picked = kind;
  if (picked === undefined) {
    const item = await vscode.window.showQuickPick(
      kinds.map((k) => ({ label: k.kind, detail: k.doc })),
      { title: 'Add phase cell', placeHolder: 'the phase the new cell runs', matchOnDetail: true },
    );
    picked = item?.label;
  }
  if (picked === undefined) return undefined;
  if (!kinds.some((k) => k.kind === picked)) throw new Error(`'${picked}' is not a phase kind`);
  const index = Math.min(editor.selections[0]?.end ?? editor.notebook.cellCount, editor.notebook.cellCount);
  const edit = new vscode.WorkspaceEdit();
  edit.set(editor.notebook.uri, [vscode.NotebookEdit.insertCells(index, [cellData(picked)])]);
  if (!(await vscode.workspace.applyEdit(edit))) return undefined;
  editor.selections = [new vscode.NotebookRange(index, index + 1)];
  editor.revealRange(editor.selections[0] as vscode.NotebookRange);
  return index;
}

/** The edit that moves a cell's first-line marker into its metadata, or undefined when it has none. */
function liftEdit(cell: vscode.NotebookCell): vscode.WorkspaceEdit | undefined {
  if (cell.kind !== vscode.NotebookCellKind.Code || !hasInlineMarker(cellLike(cell))) return undefined;
  // Wait for the line to be finished: a marker alone on the only line is still being typed.
  if (cell.document.lineCount < 2) return undefined;
  const header = cell.document.lineAt(0).text;
  if (!isMarkerLine(header)) return undefined;
  const edit = new vscode.WorkspaceEdit();
  const next: CellMetadata = { ...cellMetadataOf(cell.metadata), header };
  edit.set(cell.notebook.uri, [
    vscode.NotebookEdit.updateCellMetadata(cell.index, { ...cell.metadata, [META_KEY]: next }),
  ]);
  edit.delete(cell.document.uri, new vscode.Range(0, 0, 1, 0));
  return edit;
}

/** Lifts the marker line of cells added or edited by hand into their metadata. */
export class InlineMarkerLifter extends Disposable implements vscode.Disposable {
  constructor() {
    super();
    this.track(
      vscode.workspace.onDidChangeNotebookDocument((e) => {
        if (e.notebook.notebookType !== NOTEBOOK_TYPE) return;
        const cells = [
          ...e.contentChanges.flatMap((c) => c.addedCells),
          ...e.cellChanges.filter((c) => c.document).map((c) => c.cell),
        ];
        for (const cell of new Set(cells)) {
          const edit = liftEdit(cell);
          if (edit) void vscode.workspace.applyEdit(edit);
        }
      }),
    );
  }
}
