/**
 * How the editor's cells carry the `.pipeline` format: the marker line and the byte-exact layout
 * (core EditorCellMeta) live in cell metadata under `phasebook`, the preamble in notebook metadata.
 * Pure: no vscode import, so the serializer mapping and the text the kernel sees are testable.
 */
import {
  fromEditorCells,
  isMarkerLine,
  parseNotebook,
  splitLines,
  type EditorCellInput,
  type EditorCellMeta,
  type EditorLanguage,
  type ParsedNotebook,
} from '../../core/notebook';
import { parseMarker } from '../../core/notebook/marker';

/** Key of this extension's entry in cell and notebook metadata. */
export const META_KEY = 'phasebook';

export interface CellMetadata {
  /** The marker line without its line ending, e.g. `# %% features returns`. */
  header?: string;
  layout?: Partial<EditorCellMeta>;
}

export interface NotebookMetadata {
  /** Anything before the first marker, exactly. */
  preamble?: string;
}

/** What the mapping needs of an editor cell (vscode.NotebookCell or NotebookCellData). */
export interface CellLike {
  isMarkdown: boolean;
  languageId: string;
  value: string;
  metadata: Readonly<Record<string, unknown>> | undefined;
}

export function cellMetadataOf(metadata: Readonly<Record<string, unknown>> | undefined): CellMetadata {
  const m = metadata?.[META_KEY];
  if (!m || typeof m !== 'object') return {};
  const o = m as Record<string, unknown>;
  const out: CellMetadata = {};
  if (typeof o.header === 'string') out.header = o.header;
  if (o.layout && typeof o.layout === 'object') out.layout = o.layout as Partial<EditorCellMeta>;
  return out;
}

export function notebookMetadataOf(metadata: Readonly<Record<string, unknown>> | undefined): NotebookMetadata {
  const m = metadata?.[META_KEY];
  if (!m || typeof m !== 'object') return {};
  const preamble = (m as Record<string, unknown>).preamble;
  return typeof preamble === 'string' ? { preamble } : {};
}

function languageOf(cell: CellLike): EditorLanguage {
  if (cell.isMarkdown || cell.languageId === 'markdown') return 'markdown';
  return cell.languageId === 'typescript' ? 'typescript' : 'yaml';
}

export function editorCellInput(cell: CellLike): EditorCellInput {
  const meta = cellMetadataOf(cell.metadata);
  const language = languageOf(cell);
  return {
    type: language === 'markdown' ? 'markdown' : 'code',
    language,
    value: cell.value,
    header: meta.header,
    meta: meta.layout,
  };
}

/**
 * True when the cell's marker is the first line of its text (a new cell typed or inserted from a
 * snippet starting with `# %% kind`), rather than kept in metadata.
 */
export function hasInlineMarker(cell: CellLike): boolean {
  const header = cellMetadataOf(cell.metadata).header;
  if (header !== undefined && isMarkerLine(header)) return false;
  const first = splitLines(cell.value)[0];
  return !!first && isMarkerLine(first.text);
}

/** The `.pipeline` text of an editor notebook: what is saved and what the kernel runs. */
export function notebookTextOf(preamble: string, cells: readonly CellLike[]): string {
  return fromEditorCells(preamble, cells.map(editorCellInput));
}

/** The phase kind a cell's marker names ('' for a bare marker or a new cell without one). */
export function kindOfCell(cell: CellLike): string {
  const header = cellMetadataOf(cell.metadata).header;
  let line = header !== undefined && isMarkerLine(header) ? header : undefined;
  if (line === undefined && hasInlineMarker(cell)) line = splitLines(cell.value)[0]?.text;
  if (line === undefined) return cell.isMarkdown ? 'md' : cell.languageId === 'typescript' ? 'ts' : '';
  return parseMarker(line).kind?.text ?? '';
}

/** Where a parsed cell sits in the editor: its editor cell and the value line of its marker. */
export interface CellPlace {
  editorIndex: number;
  /** Line of the marker in the editor cell's text; -1 when the marker is kept in metadata. */
  headerValueLine: number;
}

/** The editor notebook parsed as the kernel will see it. */
export interface NotebookModel {
  text: string;
  parsed: ParsedNotebook;
  /** Per parsed cell: where it is in the editor (a `# %%` line typed inside a cell opens another). */
  places: CellPlace[];
  /** Per editor cell: index of its (first) parsed cell. */
  primary: number[];
  /** Cell name per editor cell index (core names: explicit, or `kind`, `kind_2`...). */
  names: string[];
}

export function modelOf(preamble: string, cells: readonly CellLike[], file?: string): NotebookModel {
  const text = notebookTextOf(preamble, cells);
  const parsed = parseNotebook(text, { file });
  const places: CellPlace[] = [];
  const primary: number[] = [];
  cells.forEach((cell, editorIndex) => {
    primary.push(places.length);
    const inline = hasInlineMarker(cell);
    if (!inline) places.push({ editorIndex, headerValueLine: -1 });
    splitLines(cell.value).forEach((line, i) => {
      if (isMarkerLine(line.text)) places.push({ editorIndex, headerValueLine: i });
    });
  });
  const names = primary.map((p) => parsed.cells[p]?.name ?? '');
  return { text, parsed, places, primary, names };
}

/** The editor cell index of a core cell name (-1 when no cell has it). */
export function editorIndexOfName(model: NotebookModel, name: string): number {
  const p = model.parsed.cells.findIndex((c) => c.name === name);
  return p < 0 ? -1 : (model.places[p]?.editorIndex ?? -1);
}
