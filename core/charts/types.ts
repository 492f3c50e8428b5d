/**
 * Chart values shared by the kernel, the dashboard webview and headless reports. A chart is a
 * vega-lite spec whose data sources are named (`data: { name }`) plus, per name, columns of
 * values. Nothing here depends on nodejs-polars or the DOM: the kernel turns columns into frames
 * (core/charts/frames.ts), the webview decodes Arrow into columns (webview/chart/arrowData.ts).
 */

/** A vega-lite spec (JSON). Data is referenced by name, never inlined as rows by the builders. */
export type VegaLiteSpec = Record<string, unknown>;

/** One column of chart data. Numbers use NaN for missing; temporal values are epoch ms. */
export type ChartColumn =
  Float64Array | Int32Array | Uint32Array | readonly number[] | readonly (string | null)[] | readonly boolean[];

/** Columns of equal length, by field name. */
export type ChartColumns = Record<string, ChartColumn>;

/** A chart ready to render: spec plus its named data sources as columns. */
export interface ChartSpec {
  /** Stable id (`evaluate-roc`, `cv-fold-scores`...). */
  id: string;
  title: string;
  spec: VegaLiteSpec;
  data: Record<string, ChartColumns>;
}

/** The schema URL the builders write; the renderer accepts v5 specs too. */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * Instructions the renderer reads from `spec.usermeta.phasebook`: which named data source is a
 * long series to thin with LTTB before plotting (per group when `groupBy` is set).
 */
export interface DownsampleHint {
  data: string;
  x: string;
  y: string;
  groupBy?: string;
  /** Points kept per group; the renderer uses about two per horizontal pixel when absent. */
  maxPoints?: number;
}

export interface PhasebookUsermeta {
  downsample?: DownsampleHint[];
}

/** Number of rows of a column set (0 when empty). */
export function columnLength(cols: ChartColumns): number {
  for (const c of Object.values(cols)) return c.length;
  return 0;
}

/** The downsample hints of a spec (empty when none). */
export function downsampleHints(spec: VegaLiteSpec): DownsampleHint[] {
  const meta = spec.usermeta as { phasebook?: PhasebookUsermeta } | undefined;
  const hints = meta?.phasebook?.downsample;
  return Array.isArray(hints)
    ? hints.filter((h) => h && typeof h.data === 'string' && typeof h.x === 'string' && typeof h.y === 'string')
    : [];
}

/** `spec` with a downsample hint added to its usermeta. */
export function withDownsample(spec: VegaLiteSpec, hint: DownsampleHint): VegaLiteSpec {
  const meta = (spec.usermeta ?? {}) as Record<string, unknown>;
  const pb = (meta.phasebook ?? {}) as PhasebookUsermeta;
  return { ...spec, usermeta: { ...meta, phasebook: { ...pb, downsample: [...(pb.downsample ?? []), hint] } } };
}
