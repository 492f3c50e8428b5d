/**
 * The core parser's diagnostics (whole-file lines) moved onto the editor cells they belong to,
 * with cell-relative lines. Pure, for the live diagnostics on cells.
 */
import { suggestionIn } from '../../core/base/schema';
import type { Severity } from '../../core/notebook';
import type { NotebookModel } from './cellText';

export interface CellDiagnostic {
  editorIndex: number;
  /** 0-based, relative to the editor cell's text. */
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  message: string;
  severity: Severity;
  code: string;
}

export function cellDiagnostics(model: NotebookModel): CellDiagnostic[] {
  const out: CellDiagnostic[] = [];
  const { parsed, places } = model;
  for (const d of parsed.diagnostics) {
    const cell = d.cellIndex >= 0 ? parsed.cells[d.cellIndex] : undefined;
    const place = d.cellIndex >= 0 ? places[d.cellIndex] : places[0];
    if (!place) continue;
    let message = d.message;
    let start = { line: 0, column: 0 };
    let end = { line: 0, column: 0 };
    if (!cell) {
      message = `before the first cell: ${message}`;
    } else {
      const toValue = (line: number) => place.headerValueLine + (line - cell.headerLine);
      start = { line: toValue(d.range.start.line), column: d.range.start.column };
      end = { line: toValue(d.range.end.line), column: d.range.end.column };
      if (start.line < 0) {
        // The marker is kept in metadata: point at the top of the cell and say where the fault is.
        message = `in the cell marker: ${message}`;
        start = { line: 0, column: 0 };
        end = end.line < 0 ? { line: 0, column: 0 } : end;
      }
      if (end.line < start.line || (end.line === start.line && end.column < start.column)) end = { ...start };
    }
    out.push({
      editorIndex: place.editorIndex,
      startLine: start.line,
      startColumn: start.column,
      endLine: end.line,
      endColumn: end.column,
      message,
      severity: d.severity,
      code: d.code,
    });
  }
  return out;
}

/**
 * The edit a "did you mean" diagnostic offers: the suggested name in place of the text at its range,
 * when that text is the unknown name the message quotes (keeping the text's own quotes). Undefined otherwise.
 */
export function didYouMeanFix(message: string, rangeText: string): { title: string; text: string } | undefined {
  const s = suggestionIn(message);
  const quoted = /^(['"])(.*)\1$/.exec(rangeText);
  const name = quoted ? quoted[2] : rangeText;
  if (!s || !name || name !== s.name || name === s.near) return undefined;
  const near = s.near;
  return { title: `Change to '${near}'`, text: quoted ? `${quoted[1]}${near}${quoted[1]}` : near };
}
