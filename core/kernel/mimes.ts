/**
 * The notebook output contract (docs/design.md §8.3), shared by the kernel's payload, the host that
 * turns it into notebook outputs (extension/kernel/outputs.ts) and the renderer that draws them
 * (webview/renderer/render.ts). Pure and browser-safe: constants, types and guards only.
 */

/** A chart: JSON `ChartMimePayload`. */
export const CHART_MIME = 'application/vnd.phasebook.chart+json';
/** A table: raw Arrow IPC stream bytes, with `FrameMeta` as the output's metadata. */
export const FRAME_MIME = 'application/vnd.phasebook.frame+arrow';
/** VS Code's own error mime (name, message, stack). */
export const ERROR_MIME = 'application/vnd.code.notebook.error';

/** What the chart mime carries: a vega-lite spec and each named data source as base64 Arrow IPC. */
export interface ChartMimePayload {
  /** Always written by the host; a payload without one (hand-written, older) is drawn as 'chart'. */
  id?: string;
  title?: string;
  spec: Record<string, unknown>;
  data: Record<string, string>;
}

/** The metadata of a frame output. */
export interface FrameMeta {
  title?: string;
  /** Rows of the whole table (the bytes may hold only the first TABLE_ROW_LIMIT). */
  rows?: number;
  columns?: string[];
  truncated?: boolean;
}

const isObject = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);

/** Narrows an output item's JSON to a chart payload: an object spec and string (base64) data sources. */
export function isChartMimePayload(x: unknown): x is ChartMimePayload {
  if (!isObject(x) || !isObject(x.spec) || !isObject(x.data)) return false;
  if (x.id !== undefined && typeof x.id !== 'string') return false;
  if (x.title !== undefined && typeof x.title !== 'string') return false;
  return Object.values(x.data).every((v) => typeof v === 'string');
}

/** The frame metadata an output carries, dropping fields of the wrong type. */
export function frameMetaOf(metadata: unknown): FrameMeta {
  const m = isObject(metadata) ? metadata : {};
  return {
    title: typeof m.title === 'string' ? m.title : undefined,
    rows: typeof m.rows === 'number' ? m.rows : undefined,
    columns:
      Array.isArray(m.columns) && m.columns.every((c) => typeof c === 'string') ? (m.columns as string[]) : undefined,
    truncated: typeof m.truncated === 'boolean' ? m.truncated : undefined,
  };
}

/**
 * Stale outputs dimmed (docs/design.md §9.4): the host tags each table and chart output with its cell
 * (`OUTPUT_CELL_KEY` in the output's metadata) and tells the renderer of each notebook editor which cells are stale;
 * the renderer dims their outputs and says which cells it dims. VS Code draws the text summaries itself.
 */
export const OUTPUT_CELL_KEY = 'phasebookCell';

/** Host -> renderer: the cells whose inputs changed since they ran (all of them: the renderer replaces its set). */
export interface StaleCellsMessage {
  type: 'staleCells';
  cells: string[];
}

/** Renderer -> host: it started (send it the stale cells), or the cells whose outputs it dims now. */
export type RendererStaleMessage = { type: 'rendererReady' } | { type: 'dimmed'; cells: string[] };

const strings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');

export function isStaleCellsMessage(m: unknown): m is StaleCellsMessage {
  return isObject(m) && m.type === 'staleCells' && strings(m.cells);
}

export function isRendererStaleMessage(m: unknown): m is RendererStaleMessage {
  return isObject(m) && (m.type === 'rendererReady' || (m.type === 'dimmed' && strings(m.cells)));
}

/** The cell an output belongs to, from its metadata. */
export function outputCellOf(metadata: unknown): string | undefined {
  const c = isObject(metadata) ? metadata[OUTPUT_CELL_KEY] : undefined;
  return typeof c === 'string' ? c : undefined;
}
