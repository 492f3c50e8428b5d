/**
 * The YAML body of a phase or settings cell: parsed with the `yaml` Document API so that every key
 * and value keeps its exact offset, then turned into a plain config object.
 */
import { isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { BodyLocator } from './locate';
import type { Diagnostic, KeyPlace, Position, Range } from './types';

export interface YamlBody {
  /** The parsed config ({} when the body is empty, not a mapping, or has syntax errors). */
  config: Record<string, unknown>;
  /** False when the YAML has syntax errors or is not a mapping. */
  ok: boolean;
  /** Top-level pairs, by key, when the body is a mapping. */
  pairs: Map<string, Pair<unknown, unknown>>;
  keyPositions: Record<string, Position>;
  /** Every nested key and list element ('a', 'a.b', 'a[0]', 'a[0].b'): where its key and its value text start. */
  keyPaths: Record<string, KeyPlace>;
  diagnostics: Diagnostic[];
}

function describeNode(node: unknown): string {
  if (isSeq(node)) return 'a list';
  if (isScalar(node))
    return typeof node.value === 'string' ? `the text '${node.value}'` : `the value ${String(node.value)}`;
  return 'something else';
}

function yamlMessage(code: string, message: string): string {
  if (code === 'MULTIPLE_DOCS') return "invalid YAML: a cell holds one YAML document (remove the '---' line)";
  return `invalid YAML: ${message}`;
}

export function parseYamlBody(loc: BodyLocator, cellIndex: number): YamlBody {
  const out: YamlBody = { config: {}, ok: true, pairs: new Map(), keyPositions: {}, keyPaths: {}, diagnostics: [] };
  const doc: Document = parseDocument(loc.source, { prettyErrors: false });
  for (const e of doc.errors) {
    out.ok = false;
    out.diagnostics.push({
      severity: 'error',
      code: 'yaml',
      cellIndex,
      message: yamlMessage(e.code, e.message),
      range: loc.range(e.pos[0], e.pos[1]),
    });
  }
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) return out;
  if (!isMap(contents)) {
    out.ok = false;
    const r = contents.range ?? [0, loc.source.length, loc.source.length];
    out.diagnostics.push({
      severity: 'error',
      code: 'wrong-type',
      cellIndex,
      message: `the cell body must be a mapping of keys (like 'key: value'), got ${describeNode(contents)}`,
      range: loc.range(r[0], r[1]),
    });
    return out;
  }
  for (const pair of (contents as YAMLMap<unknown, unknown>).items) {
    const key = pair.key;
    const name = isScalar(key) ? String(key.value) : String(key);
    if (!out.pairs.has(name)) out.pairs.set(name, pair);
    const r = (key as Node | null)?.range;
    if (r && !(name in out.keyPositions)) out.keyPositions[name] = loc.position(r[0]);
    if (!(name in out.keyPaths)) collectPaths(loc, name, pair.key, pair.value, out.keyPaths);
  }
  if (!out.ok) return out;
  try {
    const js: unknown = doc.toJS({ maxAliasCount: 100 });
    if (js && typeof js === 'object' && !Array.isArray(js)) out.config = js as Record<string, unknown>;
  } catch (e) {
    out.ok = false;
    out.diagnostics.push({
      severity: 'error',
      code: 'yaml',
      cellIndex,
      message: `invalid YAML: ${(e as Error).message}`,
      range: loc.range(0, 0),
    });
  }
  return out;
}

/** Range of a node's value (without trailing comments), or of a fallback position. */
export function nodeRange(loc: BodyLocator, node: unknown, fallback: Range): Range {
  const r = (node as Node | null)?.range;
  return r ? loc.range(r[0], r[1]) : fallback;
}

/**
 * The node at a checkType path below a top-level pair ('' = the value itself, 'a.b', '[2]', 'x[0].y').
 * Returns the deepest node that exists; with `wantKey`, the key node of the last map step.
 */
export function nodeAtPath(pair: Pair<unknown, unknown>, path: string, wantKey = false): unknown {
  let node: unknown = pair.value ?? pair.key;
  let keyNode: unknown = pair.key;
  const steps = [...path.matchAll(/\.?([^.[\]]+)|\[(\d+)\]/g)];
  for (const s of steps) {
    if (s[2] !== undefined && isSeq(node)) {
      const next = node.items[Number(s[2])];
      if (next === undefined) break;
      node = next;
    } else if (s[1] !== undefined && isMap(node)) {
      const p = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === s[1]);
      if (!p) break;
      keyNode = p.key;
      node = p.value ?? p.key;
    } else break;
  }
  return wantKey ? keyNode : node;
}

/** Offset of the first character of a node's value text: after the opening quote of a quoted scalar. */
export function valueTextStart(node: unknown): number | undefined {
  const r = (node as Node | null)?.range;
  if (!r) return undefined;
  const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
  return r[0] + (quoted ? 1 : 0);
}

/** Records `path` and every key and list element below it. */
function collectPaths(
  loc: BodyLocator,
  path: string,
  key: unknown,
  value: unknown,
  into: Record<string, KeyPlace>,
): void {
  const place: KeyPlace = {};
  const kr = (key as Node | null)?.range;
  if (kr) place.key = loc.position(kr[0]);
  const vs = valueTextStart(value);
  if (vs !== undefined) place.value = loc.position(vs);
  if (!(path in into)) into[path] = place;
  if (isMap(value)) {
    for (const it of value.items) {
      if (isPair(it) && isScalar(it.key)) collectPaths(loc, `${path}.${String(it.key.value)}`, it.key, it.value, into);
    }
  } else if (isSeq(value)) {
    value.items.forEach((it, i) => collectPaths(loc, `${path}[${i}]`, undefined, it, into));
  }
}
