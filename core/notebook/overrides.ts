/**
 * Cell overrides for one run (`phasebook run NB --config FILE.yaml`): a YAML mapping of cell name to
 * keys, e.g. `train: { alpha: 0.5 }`, applied over the notebook's own configs without editing it.
 * Each key replaces the cell's key of that name whole (a map is not merged into the cell's map), so
 * what ran is exactly the notebook's config with these keys swapped. Checked like a cell body: an
 * unknown cell or key, or a value of the wrong type, is a UserError at its line in FILE.yaml. `from`
 * cannot be overridden (it changes the graph: edit the notebook). The overridden configs flow into
 * the cache keys, so an override never reuses a result computed without it.
 */
import { isMap, isScalar, LineCounter, parseDocument, type Pair } from 'yaml';
import { checkType, closest, didYouMean, type KeySpecs } from '../base/schema';
import { UserError } from '../errors';
import { COMMON_KEYS, getSchema, SETTINGS_KEYS, SETTINGS_KIND } from '../spec/registry';
import type { Cell, ParsedNotebook } from './types';

export interface CellOverrides {
  /** The YAML file as the user named it (for messages and run.json). */
  file: string;
  /** Per cell name, the keys that replace the cell's own. */
  cells: Record<string, Record<string, unknown>>;
  /** 1-based line and column of every cell name and key in the file, for messages. */
  at: Record<string, { line: number; column: number }>;
}

function position(lines: LineCounter, node: unknown): { line: number; column: number } {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  if (!range) return { line: 1, column: 1 };
  const p = lines.linePos(range[0]);
  return { line: p.line, column: p.col };
}

/** Parses an overrides file: a mapping of cell names to mappings of keys. */
export function readOverrides(text: string, file: string): CellOverrides {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const bad = doc.errors[0];
  if (bad) {
    const p = lines.linePos(bad.pos[0]);
    throw new UserError(`invalid YAML: ${bad.message.split('\n')[0]}`, { file, line: p.line, column: p.col });
  }
  const out: CellOverrides = { file, cells: {}, at: {} };
  if (doc.contents === null) return out;
  if (!isMap(doc.contents)) {
    throw new UserError('expected a mapping of cell names to keys, e.g. `train: { alpha: 0.5 }`', {
      file,
      ...position(lines, doc.contents),
    });
  }
  for (const pair of doc.contents.items as Pair[]) {
    const cell = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    out.at[cell] = position(lines, pair.key);
    if (!isMap(pair.value)) {
      throw new UserError(`cell '${cell}' needs a mapping of keys, e.g. \`${cell}: { key: value }\``, {
        file,
        ...out.at[cell],
      });
    }
    const keys: Record<string, unknown> = {};
    for (const kv of pair.value.items as Pair[]) {
      const key = isScalar(kv.key) ? String(kv.key.value) : String(kv.key);
      out.at[`${cell}.${key}`] = position(lines, kv.key);
      keys[key] =
        (kv.value as { toJSON?: () => unknown } | null)?.toJSON?.() ?? (isScalar(kv.value) ? kv.value.value : null);
    }
    out.cells[cell] = keys;
  }
  return out;
}

function specsOf(cell: Cell): KeySpecs | undefined {
  if (cell.type !== 'phase') return undefined;
  if (cell.kind === SETTINGS_KIND) return SETTINGS_KEYS;
  const spec = getSchema(cell.kind);
  return spec ? { ...COMMON_KEYS, ...spec.keys } : undefined;
}

/** The notebook with the overrides applied to its cells' configs; throws a UserError at the first bad entry. */
export function applyOverrides(nb: ParsedNotebook, ov: CellOverrides): ParsedNotebook {
  const named = nb.cells.filter((c) => c.type !== 'markdown');
  const cells = nb.cells.map((c) => ({ ...c }));
  for (const [name, keys] of Object.entries(ov.cells)) {
    const where = { file: ov.file, ...ov.at[name] };
    const i = cells.findIndex((c) => c.type !== 'markdown' && c.name === name);
    if (i < 0) {
      const near = closest(
        name,
        named.map((c) => c.name),
      );
      throw new UserError(`no cell named '${name}'${didYouMean(near)}`, where, [
        `cells: ${named.map((c) => c.name).join(', ')}`,
      ]);
    }
    const cell = cells[i] as Cell;
    const specs = specsOf(cell);
    if (!specs)
      throw new UserError(
        `cell '${name}' is a ${cell.type} cell: only phase and settings cells have keys to override`,
        where,
      );
    const config = { ...cell.config };
    for (const [key, value] of Object.entries(keys)) {
      const at = { file: ov.file, cell: name, key, ...ov.at[`${name}.${key}`] };
      if (key === 'from')
        throw new UserError("'from' cannot be overridden: it changes the graph (edit the notebook)", at);
      const spec = specs[key];
      if (!spec) {
        const near = closest(key, Object.keys(specs));
        throw new UserError(`unknown key '${key}' for cell '${name}'${didYouMean(near)}`, at);
      }
      const problem = checkType(value, spec.type);
      if (problem) throw new UserError(`${problem.path ? `${key}.${problem.path}: ` : ''}${problem.message}`, at);
      config[key] = value;
    }
    cells[i] = { ...cell, config } as Cell;
  }
  return { ...nb, cells };
}
