/**
 * The Pipeline graph webview (IIFE bundle dist/webview/graph.js, docs/design.md §10.8). Posts `ready`, draws each
 * graph the host sends (live during a run), and reports every drawing back (`rendered`). Which fanned-out nodes
 * are expanded survives the panel being hidden (webview state).
 */
import css from '../styles.css';
import graphCss from '../graph/graph.css';
import { adoptCss, el } from '../dom';
import { connectHost } from '../dashboard/host';
import { drawGraph, type GraphMessage } from '../graph/graphView';
import { STATE_LABEL } from '../graph/format';
import type { GraphHostToWebview, GraphWebviewToHost, NodeState } from '../../extension/graph/protocol';

adoptCss(css);
adoptCss(graphCss);
const host = connectHost<GraphHostToWebview, GraphWebviewToHost>();
const expanded = new Set<string>(host.getState<{ expanded?: string[] }>()?.expanded ?? []);
const root = el('div', 'pb-root');
const head = el('div', 'pg-head');
const canvas = el('div', 'pg-canvas');
root.append(head, canvas);
document.body.append(root);
let last: GraphMessage | undefined;

const LEGEND: readonly NodeState[] = ['cached', 'ok', 'stale', 'running', 'failed', 'blocked'];

/** The state colours as a key, and what a click does. */
function legend(): HTMLElement {
  return el(
    'span',
    'pg-legend',
    ...LEGEND.map((s) => el('span', `pg-key pg-${s}`, `■ ${STATE_LABEL[s]}`)),
    ' — click a node to reveal its cell',
  );
}

function draw(m: GraphMessage): void {
  last = m;
  head.replaceChildren(el('span', 'pg-title', m.notebook), legend());
  if (m.cycles.length) head.append(el('span', 'pb-error', `cycle: ${m.cycles.map((c) => c.join(' → ')).join('; ')}`));
  if (!m.nodes.length) {
    canvas.replaceChildren(el('div', 'pg-legend', 'This notebook has no cell that runs yet.'));
  }
  const nodes = m.nodes.length
    ? drawGraph(canvas, m, expanded, {
        reveal: (cell) => host.post({ type: 'reveal', cell }),
        run: (way, cell) => host.post({ type: way === 'to' ? 'runToHere' : 'runFromHere', cell }),
        toggle: (cell) => {
          if (!expanded.delete(cell)) expanded.add(cell);
          host.setState({ expanded: [...expanded] });
          if (last) draw(last);
        },
      })
    : [];
  host.post({ type: 'rendered', notebook: m.notebook, nodes });
}

host.onMessage((m) => {
  if (m.type === 'graph') draw(m);
  else {
    last = undefined;
    head.replaceChildren();
    canvas.replaceChildren(el('div', 'pg-legend', m.message));
    host.post({ type: 'rendered', notebook: '', nodes: [] });
  }
});
window.addEventListener('error', (e) => host.post({ type: 'log', level: 'error', message: String(e.message) }));
host.post({ type: 'ready' });
