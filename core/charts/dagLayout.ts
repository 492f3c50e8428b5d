/**
 * A layered ("Sugiyama-lite") layout of a DAG, top to bottom (docs/design.md §10.8): each node's layer is its longest
 * path from a source, nodes within a layer are ordered by a few barycentre sweeps (down, then up) to cut edge
 * crossings, and each layer is centred on the widest. Pure and deterministic: ties keep the input order. Nodes on a
 * cycle (which the notebook reports as an error) are put on one layer below the rest, in input order.
 */

export interface LayoutNodeInput {
  id: string;
  width: number;
  height: number;
}

export interface LayoutOptions {
  /** Horizontal space between nodes of a layer. */
  gapX?: number;
  /** Vertical space between layers. */
  gapY?: number;
  /** Margin around the drawing. */
  margin?: number;
  /** Barycentre sweeps (each one down and one up). */
  sweeps?: number;
}

export interface PlacedNode extends LayoutNodeInput {
  x: number;
  y: number;
  layer: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  /** Bottom centre of the parent, top centre of the child. */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface DagLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

function layersOf(ids: readonly string[], parents: Map<string, string[]>, children: Map<string, string[]>) {
  const layer = new Map<string, number>();
  const indegree = new Map(ids.map((n) => [n, parents.get(n)?.length ?? 0]));
  const ready = ids.filter((n) => indegree.get(n) === 0);
  for (const n of ready) layer.set(n, 0);
  while (ready.length) {
    const n = ready.shift() as string;
    for (const c of children.get(n) ?? []) {
      layer.set(c, Math.max(layer.get(c) ?? 0, (layer.get(n) as number) + 1));
      const d = (indegree.get(c) as number) - 1;
      indegree.set(c, d);
      if (d === 0) ready.push(c);
    }
  }
  const placed = ids.filter((n) => indegree.get(n) === 0);
  const below = placed.length ? Math.max(...placed.map((n) => layer.get(n) as number)) + 1 : 0;
  for (const n of ids) if ((indegree.get(n) as number) > 0) layer.set(n, below);
  return layer;
}

/** Reorders each layer by the mean position of its neighbours in the layer before it (stable for ties). */
function sweep(rows: string[][], neighbours: Map<string, string[]>, downward: boolean): void {
  const pos = new Map<string, number>();
  for (const row of rows) row.forEach((n, i) => pos.set(n, i));
  const indices = rows.map((_, i) => i);
  for (const li of downward ? indices.slice(1) : indices.reverse().slice(1)) {
    const row = rows[li];
    const score = new Map<string, number>();
    row.forEach((n, i) => {
      const ns = (neighbours.get(n) ?? []).filter((m) => pos.has(m));
      score.set(n, ns.length ? ns.reduce((s, m) => s + (pos.get(m) as number), 0) / ns.length : i);
    });
    const sorted = row
      .map((n, i) => ({ n, i }))
      .sort((a, b) => (score.get(a.n) as number) - (score.get(b.n) as number) || a.i - b.i)
      .map((e) => e.n);
    rows[li] = sorted;
    sorted.forEach((n, i) => pos.set(n, i));
  }
}

export function layoutDag(
  input: readonly LayoutNodeInput[],
  edges: readonly { from: string; to: string }[],
  options: LayoutOptions = {},
): DagLayout {
  const { gapX = 24, gapY = 40, margin = 12, sweeps = 4 } = options;
  const ids = input.map((n) => n.id);
  const known = new Set(ids);
  const parents = new Map<string, string[]>(ids.map((n) => [n, []]));
  const children = new Map<string, string[]>(ids.map((n) => [n, []]));
  const kept = edges.filter((e) => known.has(e.from) && known.has(e.to) && e.from !== e.to);
  for (const e of kept) {
    parents.get(e.to)?.push(e.from);
    children.get(e.from)?.push(e.to);
  }
  const layer = layersOf(ids, parents, children);
  const depth = ids.length ? Math.max(...ids.map((n) => layer.get(n) as number)) + 1 : 0;
  const rows: string[][] = Array.from({ length: depth }, () => []);
  for (const n of ids) rows[layer.get(n) as number].push(n);
  for (let s = 0; s < sweeps; s++) {
    sweep(rows, parents, true);
    sweep(rows, children, false);
  }
  const size = new Map(input.map((n) => [n.id, n]));
  const rowWidth = (row: string[]): number =>
    row.reduce((w, n) => w + (size.get(n) as LayoutNodeInput).width, 0) + gapX * Math.max(0, row.length - 1);
  const width = Math.max(0, ...rows.map(rowWidth));
  const placed = new Map<string, PlacedNode>();
  let y = margin;
  rows.forEach((row, li) => {
    let x = margin + (width - rowWidth(row)) / 2;
    const tallest = Math.max(0, ...row.map((n) => (size.get(n) as LayoutNodeInput).height));
    for (const n of row) {
      const s = size.get(n) as LayoutNodeInput;
      placed.set(n, { ...s, x, y, layer: li });
      x += s.width + gapX;
    }
    y += tallest + (li < rows.length - 1 ? gapY : 0);
  });
  const nodes = ids.map((n) => placed.get(n) as PlacedNode);
  const placedEdges = kept.map((e): PlacedEdge => {
    const a = placed.get(e.from) as PlacedNode;
    const b = placed.get(e.to) as PlacedNode;
    return { from: e.from, to: e.to, x1: a.x + a.width / 2, y1: a.y + a.height, x2: b.x + b.width / 2, y2: b.y };
  });
  return { nodes, edges: placedEdges, width: width + 2 * margin, height: y + margin };
}
