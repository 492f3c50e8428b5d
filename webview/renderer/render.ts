/**
 * Draws the two Phasebook output mimes: a chart (vega-lite spec + base64 Arrow IPC per data
 * source) and a frame (raw Arrow IPC stream) as the virtualised grid. Used by the notebook
 * renderer entry and by the test page.
 */
import { tableFromIPC } from 'apache-arrow';
import { CHART_MIME, FRAME_MIME, frameMetaOf, isChartMimePayload, type FrameMeta } from '../../core/kernel/mimes';
import type { ChartColumns } from '../../core/charts/types';
import { base64ToBytes, ipcToColumns } from '../chart/arrowData';
import { mountChart, type MountedChart, type SaveFile } from '../chart/embed';
import { onThemeChange } from '../chart/theme';
import { adoptCss, el } from '../dom';
import { FrameGrid } from '../grid/frameGrid';
import css from '../styles.css';

export interface Rendered {
  ready: Promise<void>;
  dispose(): void;
}

const liveCharts = new Set<MountedChart>();
let stopThemeWatch: (() => void) | undefined;

function watchTheme(): void {
  stopThemeWatch ??= onThemeChange(() => {
    for (const c of liveCharts) void c.retheme().catch(() => undefined);
  });
}

export function renderChartPayload(payload: unknown, element: HTMLElement, save: SaveFile): Rendered {
  adoptCss(css);
  element.classList.add('pb-root');
  if (!isChartMimePayload(payload)) throw new Error('chart output is not { spec, data }');
  const data: Record<string, ChartColumns> = {};
  for (const [name, b64] of Object.entries(payload.data)) data[name] = ipcToColumns(base64ToBytes(b64));
  const chart = mountChart(
    element,
    { id: payload.id ?? 'chart', title: payload.title ?? '', spec: payload.spec, data },
    save,
  );
  liveCharts.add(chart);
  watchTheme();
  return { ready: chart.ready, dispose: () => (liveCharts.delete(chart), chart.dispose()) };
}

export type { FrameMeta };

export function renderFrameBytes(bytes: Uint8Array, element: HTMLElement, meta: FrameMeta = {}): Rendered {
  adoptCss(css);
  element.classList.add('pb-root');
  const table = tableFromIPC(bytes);
  const grid = new FrameGrid(element, table, { title: meta.title, totalRows: meta.rows });
  return { ready: Promise.resolve(), dispose: () => grid.dispose() };
}

/** Renders one output item by mime into `element`; errors are shown in place, never thrown. */
export function renderItem(
  item: { mime: string; metadata?: unknown; json(): unknown; data(): Uint8Array },
  element: HTMLElement,
  save: SaveFile,
): Rendered {
  element.replaceChildren();
  try {
    if (item.mime === CHART_MIME) return renderChartPayload(item.json(), element, save);
    if (item.mime === FRAME_MIME) return renderFrameBytes(item.data(), element, frameMetaOf(item.metadata));
    throw new Error(`unsupported mime type ${item.mime}`);
  } catch (err) {
    adoptCss(css);
    element.append(el('div', 'pb-error', `Phasebook could not show this output: ${(err as Error).message}`));
    return { ready: Promise.resolve(), dispose: () => element.replaceChildren() };
  }
}
