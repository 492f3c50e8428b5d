/**
 * Run dashboard / compare webview (IIFE bundle dist/webview/dashboard.js). Posts `ready`, then
 * renders whatever the host sends; a later `run`/`compare` message (files changed on disk)
 * re-renders in place, keeping the scroll position.
 */
import css from '../styles.css';
import { onThemeChange } from '../chart/theme';
import { adoptCss, el } from '../dom';
import { connectHost } from '../dashboard/host';
import { renderCompare } from '../dashboard/compareView';
import { renderRun, type RenderedView } from '../dashboard/runView';
import { progress } from '../ui';
import type { SaveRequest } from '../chart/embed';

adoptCss(css);
const host = connectHost();
const root = el('div', 'pb-root');
document.body.append(root);
root.append(progress('Loading run…'));
let current: RenderedView | undefined;
const save = (file: SaveRequest): void => host.post({ type: 'save', ...file });

function replace(render: () => RenderedView): void {
  const y = window.scrollY;
  for (const c of current?.charts ?? []) c.dispose();
  current = render();
  window.scrollTo(0, y);
  void current.settled.then(() => {
    window.scrollTo(0, y);
    document.body.dataset.rendered = String(Number(document.body.dataset.rendered ?? 0) + 1);
  });
}

host.onMessage((m) => {
  switch (m.type) {
    case 'run':
      // What the panel shows, kept for the host's WebviewPanelSerializer (the panel comes back after a reload).
      host.setState({ mode: 'run', dirs: [m.run.dir] });
      replace(() => renderRun(root, m.run, host, save));
      break;
    case 'compare':
      host.setState({ mode: 'compare', dirs: m.runs.map((r) => r.dir) });
      replace(() => renderCompare(root, m.runs, host, save));
      break;
    case 'loading':
      if (!current) root.replaceChildren(progress(m.message));
      break;
    case 'error':
      root.replaceChildren(el('div', 'pb-error', m.message));
      current = undefined;
      break;
  }
});
onThemeChange(() => {
  for (const c of current?.charts ?? []) void c.retheme().catch(() => undefined);
});
window.addEventListener('error', (e) => host.post({ type: 'log', level: 'error', message: String(e.message) }));
host.post({ type: 'ready' });
