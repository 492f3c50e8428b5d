/**
 * The mapping between raw cells and the cells an editor shows (used by the VS Code serializer).
 *
 * An editor cell's value is its body with EOLs normalised to "\n" and without the run of line
 * endings that closes it (the blank lines before the next marker live in meta.trailing). When the
 * body used other line endings, meta.raw keeps it exactly. Writing back with unchanged values
 * reproduces the file byte for byte; an edited value is written with the cell's own line ending,
 * and a new cell gets a `# %% <kind>` marker and the file's dominant line ending.
 */
import { COMMON_KEYS, SETTINGS_KEYS, SETTINGS_KIND, allSchemas } from '../spec/registry';
import { MARKDOWN_KINDS, TS_KIND, markerFor, parseMarker } from './marker';
import { dominantEol, headerParts, isMarkerLine, normaliseEols, splitLines } from './split';
import type { NotebookText } from './types';

export { markerFor };

export type EditorLanguage = 'yaml' | 'typescript' | 'markdown';

export interface EditorCellMeta {
  /** The marker line's own line ending ("" when the file ends on the marker). */
  eol: string;
  /** The line endings that close the body (its last line ending plus any blank lines). */
  trailing: string;
  /**
   * The body without `trailing`, exactly, when "\n" is not its line ending (CRLF or CR lines, or a
   * single line under a CRLF/CR marker). Absent means: written with "\n".
   */
  raw?: string;
}

export interface EditorCell {
  type: 'markdown' | 'code';
  language: EditorLanguage;
  value: string;
  /** The marker line, exactly, without its line ending. */
  header: string;
  meta: EditorCellMeta;
}

/** A cell coming back from the editor: new cells may lack a header and meta. */
export interface EditorCellInput {
  type: 'markdown' | 'code';
  language: EditorLanguage;
  value: string;
  header?: string;
  meta?: Partial<EditorCellMeta>;
}

const TRAILING_EOLS = /(?:\r\n|\r|\n)+$/;
const BOM = '\uFEFF';

export function languageOfKind(kind: string | undefined): EditorLanguage {
  if (kind !== undefined && MARKDOWN_KINDS.includes(kind)) return 'markdown';
  return kind === TS_KIND ? 'typescript' : 'yaml';
}

export function toEditorCells(nt: NotebookText): EditorCell[] {
  return nt.cells.map((raw) => {
    const head = headerParts(raw.header);
    const language = languageOfKind(parseMarker(head.text).kind?.text);
    const trailing = TRAILING_EOLS.exec(raw.body)?.[0] ?? '';
    const content = raw.body.slice(0, raw.body.length - trailing.length);
    const value = normaliseEols(content);
    const meta: EditorCellMeta = { eol: head.eol, trailing };
    // raw is kept whenever "\n" would not be the right line ending to write this body with.
    if (content !== value || (!content.includes('\n') && head.eol !== '\n' && head.eol !== '')) meta.raw = content;
    return { type: language === 'markdown' ? 'markdown' : 'code', language, value, header: head.text, meta };
  });
}

/**
 * The kind for a new YAML cell without a marker: the one registered phase whose keys cover every
 * top-level key written (or `settings`); '' (a bare `# %%`, reported as "no kind") when unsure.
 */
export function inferKind(value: string): string {
  const keys = [...value.matchAll(/^([A-Za-z_][\w-]*)[ \t]*:/gm)].map((m) => m[1]);
  const own = keys.filter((k) => !(k in COMMON_KEYS));
  if (!own.length) return '';
  const fits = allSchemas().filter((p) => own.every((k) => k in p.keys));
  if (fits.length === 1) return fits[0].kind;
  if (!fits.length && keys.every((k) => k in SETTINGS_KEYS)) return SETTINGS_KIND;
  return '';
}

function kindForNewCell(cell: EditorCellInput): string {
  if (cell.type === 'markdown' || cell.language === 'markdown') return 'md';
  if (cell.language === 'typescript') return TS_KIND;
  return inferKind(cell.value);
}

function endsWithEol(s: string): boolean {
  return /[\r\n]$/.test(s);
}

function fileEol(preamble: string, cells: readonly EditorCellInput[]): string {
  let sample = preamble;
  for (const c of cells) sample += `${c.meta?.eol ?? ''}${c.meta?.raw ?? ''}${c.meta?.trailing ?? ''}`;
  return dominantEol(sample);
}

/** The line ending for an edited or new body: the body's own, else its marker's, else the file's. */
function bodyEol(meta: Partial<EditorCellMeta> | undefined, fileEolValue: string): string {
  if (!meta) return fileEolValue;
  if (meta.raw === undefined) return '\n';
  if (/[\r\n]/.test(meta.raw)) return dominantEol(meta.raw);
  return meta.eol || fileEolValue;
}

export function fromEditorCells(preamble: string, cells: readonly EditorCellInput[]): string {
  const eol = fileEol(preamble, cells);
  let out = preamble;
  cells.forEach((input, i) => {
    const isLast = i === cells.length - 1;
    let header = input.header;
    let value = input.value;
    if (header === undefined || !isMarkerLine(header)) {
      const first = splitLines(value)[0];
      if (first && isMarkerLine(first.text)) {
        header = first.text;
        value = value.slice(first.text.length + first.eol.length);
      } else header = markerFor(kindForNewCell(input));
    }
    const meta = input.meta ?? {};
    let content: string;
    if (meta.raw !== undefined && normaliseEols(meta.raw) === value) content = meta.raw;
    else content = value.replace(/\r\n|\r|\n/g, bodyEol(input.meta, eol));
    const trailing = meta.trailing ?? (isLast ? eol : eol + eol);
    let headerEol = meta.eol ?? eol;
    if (headerEol === '' && (content !== '' || trailing !== '')) headerEol = eol;
    if (out !== '' && out !== BOM && !endsWithEol(out)) out += eol;
    out += header + headerEol + content + trailing;
  });
  return out;
}
