/** Dashboard building blocks: metric cards, artifacts, lineage and config tables. */
import { metricsWithCi, metricGoal } from '../../core/charts/metrics';
import type { ArtifactView, RunPayload } from '../../extension/dashboard/protocol';
import { el, formatNumber } from '../dom';
import { tag } from '../ui';
import type { HostChannel } from './host';

export function section(title: string, ...children: (Node | undefined)[]): HTMLElement {
  return el(
    'section',
    `pb-section pb-section-${title.toLowerCase().replace(/\W+/g, '-')}`,
    el('h2', undefined, title),
    ...children.filter((c): c is Node => !!c),
  );
}

export function metricCards(metrics: Record<string, number>): HTMLElement {
  const list = metricsWithCi(metrics);
  if (!list.length) return el('p', 'pb-empty', 'No metrics recorded.');
  return el(
    'div',
    'pb-cards',
    ...list.map((m) => {
      const goal = metricGoal(m.name);
      const card = el(
        'div',
        'pb-card',
        el('div', 'pb-card-name', m.name),
        el('div', 'pb-card-value', formatNumber(m.value)),
        m.ciLow !== undefined && m.ciHigh !== undefined
          ? el('div', 'pb-card-ci', `95% CI [${formatNumber(m.ciLow)}, ${formatNumber(m.ciHigh)}]`)
          : undefined,
      );
      card.dataset.metric = m.name;
      card.title =
        `${m.name}` +
        `${
          goal === 'min'
            ? ' (lower is better)'
            : goal === 'max'
              ? ' (higher is better)'
              : goal === 'min_abs'
                ? ' (closer to zero is ' + 'better)'
                : ''
        }`;
      return card;
    }),
  );
}

function link(text: string, onClick: () => void, title?: string): HTMLElement {
  const a = el('button', 'pb-link', text);
  if (title) a.title = title;
  a.addEventListener('click', onClick);
  return a;
}

function formatBytes(b: number | undefined): string {
  if (b === undefined) return '';
  if (b < 1024) return `${b} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = b;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export function artifactsTable(artifacts: readonly ArtifactView[], host: HostChannel): HTMLElement {
  if (!artifacts.length) return el('p', 'pb-empty', 'No artifacts recorded.');
  const rows = artifacts.map((a) =>
    el(
      'tr',
      undefined,
      el(
        'td',
        'pb-mono',
        a.exists
          ? link(a.path, () => host.post({ type: 'openArtifact', path: a.absPath }), `Open ${a.absPath}`)
          : el('span', 'pb-empty', `${a.path} (missing)`),
      ),
      el('td', 'pb-num', a.rows !== undefined ? `${a.rows.toLocaleString('en-US')} rows` : ''),
      el('td', 'pb-num', formatBytes(a.bytes)),
      el('td', 'pb-mono', a.sha256 ? a.sha256.slice(0, 12) : ''),
    ),
  );
  return el(
    'table',
    'pb-table pb-artifacts',
    el(
      'thead',
      undefined,
      el(
        'tr',
        undefined,
        el('th', undefined, 'file'),
        el('th', undefined, 'rows'),
        el('th', undefined, 'size'),
        el('th', undefined, 'sha256'),
      ),
    ),
    el('tbody', undefined, ...rows),
  );
}

function kvTable(rows: [string, Node | string | undefined][]): HTMLElement {
  const shown = rows.filter(([, v]) => v !== undefined && v !== '');
  return el(
    'table',
    'pb-kv',
    el(
      'tbody',
      undefined,
      ...shown.map(([k, v]) => el('tr', undefined, el('th', undefined, k), el('td', undefined, v as Node | string))),
    ),
  );
}

export function lineageTable(run: RunPayload, host: HostChannel): HTMLElement {
  const l = run.lineage;
  const parent = l.parentRun
    ? l.parentRun.dir
      ? link(l.parentRun.id, () => host.post({ type: 'openRun', dir: l.parentRun!.dir! }), 'Open the parent CV run')
      : `${l.parentRun.id} (not found under the stacking root)`
    : undefined;
  return kvTable([
    ['notebook', l.notebook],
    ['cell', l.cell],
    ['command line', l.cli?.length ? `phasebook ${l.cli.join(' ')}` : undefined],
    ['feature set', l.featureSetId],
    ['git commit', l.gitCommit],
    ['seed', l.seed !== undefined ? String(l.seed) : undefined],
    ['parent CV run', parent],
    ['config hash', l.configHash?.slice(0, 16)],
    ['engine', l.engineVersion],
    ['folder', link(run.dir, () => host.post({ type: 'reveal', path: run.dir }), 'Reveal in the file explorer')],
  ]);
}

export function configTable(config: Record<string, unknown>): HTMLElement {
  const entries = Object.entries(config);
  if (!entries.length) return el('p', 'pb-empty', 'No config recorded.');
  return kvTable(entries.map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

export function statusTag(run: RunPayload): HTMLElement {
  const t = tag(run.status, run.error);
  t.classList.add(`pb-status-${run.status}`);
  return t;
}
