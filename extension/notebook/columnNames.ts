/**
 * Column names for the editor (docs/design.md §9.5): the columns a phase cell's input frame had when its
 * upstream cells last ran, for completion after keys that take column names (`KeySpec.columns`) and for the
 * "unknown column (did you mean ...)" diagnostic before running. Pure: no vscode.
 */
import { closest, didYouMean, type KeySpec, type KeySpecs } from '../../core/base/schema';
import type { Cell } from '../../core/notebook';
import type { ColumnSchema } from '../../core/kernel/protocol';
import type { CellDiagnostic } from './cellDiagnostics';
import type { NotebookModel } from './cellText';
import { keySpecsAt, objectKeys } from './keyDocs';

/** What the kernel last said about a notebook's cells. */
export interface ColumnFacts {
  /** The columns of a cell's last dataset, when a run or restore reported one. */
  schemaOf(cell: string): ColumnSchema | undefined;
  /** The cell's inputs changed since it last ran: its last schema may not be what it makes now. */
  isStale(cell: string): boolean;
}

/** The columns of a cell's inputs (its `from:` cells, written or implied), or undefined when none is known. */
export function upstreamColumns(
  model: NotebookModel,
  editorIndex: number,
  schemaOf: (cell: string) => ColumnSchema | undefined,
): ColumnSchema | undefined {
  const cell = model.parsed.cells.find((c) => model.places[c.index]?.editorIndex === editorIndex);
  if (!cell || cell.type === 'markdown') return undefined;
  const known = cell.from.map(schemaOf).filter((s): s is ColumnSchema => !!s);
  if (!known.length) return undefined;
  return union(known);
}

function union(schemas: readonly ColumnSchema[]): ColumnSchema {
  const seen = new Map<string, string>();
  for (const s of schemas) for (const c of s) if (!seen.has(c.name)) seen.set(c.name, c.dtype);
  return [...seen].map(([name, dtype]) => ({ name, dtype }));
}

/** The columns a key takes besides the input's: the ones its cell makes before reading it. */
export function madeColumns(spec: KeySpec, config: Readonly<Record<string, unknown>>): readonly string[] {
  return typeof spec.columns === 'object' ? spec.columns.made(config) : [];
}

interface ColumnValue {
  /** The key path as in `Cell.keyPaths` ('target', 'columns[1]', 'rolling[0].column'). */
  path: string;
  name: string;
  spec: KeySpec;
}

/** Every column name written under a key that takes columns, nested blocks (rolling) included. */
function columnValues(specs: KeySpecs, config: Readonly<Record<string, unknown>>, prefix = ''): ColumnValue[] {
  const out: ColumnValue[] = [];
  for (const [key, spec] of Object.entries(specs)) {
    const value = config[key];
    const path = prefix ? `${prefix}.${key}` : key;
    if (value === undefined || value === null) continue;
    if (spec.columns) {
      if (typeof value === 'string') out.push({ path, name: value, spec });
      else if (Array.isArray(value))
        value.forEach((v, i) => typeof v === 'string' && out.push({ path: `${path}[${i}]`, name: v, spec }));
      continue;
    }
    const nested = objectKeys(spec.type);
    if (!nested || typeof value !== 'object') continue;
    const blocks = Array.isArray(value) ? value.map((v, i) => [`${path}[${i}]`, v] as const) : [[path, value] as const];
    for (const [p, v] of blocks)
      if (v && typeof v === 'object' && !Array.isArray(v))
        out.push(...columnValues(nested, v as Record<string, unknown>, p));
  }
  return out;
}

/** The first columns of a schema, for a message. */
function listed(names: readonly string[], max = 10): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown}, … (${names.length - max} more)` : shown;
}

/**
 * Column names no upstream cell had when it last ran, on the value at fault, with a "did you mean" the Quick Fix
 * applies. Silent for a cell whose inputs are not all known (never ran, or changed since: stale).
 */
export function columnDiagnostics(model: NotebookModel, facts: ColumnFacts): CellDiagnostic[] {
  const out: CellDiagnostic[] = [];
  for (const cell of model.parsed.cells) {
    const place = model.places[cell.index];
    if (cell.type !== 'phase' || !place || !cell.from.length) continue;
    if (cell.from.some((f) => facts.isStale(f))) continue;
    const schemas = cell.from.map((f) => facts.schemaOf(f));
    if (schemas.some((s) => !s)) continue;
    const input = union(schemas as ColumnSchema[]).map((c) => c.name);
    const specs = keySpecsAt(cell.kind, []);
    if (!specs) continue;
    for (const v of columnValues(specs, cell.config)) {
      const made = madeColumns(v.spec, cell.config);
      if (input.includes(v.name) || made.includes(v.name)) continue;
      const at = cell.keyPaths[v.path]?.value;
      if (!at) continue;
      out.push(unknownColumn(cell, place.headerValueLine, at, v.name, [...input, ...made], input, place.editorIndex));
    }
  }
  return out;
}

function unknownColumn(
  cell: Cell,
  headerValueLine: number,
  at: { line: number; column: number },
  name: string,
  candidates: readonly string[],
  input: readonly string[],
  editorIndex: number,
): CellDiagnostic {
  const line = headerValueLine + (at.line - cell.headerLine);
  const from = cell.from.map((f) => `'${f}'`).join(', ');
  return {
    editorIndex,
    startLine: line,
    startColumn: at.column,
    endLine: line,
    endColumn: at.column + name.length,
    message:
      `unknown column '${name}'${didYouMean(closest(name, candidates))}: ` +
      `the input from ${from} (as it last ran) has ${listed(input)}`,
    severity: 'warning',
    code: 'unknown-column',
  };
}
