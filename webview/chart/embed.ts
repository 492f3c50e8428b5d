/**
 * Mounts one chart: a title bar with export actions (SVG, PNG, CSV) and the vega view. Rendered
 * as SVG with vega's expression interpreter (no eval: works under a CSP without 'unsafe-eval'),
 * a loader that refuses every URL (no remote loads), and tooltips styled by our stylesheet.
 */
import embed, { type Result } from 'vega-embed';
import { loader as vegaLoader } from 'vega';
import { expressionInterpreter } from 'vega-interpreter';
import { rowsToCsv, type ChartRow } from '../../core/charts/rows';
import type { ChartColumns, VegaLiteSpec } from '../../core/charts/types';
import { el } from '../dom';
import { button } from '../ui';
import { prepareChart } from './prepare';
import { currentTheme, vegaConfig } from './theme';

export interface SaveRequest {
  fileName: string;
  mime: string;
  text?: string;
  base64?: string;
}

export type SaveFile = (file: SaveRequest) => void;

export interface ChartInput {
  id: string;
  title: string;
  spec: VegaLiteSpec;
  data: Record<string, ChartColumns>;
}

export interface MountedChart {
  element: HTMLElement;
  /** Resolves when the chart has drawn (rejects with the render error). */
  ready: Promise<void>;
  retheme(): Promise<void>;
  dispose(): void;
}

function noRemoteLoader(): ReturnType<typeof vegaLoader> {
  const l = vegaLoader();
  const refuse = async (uri: string): Promise<never> => {
    throw new Error(`charts never load remote data (${uri})`);
  };
  l.load = refuse;
  l.sanitize = refuse;
  return l;
}

const HELPER_DATA = new Set(['identity', 'chance', 'perfect']);

function mainDataset(datasets: Record<string, ChartRow[]>): [string, ChartRow[]] | undefined {
  const entries = Object.entries(datasets).filter(([k]) => !HELPER_DATA.has(k));
  entries.sort((a, b) => b[1].length - a[1].length);
  return entries[0];
}

function safeName(s: string): string {
  return s.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'chart';
}

export function mountChart(host: HTMLElement, chart: ChartInput, save: SaveFile, widthPx?: number): MountedChart {
  const body = el('div', 'pb-chart-body');
  const note = el('span', 'pb-chart-note');
  const actions = el('div', 'pb-chart-actions');
  const section = el(
    'section',
    'pb-chart',
    el('header', 'pb-chart-head', el('h3', 'pb-chart-title', chart.title), note, actions),
    body,
  );
  section.dataset.chartId = chart.id;
  host.append(section);
  const prepared = prepareChart(chart.spec, chart.data, widthPx ?? Math.max(300, host.clientWidth || 800));
  if (prepared.notes.length) note.textContent = prepared.notes.join('; ');
  let result: Result | undefined;
  let disposed = false;

  const draw = async (): Promise<void> => {
    result?.finalize();
    body.replaceChildren();
    const theme = currentTheme();
    result = await embed(body, prepared.spec as never, {
      mode: 'vega-lite',
      renderer: 'svg',
      actions: false,
      defaultStyle: false,
      ast: true,
      expr: expressionInterpreter,
      config: vegaConfig(theme) as never,
      loader: noRemoteLoader(),
      tooltip: { theme: 'phasebook', disableDefaultStyle: true },
      logLevel: 1,
    });
    if (disposed) result.finalize();
    section.classList.add('pb-drawn');
  };

  const withBackground = async <T>(fn: (r: Result) => Promise<T>): Promise<T | undefined> => {
    if (!result) return undefined;
    const view = result.view;
    const before = view.background();
    view.background(currentTheme().background);
    try {
      return await fn(result);
    } finally {
      view.background(before);
      await view.runAsync();
    }
  };
  const base = safeName(chart.id);
  actions.append(
    button(
      'SVG',
      () =>
        void withBackground(async (r) =>
          save({ fileName: `${base}.svg`, mime: 'image/svg+xml', text: await r.view.toSVG() }),
        ),
      { title: 'Export chart as SVG' },
    ),
    button(
      'PNG',
      () =>
        void withBackground(async (r) => {
          const url = await r.view.toImageURL('png', 2);
          save({ fileName: `${base}.png`, mime: 'image/png', base64: url.slice(url.indexOf(',') + 1) });
        }),
      { title: 'Export chart as PNG' },
    ),
    button(
      'CSV',
      () => {
        const main = mainDataset(prepared.datasets);
        if (main)
          save({
            fileName: `${base}${Object.keys(prepared.datasets).length > 1 ? `-${safeName(main[0])}` : ''}.csv`,
            mime: 'text/csv',
            text: rowsToCsv(main[1]),
          });
      },
      { title: 'Export the chart data as CSV' },
    ),
  );

  const ready = draw().catch((err: unknown) => {
    section.classList.add('pb-chart-failed');
    body.replaceChildren(
      el('div', 'pb-error', `This chart could not be drawn: ${(err as Error).message ?? String(err)}`),
    );
    throw err;
  });
  return {
    element: section,
    ready,
    retheme: () => draw(),
    dispose() {
      disposed = true;
      result?.finalize();
      section.remove();
    },
  };
}

/** Triggers a browser download (used where no host can save: the test page, plain browsers). */
export function downloadInPage(file: SaveRequest): void {
  const a = document.createElement('a');
  a.download = file.fileName;
  a.href =
    file.base64 !== undefined
      ? `data:${file.mime};base64,${file.base64}`
      : URL.createObjectURL(new Blob([file.text ?? ''], { type: file.mime }));
  a.click();
}
