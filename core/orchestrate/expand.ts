/**
 * Fan-out as graph expansion before planning (docs/design.md §4.6). Pure: a parsed notebook and its graph in,
 * virtual cells and their graph out.
 *
 * - A phase cell with a fan-out key (`scenarios: [..]` on a cell whose phase has `scenario`,
 *   `models: [..]` on one with `model`; registry FANOUT_KEYS) becomes one cell per value,
 *   `<cell>[<value>]`, whose config sets the singular key to that value.
 * - Every descendant is replicated once per combination of its parents' branches (parents that
 *   share a fan-out cell must agree on its value): `features[median_impute]`,
 *   `train[median_impute][ridge]`.
 * - A collecting cell (`scenario_compare`, `report`) is not replicated: it takes every branch of
 *   each parent as inputs, and learns which is which from `_inputs` in its config.
 *
 * Cells keep their notebook `index`, so diagnostics and error locations still point at the cell
 * the user wrote. Cache keys are computed per virtual cell by computeCellKeys, unchanged: the
 * branch value is in the config, and the upstream keys differ per branch.
 */
import { buildGraph, isGraphNode, type Graph } from '../notebook/dag';
import type { Cell, Diagnostic } from '../notebook/types';
import { getPhase } from '../spec/registry';
import { branchLabels, compatible, mergeBranches, restrictBranch, virtualName, type Branch } from './branch';

/** Phase kinds that gather every branch of their inputs instead of being replicated. */
export const COLLECTING_KINDS: ReadonlySet<string> = new Set(['scenario_compare', 'report']);

/** Config key the expansion sets on collecting cells: one entry per input, parallel to `from`. */
export const INPUTS_KEY = '_inputs';

export interface CollectedInput {
  /** Virtual cell name of the input (`evaluate[median_impute][ridge]`). */
  cell: string;
  /** The notebook cell it comes from (`evaluate`). */
  origin: string;
  /** Its branch as labels (`{ scenario: 'median_impute', model: 'ridge' }`); empty when not fanned out. */
  branch: Record<string, string>;
}

export interface VirtualCell {
  name: string;
  origin: string;
  branch: Branch;
}

export interface Expansion {
  /** Every cell: markdown and settings cells as they were, executable cells replaced by their copies. */
  cells: Cell[];
  graph: Graph;
  /** Per virtual cell name: where it comes from and its branch. */
  virtual: ReadonlyMap<string, VirtualCell>;
  /** Per notebook cell name: its virtual cells, in branch order. */
  copies: ReadonlyMap<string, readonly string[]>;
  /** Problems with fan-out keys (empty or repeated values). */
  diagnostics: Diagnostic[];
  /** True when some cell fans out. */
  fannedOut: boolean;
}

interface FanOut {
  key: string;
  values: string[];
  plural: string;
}

function fanOutOf(cell: Cell, diagnostics: Diagnostic[]): FanOut | undefined | 'bad' {
  if (cell.type !== 'phase') return undefined;
  const spec = getPhase(cell.kind);
  if (!spec || COLLECTING_KINDS.has(cell.kind)) return undefined;
  for (const [plural, ks] of Object.entries(spec.keys)) {
    if (!ks.fanOutOf || !(plural in cell.config)) continue;
    const raw = cell.config[plural];
    const at = cell.keyPositions[plural] ?? { line: cell.headerLine, column: 0 };
    const range = { start: at, end: { line: at.line, column: at.column + plural.length } };
    const bad = (message: string): 'bad' => {
      diagnostics.push({ severity: 'error', code: 'wrong-type', cellIndex: cell.index, key: plural, range, message });
      return 'bad';
    };
    if (!Array.isArray(raw) || raw.length === 0) return bad(`'${plural}' needs at least one ${ks.fanOutOf}`);
    const values = raw.map(String);
    const dup = values.find((v, i) => values.indexOf(v) !== i);
    if (dup !== undefined) return bad(`'${plural}' lists '${dup}' twice`);
    const odd = values.find((v) => /[[\]]/.test(v));
    if (odd !== undefined) return bad(`'${plural}' value '${odd}' may not contain brackets`);
    return { key: ks.fanOutOf, values, plural };
  }
  return undefined;
}

