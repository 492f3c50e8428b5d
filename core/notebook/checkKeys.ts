/**
 * Schema checks of a cell's YAML config against its phase's key specs: unknown keys (with a
 * "did you mean"), wrong value types (at the value, or the nested element at fault) and missing
 * required keys (at the marker line).
 */
import type { Node, Pair } from 'yaml';
import { checkType, closest, didYouMean, type KeySpecs, type ValueProblem } from '../base/schema';
import type { BodyLocator } from './locate';
import type { Diagnostic, DiagnosticCode, Range } from './types';
import { nodeAtPath, nodeRange, valueTextStart, type YamlBody } from './yamlBody';

export interface KeyCheckInput {
  body: YamlBody;
  loc: BodyLocator;
  /** Every key the cell accepts. */
  specs: KeySpecs;
  cellIndex: number;
  /** Where to put "missing required key" (the marker line). */
  headerRange: Range;
  /** Words for messages: "phase 'load'" or "the settings cell". */
  owner: string;
}

function codeFor(message: string): DiagnosticCode {
  if (message.startsWith('unknown key')) return 'unknown-key';
  if (message.startsWith('missing required key')) return 'missing-key';
  return 'wrong-type';
}

function joinPath(key: string, sub: string): string {
  if (!sub) return key;
  return sub.startsWith('[') ? `${key}${sub}` : `${key}.${sub}`;
}

/** A `check` problem at the nested value it names, from `offset` to the end of that value. */
function checkDiagnostic(input: KeyCheckInput, key: string, pair: Pair<unknown, unknown>, p: ValueProblem): Diagnostic {
  const { loc, cellIndex, headerRange } = input;
  const node = nodeAtPath(pair, p.path);
  const start = valueTextStart(node);
  const end = (node as Node | null)?.range?.[1];
  const range =
    start !== undefined && end !== undefined
      ? loc.range(Math.min(start + (p.offset ?? 0), end), end)
      : nodeRange(loc, pair.key, headerRange);
  return { severity: 'error', code: 'wrong-type', cellIndex, key: joinPath(key, p.path), range, message: p.message };
}

export function checkKeys(input: KeyCheckInput): Diagnostic[] {
  const { body, loc, specs, cellIndex, headerRange, owner } = input;
  const out: Diagnostic[] = [];
  const known = Object.keys(specs);
  for (const [key, pair] of body.pairs) {
    const keyRange = nodeRange(loc, pair.key, headerRange);
    const spec = specs[key];
    if (!spec) {
      const near = closest(key, known);
      out.push({
        severity: 'error',
        code: 'unknown-key',
        cellIndex,
        key,
        range: keyRange,
        message: `unknown key '${key}' for ${owner}${didYouMean(near)}`,
      });
      continue;
    }
    if (!body.ok) continue;
    const problem = checkType(body.config[key], spec.type);
    if (!problem) {
      const extra = spec.check?.(body.config[key]);
      if (extra) out.push(checkDiagnostic(input, key, pair, extra));
      continue;
    }
    const code = codeFor(problem.message);
    const node = nodeAtPath(pair, problem.path, code === 'unknown-key');
    const valueEnd = keyRange.end;
    out.push({
      severity: 'error',
      code,
      cellIndex,
      key,
      range: pair.value ? nodeRange(loc, node, keyRange) : { start: valueEnd, end: valueEnd },
      message: `key '${joinPath(key, problem.path)}': ${problem.message}`,
    });
  }
  if (!body.ok) return out;
  for (const [key, spec] of Object.entries(specs)) {
    if (spec.fanOutOf && body.pairs.has(key) && body.pairs.has(spec.fanOutOf)) {
      const range = nodeRange(loc, body.pairs.get(key)?.key, headerRange);
      out.push({
        severity: 'error',
        code: 'wrong-type',
        cellIndex,
        key,
        range,
        message: `'${key}' fans the cell out over '${spec.fanOutOf}' values: remove '${spec.fanOutOf}:' (or '${key}:')`,
      });
    }
    const fannedOut = Object.entries(specs).some(([k, s]) => s.fanOutOf === key && body.pairs.has(k));
    if (spec.required && !body.pairs.has(key) && !fannedOut) {
      out.push({
        severity: 'error',
        code: 'missing-key',
        cellIndex,
        key,
        range: headerRange,
        message: `missing required key '${key}' for ${owner}`,
      });
    }
  }
  return out;
}
