/**
 * Cutting a `.pipeline` text into a preamble and raw cells, and gluing it back, byte for byte.
 *
 * A line ends at "\r\n", a lone "\r" or "\n". A marker is a line starting with `# %%`.
 * A byte-order mark at the very start is kept in the preamble, so a marker right after it still
 * opens a cell. joinNotebook(splitNotebook(x)) === x for every string x.
 */
import type { NotebookText, RawCell } from './types';

export const MARKER_PREFIX = '# %%';
const BOM = '\uFEFF';
const EOL_RE = /\r\n|\r|\n/g;

export interface Line {
  /** The line without its ending. */
  text: string;
  /** "\r\n", "\r", "\n" or "" (last line without an ending). */
  eol: string;
}

/** Lines of a text, endings kept apart; an empty text has no lines, a trailing EOL opens no extra line. */
export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  EOL_RE.lastIndex = 0;
  for (let m = EOL_RE.exec(text); m; m = EOL_RE.exec(text)) {
    lines.push({ text: text.slice(start, m.index), eol: m[0] });
    start = m.index + m[0].length;
  }
  if (start < text.length) lines.push({ text: text.slice(start), eol: '' });
  return lines;
}

/** Number of line endings in a text. */
export function countEols(text: string): number {
  return text.match(EOL_RE)?.length ?? 0;
}

/** Every line ending replaced by "\n". */
export function normaliseEols(text: string): string {
  return text.replace(EOL_RE, '\n');
}

/** The most frequent line ending of a text ("\n" when there is none; ties prefer "\n", then "\r\n"). */
export function dominantEol(text: string): string {
  const counts: Record<string, number> = { '\n': 0, '\r\n': 0, '\r': 0 };
  for (const m of text.match(EOL_RE) ?? []) counts[m]++;
  let best = '\n';
  for (const eol of ['\r\n', '\r']) if (counts[eol] > counts[best]) best = eol;
  return best;
}

export function isMarkerLine(lineText: string): boolean {
  return lineText.startsWith(MARKER_PREFIX);
}

export function splitNotebook(text: string): NotebookText {
  const hasBom = text.startsWith(BOM);
  let preamble = hasBom ? BOM : '';
  const cells: RawCell[] = [];
  let current: RawCell | undefined;
  for (const line of splitLines(hasBom ? text.slice(1) : text)) {
    const whole = line.text + line.eol;
    if (isMarkerLine(line.text)) {
      current = { header: whole, body: '' };
      cells.push(current);
    } else if (current) {
      current.body += whole;
    } else {
      preamble += whole;
    }
  }
  return { preamble, cells };
}

export function joinNotebook(nt: NotebookText): string {
  let out = nt.preamble;
  for (const c of nt.cells) out += c.header + c.body;
  return out;
}

/** The marker line of a raw cell without its ending, and that ending. */
export function headerParts(header: string): Line {
  const m = /(\r\n|\r|\n)$/.exec(header);
  return m ? { text: header.slice(0, m.index), eol: m[0] } : { text: header, eol: '' };
}
