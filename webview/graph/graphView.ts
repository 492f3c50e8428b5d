/**
 * Draws the Pipeline graph as SVG (docs/design.md §10.8): nodes laid out by core/charts/dagLayout.ts, each with its
 * name, kind, state, audit verdict, last time · duration · rows, "run to here" / "run from here", and for a
 * fanned-out cell a toggle that lists its branches with their own states. No innerHTML: every text is a text node.
 */
import { layoutDag } from '../../core/charts/dagLayout';
import type { GraphHostToWebview, GraphNodeView, NodeState } from '../../extension/graph/protocol';
import { AUDIT_LABEL, factsLine, STATE_LABEL } from './format';

export type GraphMessage = Extract<GraphHostToWebview, { type: 'graph' }>;

export interface GraphActions {
  reveal(cell: string): void;
  run(way: 'to' | 'from', cell: string): void;
  toggle(cell: string): void;
}

export interface DrawnNode {
  name: string;
  state: NodeState;
  expanded: boolean;
}

const NS = 'http://www.w3.org/2000/svg';
const WIDTH = 230;
const BASE_HEIGHT = 76;
const BRANCH_ROW = 16;
const MAX_NAME = 24;

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** A focusable SVG text that acts on click, Enter and Space. */
function action(x: number, y: number, label: string, title: string, run: () => void): SVGGElement {
  const g = svg('g', { class: 'pg-action', tabindex: 0, role: 'button', 'aria-label': title });
  g.append(svg('title', {}, title), svg('text', { x, y }, label));
  const fire = (e: Event): void => {
    e.stopPropagation();
    run();
  };
  g.addEventListener('click', fire);
  g.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') fire(e);
  });
  return g;
}

function nodeHeight(n: GraphNodeView, expanded: boolean): number {
  return expanded && n.branches.length ? BASE_HEIGHT + BRANCH_ROW * n.branches.length + 4 : BASE_HEIGHT;
}

function drawNode(n: GraphNodeView, x: number, y: number, h: number, expanded: boolean, act: GraphActions) {
  const g = svg('g', {
    class: `pg-node pg-${n.state}${n.blockedByCycle ? ' pg-cycle' : ''}`,
    transform: `translate(${x},${y})`,
    tabindex: 0,
    role: 'button',
    'aria-label': `${n.name}: ${STATE_LABEL[n.state]}. Enter reveals the cell.`,
    'data-cell': n.name,
    'data-state': n.state,
  });
  const tip = [`${n.name} (${n.kind}): ${STATE_LABEL[n.state]}`, n.message, n.blockedByCycle ? 'on a cycle' : '']
    .filter(Boolean)
    .join('\n');
  g.append(
    svg('title', {}, tip),
    svg('rect', { class: 'pg-box', x: 0, y: 0, width: WIDTH, height: h, rx: 5 }),
    svg('rect', { class: 'pg-stripe', x: 0, y: 0, width: 4, height: h, rx: 2 }),
    svg('text', { class: 'pg-name', x: 12, y: 17 }, clip(n.name, MAX_NAME)),
    svg('text', { class: 'pg-sub', x: 12, y: 33 }, n.kind),
    svg('text', { class: 'pg-state', x: WIDTH - 8, y: 33, 'text-anchor': 'end' }, STATE_LABEL[n.state]),
    svg('text', { class: 'pg-facts', x: 12, y: 49 }, factsLine(n) || (n.message ? clip(n.message, 34) : '')),
  );
  if (n.audit)
    g.append(
      svg(
        'text',
        { class: `pg-audit pg-audit-${n.audit}`, x: WIDTH - 8, y: 17, 'text-anchor': 'end' },
        AUDIT_LABEL[n.audit],
      ),
    );
  g.append(
    action(12, 66, '▲ run to here', `Run ${n.name} and every cell upstream`, () => act.run('to', n.name)),
    action(98, 66, '▼ run from here', `Run ${n.name} and every cell downstream`, () => act.run('from', n.name)),
  );
  if (n.branches.length) {
    const label = `${expanded ? '▾' : '▸'} ${n.branches.length}`;
    g.append(
      action(WIDTH - 34, 66, label, `${expanded ? 'Hide' : 'Show'} the ${n.branches.length} branches`, () =>
        act.toggle(n.name),
      ),
    );
  }
  if (expanded)
    n.branches.forEach((b, i) => {
      const by = BASE_HEIGHT + 12 + i * BRANCH_ROW;
      const row = svg('g', { class: `pg-branch pg-${b.state}`, 'data-cell': b.name, 'data-state': b.state });
      row.append(
        svg('title', {}, [b.name, STATE_LABEL[b.state], b.message].filter(Boolean).join(': ')),
        svg('text', { class: 'pg-sub', x: 12, y: by }, clip(b.label, 22)),
        svg('text', { class: 'pg-state', x: WIDTH - 8, y: by, 'text-anchor': 'end' }, STATE_LABEL[b.state]),
      );
      g.append(row);
    });
  const reveal = (): void => act.reveal(n.name);
  g.addEventListener('click', reveal);
  g.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.target === g) reveal();
  });
  return g;
}

/** Replaces `host`'s children with the drawing; returns what it drew. */
export function drawGraph(
  host: HTMLElement,
  m: GraphMessage,
  expanded: ReadonlySet<string>,
  act: GraphActions,
): DrawnNode[] {
  const open = (n: GraphNodeView): boolean => expanded.has(n.name) && n.branches.length > 0;
  const layout = layoutDag(
    m.nodes.map((n) => ({ id: n.name, width: WIDTH, height: nodeHeight(n, open(n)) })),
    m.edges,
  );
  const root = svg('svg', {
    class: 'pg-svg',
    width: layout.width,
    height: layout.height,
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    role: 'img',
    'aria-label': `Cell graph of ${m.notebook}`,
  });
  const marker = svg('marker', {
    id: 'pg-arrow',
    viewBox: '0 0 10 10',
    refX: 9,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: 'auto-start-reverse',
  });
  marker.append(svg('path', { class: 'pg-arrow', d: 'M0,0 L10,5 L0,10 z' }));
  const defs = svg('defs', {});
  defs.append(marker);
  root.append(defs);
  for (const e of layout.edges) {
    const dy = Math.max(20, (e.y2 - e.y1) / 2);
    root.append(
      svg('path', {
        class: 'pg-edge',
        d: `M${e.x1},${e.y1} C${e.x1},${e.y1 + dy} ${e.x2},${e.y2 - dy} ${e.x2},${e.y2 - 1}`,
        'marker-end': 'url(#pg-arrow)',
        'data-from': e.from,
        'data-to': e.to,
      }),
    );
  }
  const byName = new Map(m.nodes.map((n) => [n.name, n]));
  for (const p of layout.nodes) {
    const n = byName.get(p.id) as GraphNodeView;
    root.append(drawNode(n, p.x, p.y, p.height, open(n), act));
  }
  host.replaceChildren(root);
  return m.nodes.map((n) => ({ name: n.name, state: n.state, expanded: open(n) }));
}
