/** Compare N runs: metrics table with the best run per column, overlaid charts, config diff. */
import { compareMetricsTable, configDiff } from '../../core/charts/compare';
import { compareCharts } from '../../core/charts/runCharts';
import type { RunPayload } from '../../extension/dashboard/protocol';
import type { SaveFile } from '../chart/embed';
import { el, formatNumber } from '../dom';
import { checkbox } from '../ui';
import { runChartInput } from './decode';
import type { HostChannel } from './host';
import { chartsSection, type RenderedView } from './runView';
import { section } from './sections';

function runLink(run: RunPayload, host: HostChannel): HTMLElement {
  const a = el('button', 'pb-link', run.id);
  a.title = `Open the dashboard of ${run.id}`;
  a.addEventListener('click', () => host.post({ type: 'openRun', dir: run.dir }));
  return a;
}

export function metricsTable(runs: readonly RunPayload[], host: HostChannel): HTMLElement {
  const t = compareMetricsTable(runs.map((r) => ({ id: r.id, metrics: r.metrics })));
  if (!t.columns.length) return el('p', 'pb-empty', 'None of these runs recorded metrics.');
  const head = el(
    'tr',
    undefined,
    el('th', undefined, 'run'),
    el('th', undefined, 'kind'),
    ...t.columns.map((c) => {
      const th = el('th', 'pb-num', c.name);
      th.title =
        c.goal === 'min'
          ? 'lower is better'
          : c.goal === 'max'
            ? 'higher is better'
            : c.goal === 'min_abs'
              ? 'closer to zero is better'
              : 'not ranked';
      return th;
    }),
  );
  const body = runs.map((run, i) => {
    const tr = el('tr', undefined, el('td', 'pb-mono', runLink(run, host)), el('td', undefined, run.kind));
    tr.dataset.runId = run.id;
    t.columns.forEach((c, j) => {
      const cell = t.rows[i][j];
      const td = el('td', 'pb-num', formatNumber(cell.value));
      if (cell.ciLow !== undefined && cell.ciHigh !== undefined)
        td.title = `95% CI [${formatNumber(cell.ciLow)}, ${formatNumber(cell.ciHigh)}]`;
      if (c.best.includes(i)) {
        td.classList.add('pb-best');
        td.setAttribute('aria-label', `${formatNumber(cell.value)}, best ${c.name}`);
      }
      td.dataset.metric = c.name;
      tr.append(td);
    });
    return tr;
  });
  return el('table', 'pb-table pb-compare-metrics', el('thead', undefined, head), el('tbody', undefined, ...body));
}

export function configDiffTable(runs: readonly RunPayload[]): HTMLElement {
  const rows = configDiff(runs.map((r) => r.config));
  if (!rows.length) return el('p', 'pb-empty', 'No config recorded.');
  const differing = rows.filter((r) => r.differs).length;
  const table = el(
    'table',
    'pb-table pb-config-diff',
    el(
      'thead',
      undefined,
      el('tr', undefined, el('th', undefined, 'key'), ...runs.map((r) => el('th', 'pb-mono', r.id))),
    ),
    el(
      'tbody',
      undefined,
      ...rows.map((r) => {
        const tr = el(
          'tr',
          r.differs ? 'pb-differs' : 'pb-same',
          el('td', 'pb-mono', r.key),
          ...r.values.map((v) => el('td', 'pb-mono', v)),
        );
        tr.hidden = !r.differs && differing > 0;
        return tr;
      }),
    ),
  );
  const toggle = checkbox(`Show all ${rows.length} keys (${differing} differ)`, differing === 0, (all) => {
    for (const tr of Array.from(table.querySelectorAll('tr.pb-same'))) (tr as HTMLElement).hidden = !all;
  });
  return el('div', undefined, toggle, table);
}

export function renderCompare(
  root: HTMLElement,
  runs: readonly RunPayload[],
  host: HostChannel,
  save: SaveFile,
): RenderedView {
  const page = el(
    'div',
    'pb-dash pb-compare',
    el('h1', undefined, `Comparing ${runs.length} runs`),
    section(
      'Metrics',
      metricsTable(runs, host),
      el(
        'p',
        'pb-notes',
        '★ best per column (lower is better for errors, losses and Brier; drawdowns: closest to zero). Hover ' +
          'a value for its bootstrap CI.',
      ),
    ),
  );
  root.replaceChildren(page);
  let charts: ReturnType<typeof compareCharts> = [];
  try {
    charts = compareCharts(runs.map(runChartInput));
  } catch (err) {
    page.append(el('div', 'pb-error', `The overlaid charts could not be built: ${(err as Error).message}`));
  }
  const c = chartsSection(charts, save);
  page.append(c.element, section('Config diff', configDiffTable(runs)));
  const notes = runs.flatMap((r) => r.notes.map((n) => `${r.id}: ${n}`));
  if (notes.length) page.append(el('ul', 'pb-notes', ...notes.map((n) => el('li', undefined, n))));
  return { charts: c.mounted, settled: Promise.allSettled(c.mounted.map((m) => m.ready)).then(() => undefined) };
}
