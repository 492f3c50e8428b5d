/**
 * "Phasebook: Experiments" webview (IIFE bundle dist/webview/experiments.js). Posts `ready`, then
 * draws what the host sends (extension/experiments/protocol.ts); the view state (filter, sort,
 * grouping, hidden columns) is kept in the webview state, so a reload restores it.
 */
import css from '../styles.css';
import { adoptCss, el } from '../dom';
import { connectHost } from '../dashboard/host';
import { DEFAULT_STATE, experimentsView, type ViewState } from '../experiments/view';
import { progress } from '../ui';
import type { ExperimentsToHost, ExperimentsToWebview } from '../../extension/experiments/protocol';

adoptCss(css);
const host = connectHost<ExperimentsToWebview, ExperimentsToHost>();
const root = el('div', 'pb-root');
document.body.append(root);
const loading = progress('Reading the runs…');
root.append(loading);
const view = experimentsView(
  (m) => host.post(m),
  host.getState<ViewState>() ?? DEFAULT_STATE,
  (s) => host.setState(s),
);

host.onMessage((m) => {
  if (loading.isConnected) root.replaceChildren(view.element);
  if (m.type === 'runs') view.setRuns(m.runs, m.reset);
  else if (m.type === 'removed') view.remove(m.dirs);
  else if (m.type === 'metrics') view.setMetrics(m.runs);
  else view.setView(m);
  document.body.dataset.rendered = String(Number(document.body.dataset.rendered ?? 0) + 1);
});
window.addEventListener('error', (e) => host.post({ type: 'log', level: 'error', message: e.message }));
host.post({ type: 'ready' });