export function expandNotebook(parsed: { readonly cells: readonly Cell[] }, graph: Graph): Expansion {
  const cells = parsed.cells;
  const diagnostics: Diagnostic[] = [];
  const byName = new Map(cells.map((c) => [c.name, c]));
  const rankOf = new Map(graph.order.map((n, i) => [n, i]));
  const rank = (n: string): number => rankOf.get(n) ?? Number.MAX_SAFE_INTEGER;
  /** Per notebook cell: its branches, and the fan-out cells they choose for. */
  const branchesOf = new Map<string, Branch[]>();
  const dimsOf = new Map<string, Set<string>>();
  const copiesOf = new Map<string, Cell[]>();
  const virtual = new Map<string, VirtualCell>();
  let fannedOut = false;

  const copyName = (p: string, branch: Branch): string =>
    virtualName(p, restrictBranch(branch, dimsOf.get(p) ?? new Set()));

  for (const name of graph.order) {
    const cell = byName.get(name) as Cell;
    const parents = graph.parents(name);
    if (cell.type === 'phase' && COLLECTING_KINDS.has(cell.kind)) {
      const inputs: { cell: string; origin: string; branch: Branch }[] = [];
      for (const p of parents)
        for (const b of branchesOf.get(p) ?? [[]]) inputs.push({ cell: virtualName(p, b), origin: p, branch: b });
      const collected: CollectedInput[] = inputs.map((i) => ({
        cell: i.cell,
        origin: i.origin,
        branch: branchLabels(i.branch),
      }));
      const copy: Cell = {
        ...cell,
        from: inputs.map((i) => i.cell),
        fromRanges: undefined,
        config: { ...cell.config, [INPUTS_KEY]: collected },
      };
      branchesOf.set(name, [[]]);
      dimsOf.set(name, new Set());
      copiesOf.set(name, [copy]);
      virtual.set(name, { name, origin: name, branch: [] });
      continue;
    }
    let combos: Branch[] = [[]];
    const dims = new Set<string>();
    for (const p of parents) {
      const pb = branchesOf.get(p) ?? [[]];
      for (const d of dimsOf.get(p) ?? []) dims.add(d);
      const next: Branch[] = [];
      for (const c of combos) for (const b of pb) if (compatible(c, b)) next.push(mergeBranches(c, b, rank));
      combos = next;
    }
    const fan = fanOutOf(cell, diagnostics);
    if (fan && fan !== 'bad') {
      fannedOut = true;
      dims.add(name);
      combos = combos.flatMap((c) =>
        fan.values.map((value) => mergeBranches(c, [{ cell: name, key: fan.key, value }], rank)),
      );
    }
    branchesOf.set(name, combos);
    dimsOf.set(name, dims);
    const copies = combos.map((branch): Cell => {
      const vname = virtualName(name, branch);
      virtual.set(vname, { name: vname, origin: name, branch });
      const from = parents.map((p) => copyName(p, branch));
      if (!branch.length) return cell;
      let config = cell.config;
      if (fan && fan !== 'bad') {
        const own = branch.find((b) => b.cell === name) as { value: string };
        const { [fan.plural]: _plural, ...rest } = cell.config;
        void _plural;
        config = { ...rest, [fan.key]: own.value };
      }
      return { ...cell, name: vname, from, fromRanges: undefined, config };
    });
    copiesOf.set(name, copies);
  }

  // Cells left out of the order (on or below a cycle) stay as they are: they are blocked anyway.
  const out: Cell[] = [];
  for (const c of cells) {
    if (!isGraphNode(c) || !copiesOf.has(c.name)) out.push(c);
    else out.push(...(copiesOf.get(c.name) as Cell[]));
  }
  const copies = new Map<string, readonly string[]>([...copiesOf].map(([k, v]) => [k, v.map((c) => c.name)]));
  return { cells: out, graph: buildGraph(out), virtual, copies, diagnostics, fannedOut };
}
