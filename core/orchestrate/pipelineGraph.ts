/**
 * The pipeline graph's model (docs/design.md §9.13, the "Pipeline graph" view): the notebook's cell DAG with each
 * fanned-out cell's branches grouped under it. Pure: a parsed notebook in, nodes, edges and branch groups out; the
 * host adds states, the webview lays it out (core/charts/dagLayout.ts) and draws it.
 */
import { buildGraph } from '../notebook/dag';
import type { Cell } from '../notebook/types';
import { splitVirtualName } from './branch';
import { expandNotebook } from './expand';

export interface GraphBranch {
  /** The virtual cell's name, as the kernel's events carry it: `train[median_impute][ridge]`. */
  name: string;
  /** Its branch values: `median_impute · ridge`. */
  label: string;
}

export interface GraphNode {
  /** The cell's name (what `from:` names and the kernel runs). */
  name: string;
  /** Phase kind, or `ts`. */
  kind: string;
  /** Index of the cell among the notebook's cells (markdown included). */
  index: number;
  /** The fan-out branches this cell runs as (empty when it runs once). */
  branches: GraphBranch[];
  /** True when the cell itself fans out (`scenarios:` / `models:`), not only inherits branches. */
  fansOut: boolean;
  /** True when the cell is on a cycle or below one (it cannot run). */
  blockedByCycle: boolean;
}

export interface GraphEdge {
  from: string;
  to: string;
}

export interface PipelineGraphModel {
  /** Executable cells in cell order. */
  nodes: GraphNode[];
  /** One edge per `from` entry that names a known cell (parent -> child). */
  edges: GraphEdge[];
  /** Each cycle once, as a closed path (['a', 'b', 'a']). */
  cycles: string[][];
}

export function pipelineGraph(parsed: { readonly cells: readonly Cell[] }): PipelineGraphModel {
  const graph = buildGraph(parsed.cells);
  const expansion = expandNotebook(parsed, graph);
  const ordered = new Set(graph.order);
  const byName = new Map(parsed.cells.map((c) => [c.name, c]));
  const nodes = graph.nodes.map((name): GraphNode => {
    const cell = byName.get(name) as Cell;
    const copies = expansion.copies.get(name) ?? [];
    const branches = copies
      .filter((c) => c !== name)
      .map((c) => ({ name: c, label: splitVirtualName(c).values.join(' · ') }));
    const own =
      branches.length > 0 && copies.some((c) => expansion.virtual.get(c)?.branch.some((b) => b.cell === name));
    return { name, kind: cell.kind, index: cell.index, branches, fansOut: own, blockedByCycle: !ordered.has(name) };
  });
  const edges = graph.nodes.flatMap((to) => graph.parents(to).map((from) => ({ from, to })));
  return { nodes, edges, cycles: graph.cycles.map((c) => [...c]) };
}

/**
 * The cells "run to here" (`to`: the cell and every cell upstream) or "run from here" (`from`: the cell and every
 * cell downstream) asks the kernel for, in execution order; [] when the notebook has no such executable cell.
 * Cells whose results are still valid come back from the cache, as with any run.
 */
export function cellsToRun(parsed: { readonly cells: readonly Cell[] }, name: string, way: 'to' | 'from'): string[] {
  const graph = buildGraph(parsed.cells);
  if (!graph.has(name)) return [];
  return way === 'to' ? [...graph.ancestors(name), name] : [name, ...graph.descendants(name)];
}
