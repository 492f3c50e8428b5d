/**
 * What the phase registry says about a cell's keys, shaped for completion, hovers and snippets.
 * Pure over the phase kinds' light schemas (core/phases/specs/, the single source of kinds, keys and docs).
 */
import { COMMON_KEYS, SETTINGS_KEYS, SETTINGS_KIND, allSchemas, getSchema } from '../../core/spec/registry';
import { describeType, type KeySpec, type KeySpecs, type ValueType } from '../../core/base/schema';
import '../../core/phases/specs/all';

export interface KindInfo {
  kind: string;
  doc: string;
}

/** Every kind a marker may name: registered phases, then settings, markdown and TypeScript. */
export function markerKinds(): KindInfo[] {
  return [
    ...allSchemas().map((p) => ({ kind: p.kind, doc: p.doc })),
    { kind: SETTINGS_KIND, doc: 'Notebook-wide options: seed, autorun/lazy mode, artifact roots.' },
    { kind: 'md', doc: 'A markdown cell.' },
    { kind: 'ts', doc: 'A TypeScript cell: exports a function of its upstream frames.' },
  ];
}

export function kindDoc(kind: string): string | undefined {
  return markerKinds().find((k) => k.kind === kind)?.doc;
}

/** The keys of the mappings a value type holds (a block, a list of blocks, an option of either). */
export function objectKeys(type: ValueType): Record<string, KeySpec> | undefined {
  switch (type.type) {
    case 'object':
      return type.keys;
    case 'list':
      return objectKeys(type.of);
    case 'oneOf':
      for (const o of type.options) {
        const k = objectKeys(o);
        if (k) return k;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** The keys allowed at `path` in a cell of `kind` (top level: the phase's keys and the common ones). */
export function keySpecsAt(kind: string, path: readonly string[]): KeySpecs | undefined {
  let specs: KeySpecs | undefined =
    kind === SETTINGS_KIND ? SETTINGS_KEYS : getSchema(kind) ? { ...getSchema(kind)?.keys, ...COMMON_KEYS } : undefined;
  for (const p of path) {
    const spec: KeySpec | undefined = specs?.[p];
    specs = spec ? objectKeys(spec.type) : undefined;
  }
  return specs;
}

export function keySpecAt(kind: string, path: readonly string[], key: string): KeySpec | undefined {
  return keySpecsAt(kind, path)?.[key];
}

/**
 * A phase doc as markdown that shows as written: outside `code spans`, the characters markdown
 * reads as emphasis or markup are escaped (`{col}_roll_{stat}_{w}` would otherwise turn italic).
 */
export function docMarkdown(doc: string): string {
  return doc
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/[\\*_~[\]<>#|]/g, (c) => `\\${c}`)))
    .join('');
}

/** Markdown documentation of one key: what it is, its type, required/default. */
export function keyDocMarkdown(name: string, spec: KeySpec): string {
  const facts = [`\`${name}\`: ${describeType(spec.type)}`];
  if (spec.required) facts.push('required');
  if (spec.default !== undefined) facts.push(`default \`${JSON.stringify(spec.default)}\``);
  return `${facts.join(' · ')}\n\n${docMarkdown(spec.doc)}`;
}

/** Values worth offering for a key: enum members, true/false. */
export function valueChoices(type: ValueType): string[] {
  switch (type.type) {
    case 'string':
      return type.enum ? [...type.enum] : [];
    case 'boolean':
      return ['true', 'false'];
    case 'list':
      return valueChoices(type.of);
    case 'oneOf':
      return [...new Set(type.options.flatMap(valueChoices))];
    default:
      return [];
  }
}

function placeholder(n: number, spec: KeySpec): string {
  if (spec.default !== undefined) {
    const text = typeof spec.default === 'string' ? spec.default : JSON.stringify(spec.default);
    return `\${${n}:${text.replace(/[$}\\]/g, '\\$&')}}`;
  }
  const choices = valueChoices(spec.type);
  if (choices.length) return `\${${n}|${choices.join(',')}|}`;
  if (spec.type.type === 'list') return `[\${${n}}]`;
  return `\${${n}}`;
}

/** A snippet body for a new cell of `kind`: its marker line and its required keys (or its first key). */
export function cellSnippet(kind: string): string[] {
  const keys = Object.entries(keySpecsAt(kind, []) ?? {}).filter(([k]) => !(k in COMMON_KEYS));
  const required = keys.filter(([, s]) => s.required);
  const shown = required.length ? required : keys.slice(0, 1);
  const lines = [`# %% ${kind}`];
  shown.forEach(([k, s], i) => {
    lines.push(s.type.type === 'object' ? `${k}:\n  \${${i + 1}}` : `${k}: ${placeholder(i + 1, s)}`);
  });
  lines.push('$0');
  return lines.join('\n').split('\n');
}
