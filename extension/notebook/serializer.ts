/**
 * `.pipeline` <-> notebook over the core format (core/notebook editor mapping): the marker line and
 * layout of each cell ride in its metadata, the preamble in the notebook's, so an unchanged
 * notebook saves byte for byte. Outputs are never saved (transient).
 */
import * as vscode from 'vscode';
import { splitNotebook, toEditorCells } from '../../core/notebook';
import { META_KEY, notebookTextOf, type CellMetadata } from './cellText';

/** Decodes UTF-8 keeping a byte-order mark (it is part of the preamble). */
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const encoder = new TextEncoder();

export function notebookDataOf(text: string): vscode.NotebookData {
  const nt = splitNotebook(text);
  const cells = toEditorCells(nt).map((c) => {
    const kind = c.type === 'markdown' ? vscode.NotebookCellKind.Markup : vscode.NotebookCellKind.Code;
    const data = new vscode.NotebookCellData(kind, c.value, c.language);
    const meta: CellMetadata = { header: c.header, layout: c.meta };
    data.metadata = { [META_KEY]: meta };
    return data;
  });
  const data = new vscode.NotebookData(cells);
  data.metadata = { [META_KEY]: { preamble: nt.preamble } };
  return data;
}

export function textOfNotebookData(data: vscode.NotebookData): string {
  const preambleMeta = data.metadata?.[META_KEY] as { preamble?: unknown } | undefined;
  const preamble = typeof preambleMeta?.preamble === 'string' ? preambleMeta.preamble : '';
  return notebookTextOf(
    preamble,
    data.cells.map((c) => ({
      isMarkdown: c.kind === vscode.NotebookCellKind.Markup,
      languageId: c.languageId,
      value: c.value,
      metadata: c.metadata,
    })),
  );
}

export class PipelineSerializer implements vscode.NotebookSerializer {
  deserializeNotebook(content: Uint8Array): vscode.NotebookData {
    return notebookDataOf(decoder.decode(content));
  }

  serializeNotebook(data: vscode.NotebookData): Uint8Array {
    return encoder.encode(textOfNotebookData(data));
  }
}

export const SERIALIZER_OPTIONS: vscode.NotebookDocumentContentOptions = { transientOutputs: true };
