/**
 * The cell DAG (docs/design.md §3.4): nodes are the executable cells (phase and ts cells; not markdown, not
 * the settings cell), edges run from each upstream named in a cell's `from` to that cell.
 * References to unknown cells are ignored here (the parser reports them).
 */
import type { Cell } from '../notebook/types';

export interface Graph {
  /** Executable cell names, in cell order. */
  readonly nodes: readonly string[];
  /**
   * Topological order, stable by cell index (among ready cells the one further up runs first).
   * Cells on a cycle, and everything downstream of one, are left out.
   */
  readonly order: readonly string[];
  /** Each cycle once, as a closed path starting at its top-most cell: ['a', 'b', 'a']. */
  readonly cycles: readonly string[][];
  has(name: string): boolean;
  /** Direct upstream cells, in the order `from` lists them. */
  parents(name: string): string[];
  /** Direct downstream cells, in cell order. */
  children(name: string): string[];
  /** Every cell upstream, in execution order. */
  ancestors(name: string): string[];
  /** Every cell downstream, in execution order. */
  descendants(name: string): string[];
}

export function isGraphNode(cell: Cell): boolean {
  return cell.type === 'ts' || (cell.type === 'phase' && cell.kind !== 'settings');
}

function topoOrder(
  nodes: readonly string[],
  parents: Map<string, string[]>,
  children: Map<string, string[]>,
): string[] {
  const indegree = new Map(nodes.map((n) => [n, parents.get(n)?.length ?? 0]));
  const rank = new Map(nodes.map((n, i) => [n, i]));
  const ready = nodes.filter((n) => indegree.get(n) === 0);
  const order: string[] = [];
  while (ready.length) {
    const n = ready.shift() as string;
    order.push(n);
    for (const c of children.get(n) ?? []) {
      const d = (indegree.get(c) as number) - 1;
      indegree.set(c, d);
      if (d === 0) {
        const r = rank.get(c) as number;
        let i = ready.length;
        while (i > 0 && (rank.get(ready[i - 1]) as number) > r) i--;
        ready.splice(i, 0, c);
      }
    }
  }
  return order;
}

/** Strongly connected components (Tarjan), iterative so deep chains cannot overflow the stack. */
function components(nodes: readonly string[], children: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const top = work[work.length - 1];
      const kids = children.get(top.node) ?? [];
      if (top.next < kids.length) {
        const k = kids[top.next++];
        if (!index.has(k)) {
          index.set(k, counter);
          low.set(k, counter++);
          stack.push(k);
          onStack.add(k);
          work.push({ node: k, next: 0 });
        } else if (onStack.has(k)) {
          low.set(top.node, Math.min(low.get(top.node) as number, index.get(k) as number));
        }
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent) as number, low.get(top.node) as number));
      }
      if (low.get(top.node) === index.get(top.node)) {
        const comp: string[] = [];
        let n: string;
        do {
          n = stack.pop() as string;
          onStack.delete(n);
          comp.push(n);
        } while (n !== top.node);
        out.push(comp);
      }
    }
  }
  return out;
}

/** Shortest closed path from `start` back to itself inside one component. */
function cycleThrough(start: string, members: Set<string>, children: Map<string, string[]>): string[] {
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const n = queue.shift() as string;
    for (const k of children.get(n) ?? []) {
      if (!members.has(k)) continue;
      if (k === start) {
        const path = [start];
        for (let p: string | undefined = n; p !== undefined && p !== start; p = prev.get(p)) path.splice(1, 0, p);
        path.push(start);
        return path;
      }
      if (!prev.has(k)) {
        prev.set(k, n);
        queue.push(k);
      }
    }
  }
  return [start, start];
}

export function buildGraph(cells: readonly Cell[]): Graph {
  const nodeCells = cells.filter(isGraphNode);
  const nodes = nodeCells.map((c) => c.name);
  const known = new Set(nodes);
  const rank = new Map(nodes.map((n, i) => [n, i]));
  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>(nodes.map((n) => [n, []]));
  for (const c of nodeCells) {
    const ps = [...new Set(c.from)].filter((f) => known.has(f));
    parents.set(c.name, ps);
    for (const p of ps) children.get(p)?.push(c.name);
  }
  for (const list of children.values()) list.sort((a, b) => (rank.get(a) as number) - (rank.get(b) as number));

  const order = topoOrder(nodes, parents, children);
  const cycles: string[][] = [];
  for (const comp of components(nodes, children)) {
    const only = comp[0];
    if (comp.length === 1 && !(parents.get(only) ?? []).includes(only)) continue;
    const start = comp.reduce((a, b) => ((rank.get(a) as number) <= (rank.get(b) as number) ? a : b));
    cycles.push(cycleThrough(start, new Set(comp), children));
  }
  cycles.sort((a, b) => (rank.get(a[0]) as number) - (rank.get(b[0]) as number));

  const position = new Map<string, number>(order.map((n, i) => [n, i]));
  const sortKey = (n: string): number => position.get(n) ?? order.length + (rank.get(n) as number);
  const reach = (name: string, step: Map<string, string[]>): string[] => {
    const seen = new Set<string>();
    const todo = [...(step.get(name) ?? [])];
    while (todo.length) {
      const n = todo.pop() as string;
      if (seen.has(n)) continue;
      seen.add(n);
      todo.push(...(step.get(n) ?? []));
    }
    seen.delete(name);
    return [...seen].sort((a, b) => sortKey(a) - sortKey(b));
  };

  return {
    nodes,
    order,
    cycles,
    has: (name) => known.has(name),
    parents: (name) => [...(parents.get(name) ?? [])],
    children: (name) => [...(children.get(name) ?? [])],
    ancestors: (name) => reach(name, parents),
    descendants: (name) => reach(name, children),
  };
}
