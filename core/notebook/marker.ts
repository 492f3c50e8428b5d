/**
 * The marker line of a cell: `# %% <kind> [<name>]`.
 *
 * `md` (or `markdown`) opens a markdown cell, `ts` a TypeScript cell, `settings` the notebook's
 * options, anything else a phase cell of that kind. Tokens keep their columns for diagnostics.
 */
import { MARKER_PREFIX } from './split';

export const MARKDOWN_KINDS: readonly string[] = ['md', 'markdown'];
export const TS_KIND = 'ts';

/** A name is one identifier-like segment. */
export const NAME_RE = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export interface Token {
  text: string;
  /** 0-based column in the marker line. */
  column: number;
}

export interface Marker {
  /** The kind token; undefined for a bare `# %%`. */
  kind?: Token;
  name?: Token;
  /** Anything after the name (an error). */
  extra?: Token;
}

export function parseMarker(lineText: string): Marker {
  const tokens: Token[] = [];
  const re = /\S+/g;
  const rest = lineText.slice(MARKER_PREFIX.length);
  for (let m = re.exec(rest); m; m = re.exec(rest)) tokens.push({ text: m[0], column: MARKER_PREFIX.length + m.index });
  const marker: Marker = { kind: tokens[0], name: tokens[1] };
  if (tokens.length > 2) {
    const first = tokens[2];
    const last = tokens[tokens.length - 1];
    marker.extra = { text: lineText.slice(first.column, last.column + last.text.length), column: first.column };
  }
  return marker;
}

/** The marker line (without line ending) for a new cell. */
export function markerFor(kind: string, name?: string): string {
  if (!kind) return MARKER_PREFIX;
  return name ? `${MARKER_PREFIX} ${kind} ${name}` : `${MARKER_PREFIX} ${kind}`;
}

export function isValidName(name: string): boolean {
  return NAME_RE.test(name);
}
