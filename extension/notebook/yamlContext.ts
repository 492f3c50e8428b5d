/**
 * Where the cursor is in a phase cell's YAML body, for completion and hovers: typing a key (and
 * under which parent keys), typing a value of a key, or on a key name. Line-based and forgiving:
 * the text is usually half-written while this runs. Pure.
 */

export type PositionContext =
  | { type: 'key'; path: string[]; prefix: string; siblings: string[] }
  | { type: 'value'; path: string[]; key: string; prefix: string; inList: boolean }
  /** `- x` under `key:`: a value of that list, or the first key of a mapping in it. */
  | { type: 'item'; path: string[]; key: string; prefix: string; siblings: string[] }
  | { type: 'marker'; prefix: string }
  | { type: 'none' };

const KEY_LINE = /^(\s*)(?:-\s+)?([A-Za-z_][\w-]*)\s*:(.*)$/;
const PARTIAL_KEY = /^(\s*)(?:-\s+)?([A-Za-z_][\w-]*)?$/;

function indentOf(line: string): number {
  return /^\s*/.exec(line)?.[0].length ?? 0;
}

function isBlankOrComment(line: string): boolean {
  return /^\s*(#.*)?$/.test(line);
}

/** The keys that open the mappings containing `lineIndex` at `indent`, outermost first. */
export function parentPath(lines: readonly string[], lineIndex: number, indent: number): string[] {
  const path: string[] = [];
  let limit = indent;
  for (let i = lineIndex - 1; i >= 0 && limit > 0; i--) {
    const line = lines[i];
    if (isBlankOrComment(line)) continue;
    const ind = indentOf(line);
    if (ind >= limit) continue;
    const m = KEY_LINE.exec(line);
    if (m && m[3].trim() === '') path.unshift(m[2]);
    else if (!/^\s*-/.test(line)) return path;
    limit = ind;
  }
  return path;
}

/** Keys written at `indent` in the block that holds `lineIndex` (siblings, for "already there"). */
export function siblingKeys(lines: readonly string[], lineIndex: number, indent: number): string[] {
  const keys: string[] = [];
  const inBlock = (i: number) => {
    const line = lines[i];
    if (isBlankOrComment(line)) return true;
    return indentOf(line) >= indent;
  };
  let start = lineIndex;
  while (start > 0 && inBlock(start - 1)) start--;
  let end = lineIndex;
  while (end < lines.length - 1 && inBlock(end + 1)) end++;
  for (let i = start; i <= end; i++) {
    if (i === lineIndex) continue;
    const m = KEY_LINE.exec(lines[i]);
    if (m && m[1].length === indent) keys.push(m[2]);
  }
  return keys;
}

/** Keys of the list item that starts on `lineIndex`, written on the lines below it. */
function itemKeysBelow(lines: readonly string[], lineIndex: number, indent: number): string[] {
  const keys: string[] = [];
  for (let i = lineIndex + 1; i < lines.length; i++) {
    const l = lines[i];
    if (isBlankOrComment(l)) continue;
    if (indentOf(l) < indent) break;
    const m = KEY_LINE.exec(l);
    if (m && m[1].length === indent) keys.push(m[2]);
  }
  return keys;
}

export function positionContext(text: string, line: number, column: number): PositionContext {
  const lines = text.split('\n');
  const current = lines[line] ?? '';
  const before = current.slice(0, column);
  if (before.startsWith('# %%')) return { type: 'marker', prefix: before.slice(4).trimStart() };
  if (/^\s*#/.test(before)) return { type: 'none' };
  const item = /^(\s*)-\s+([\w-]*)$/.exec(before);
  if (item) {
    const path = parentPath(lines, line, item[1].length + 1);
    const key = path.pop();
    if (key)
      return {
        type: 'item',
        path,
        key,
        prefix: item[2],
        siblings: itemKeysBelow(lines, line, before.length - item[2].length),
      };
  }
  const partial = PARTIAL_KEY.exec(before);
  if (partial) {
    const prefix = partial[2] ?? '';
    const indent = before.length - prefix.length;
    return { type: 'key', path: parentPath(lines, line, indent), prefix, siblings: siblingKeys(lines, line, indent) };
  }
  const keyed = KEY_LINE.exec(before);
  if (keyed) {
    const rest = keyed[3];
    const inList = /\[[^\]]*$/.test(rest);
    const prefix = /([^\s,[{'"]*)$/.exec(rest)?.[1] ?? '';
    return { type: 'value', path: parentPath(lines, line, keyed[1].length), key: keyed[2], prefix, inList };
  }
  return { type: 'none' };
}

/** The key under the cursor (with its parent keys), when the cursor is on a key name. */
export function keyAt(
  text: string,
  line: number,
  column: number,
): { path: string[]; key: string; start: number; end: number } | undefined {
  const lines = text.split('\n');
  const current = lines[line] ?? '';
  const m = KEY_LINE.exec(current);
  if (!m) return undefined;
  const start = current.indexOf(m[2], m[1].length);
  const end = start + m[2].length;
  if (column < start || column > end) return undefined;
  return { path: parentPath(lines, line, m[1].length), key: m[2], start, end };
}
