/**
 * Upstream references as written in a cell: the YAML `from:` key of a phase cell (a name, a
 * comma-separated list of names, or a YAML list), or the `// from: a, b` line of a ts cell.
 * Each name keeps its exact range for "unknown from" and cycle diagnostics.
 */
import { isScalar, isSeq, type Pair } from 'yaml';
import type { BodyLocator } from './locate';
import type { Range } from './types';

export interface FromRefs {
  names: string[];
  ranges: Range[];
  /** The reference was written but is not usable (wrong type): do not imply an upstream. */
  broken: boolean;
}

/** Names in a comma-separated text starting at `offset`, each with its own offsets. */
function namesIn(text: string, offset: number): { name: string; start: number; end: number }[] {
  const out: { name: string; start: number; end: number }[] = [];
  const re = /[^,\s][^,]*/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const name = m[0].trimEnd();
    out.push({ name, start: offset + m.index, end: offset + m.index + name.length });
  }
  return out;
}

function scalarRefs(loc: BodyLocator, node: unknown): { name: string; range: Range }[] | undefined {
  if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return undefined;
  const [start, end] = node.range;
  const raw = loc.source.slice(start, end);
  const quoted = raw.startsWith('"') || raw.startsWith("'");
  // A quoted scalar: offsets inside the quotes are exact unless it holds escapes; locate by search.
  if (quoted) {
    const found: { name: string; range: Range }[] = [];
    let cursor = start;
    for (const n of namesIn(node.value, 0)) {
      const at = loc.source.indexOf(n.name, cursor);
      const s = at >= 0 && at < end ? at : start;
      found.push({ name: n.name, range: loc.range(s, at >= 0 && at < end ? s + n.name.length : end) });
      cursor = at >= 0 ? at + n.name.length : cursor;
    }
    return found;
  }
  return namesIn(raw, start).map((n) => ({ name: n.name, range: loc.range(n.start, n.end) }));
}

export function fromYaml(loc: BodyLocator, pair: Pair<unknown, unknown> | undefined): FromRefs | undefined {
  if (!pair) return undefined;
  const refs: FromRefs = { names: [], ranges: [], broken: false };
  const add = (list: { name: string; range: Range }[] | undefined): boolean => {
    if (!list) return false;
    for (const r of list) {
      refs.names.push(r.name);
      refs.ranges.push(r.range);
    }
    return true;
  };
  const value = pair.value;
  if (isSeq(value)) {
    for (const item of value.items) if (!add(scalarRefs(loc, item))) refs.broken = true;
  } else if (!add(scalarRefs(loc, value))) {
    refs.broken = true;
  }
  return refs;
}

const TS_FROM_RE = /^([ \t]*\/\/[ \t]*from[ \t]*:)(.*)$/m;

/** The first `// from: a, b` line of a ts cell body, if any. */
export function fromTsComment(loc: BodyLocator): FromRefs | undefined {
  const m = TS_FROM_RE.exec(loc.source);
  if (!m) return undefined;
  const offset = m.index + m[1].length;
  const found = namesIn(m[2], offset);
  return { names: found.map((n) => n.name), ranges: found.map((n) => loc.range(n.start, n.end)), broken: false };
}
