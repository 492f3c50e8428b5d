/** One run's dashboard: header, metric cards with CIs, the charts for its kind, artifacts, lineage, config. */
import { chartsForRun } from '../../core/charts/runCharts';
import type { RunPayload } from '../../extension/dashboard/protocol';
import { mountChart, type MountedChart, type SaveFile } from '../chart/embed';
import { el } from '../dom';
import { tag } from '../ui';
import { runChartInput } from './decode';
import type { HostChannel } from './host';
import { artifactsTable, configTable, lineageTable, metricCards, section, statusTag } from './sections';
import { stackingSection } from './stackingSection';
import { cvSection } from './cvSection';

export interface RenderedView {
  charts: MountedChart[];
  /** Resolves when every chart has drawn or failed. */
  settled: Promise<void>;
}

export function chartsSection(
  charts: ReturnType<typeof chartsForRun>,
  save: SaveFile,
): { element: HTMLElement; mounted: MountedChart[] } {
  const body = el('div', 'pb-charts');
  const element = section('Charts', body);
  if (!charts.length)
    body.append(el('p', 'pb-empty', 'No charts for this run yet (no predictions, CV results or equity curve found).'));
  return { element, mounted: charts.map((c) => mountChart(body, c, save)) };
}

/**
 * The selection-adjusted headline under the title, one line per phase ("validation: Sharpe 1.42 · deflated 0.31 after
 * 48 trials").
 */
function selectionLines(selection: Record<string, string> | undefined): HTMLElement[] {
  const lines = Object.entries(selection ?? {});
  return lines.map(([phase, line]) => {
    const div = el('div', 'pb-selection', lines.length > 1 ? `${phase}: ${line}` : line);
    div.dataset.phase = phase;
    return div;
  });
}

export function renderRun(root: HTMLElement, run: RunPayload, host: HostChannel, save: SaveFile): RenderedView {
  const header = el(
    'header',
    'pb-run-head',
    el('h1', undefined, run.id),
    el(
      'div',
      'pb-subtitle',
      tag(run.kind),
      statusTag(run),
      el('span', undefined, `created ${run.created.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}`),
      run.finished
        ? el('span', undefined, `finished ${run.finished.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}`)
        : undefined,
      run.foreign ? tag('written by another tool') : undefined,
    ),
    run.error ? el('div', 'pb-error', run.error) : undefined,
    ...selectionLines(run.selection),
    run.notes.length ? el('ul', 'pb-notes', ...run.notes.map((n) => el('li', undefined, n))) : undefined,
  );
  const page = el(
    'div',
    'pb-dash pb-run',
    header,
    section('Metrics', metricCards(run.metrics)),
    stackingSection(run),
    cvSection(run),
  );
  page.dataset.runId = run.id;
  root.replaceChildren(page);
  let charts: ReturnType<typeof chartsForRun> = [];
  try {
    charts = chartsForRun(runChartInput(run));
  } catch (err) {
    page.append(el('div', 'pb-error', `The charts of this run could not be built: ${(err as Error).message}`));
  }
  const c = chartsSection(charts, save);
  page.append(
    c.element,
    section('Artifacts', artifactsTable(run.artifacts, host)),
    section('Lineage', lineageTable(run, host)),
    section('Config', configTable(run.config)),
  );
  return { charts: c.mounted, settled: Promise.allSettled(c.mounted.map((m) => m.ready)).then(() => undefined) };
}
