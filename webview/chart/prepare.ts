/**
 * From decoded chart data to what vega-embed gets: long series thinned with LTTB per the spec's
 * downsample hints (about two points per horizontal pixel), rows only after that, `$schema`
 * dropped, data inlined as `datasets`. Pure.
 */
import { lttbByGroup, lttbIndices, takeRows } from '../../core/charts/lttb';
import { chartDatasets, embeddableSpec, type ChartRow } from '../../core/charts/rows';
import {
  columnLength,
  downsampleHints,
  type ChartColumns,
  type DownsampleHint,
  type VegaLiteSpec,
} from '../../core/charts/types';

/** Above this many rows a line/area series without a hint is thinned anyway. */
export const AUTO_DOWNSAMPLE_ROWS = 20_000;

interface Encoded {
  field?: unknown;
  type?: unknown;
}

/**
 * A hint for a plain single-view line/area chart (`mark: line|area|trail`, x and y fields, a
 * color/detail field as the series) whose named data is long, for specs that carry none.
 */
export function inferredHint(spec: VegaLiteSpec, data: Record<string, ChartColumns>): DownsampleHint | undefined {
  const mark = typeof spec.mark === 'string' ? spec.mark : (spec.mark as { type?: string } | undefined)?.type;
  if (!mark || !['line', 'area', 'trail'].includes(mark)) return undefined;
  const name = (spec.data as { name?: unknown } | undefined)?.name;
  const enc = (spec.encoding ?? {}) as Record<string, Encoded | undefined>;
  const x = enc.x?.field;
  const y = enc.y?.field;
  if (typeof name !== 'string' || typeof x !== 'string' || typeof y !== 'string' || !data[name]) return undefined;
  if (columnLength(data[name]) <= AUTO_DOWNSAMPLE_ROWS) return undefined;
  const group = [enc.color, enc.detail, enc.strokeDash]
    .map((e) => e?.field)
    .find((f): f is string => typeof f === 'string');
  return { data: name, x, y, ...(group ? { groupBy: group } : {}) };
}

export interface PreparedChart {
  spec: VegaLiteSpec;
  datasets: Record<string, ChartRow[]>;
  /** What was thinned ("equity: 1,000,000 → 1,600 points (LTTB)"). */
  notes: string[];
}

function numbers(col: ChartColumns[string] | undefined): ArrayLike<number> | undefined {
  return col && ArrayBuffer.isView(col) ? (col as ArrayLike<number>) : (col as number[] | undefined);
}

export function prepareChart(spec: VegaLiteSpec, data: Record<string, ChartColumns>, widthPx = 800): PreparedChart {
  const notes: string[] = [];
  const thinned: Record<string, ChartColumns> = { ...data };
  const hints = downsampleHints(spec);
  if (!hints.length) {
    const inferred = inferredHint(spec, data);
    if (inferred) hints.push(inferred);
  }
  for (const hint of hints) {
    const cols = data[hint.data];
    if (!cols) continue;
    const x = numbers(cols[hint.x]);
    const y = numbers(cols[hint.y]);
    if (!x || !y) continue;
    const target = hint.maxPoints ?? Math.max(200, Math.round(widthPx * 2));
    const n = columnLength(cols);
    if (n <= target) continue;
    const groups = hint.groupBy ? cols[hint.groupBy] : undefined;
    const idx = groups ? lttbByGroup(groups as ArrayLike<unknown>, x, y, target) : lttbIndices(x, y, target);
    thinned[hint.data] = takeRows(cols, idx);
    notes.push(`${hint.data}: ${n.toLocaleString('en-US')} → ${idx.length.toLocaleString('en-US')} points (LTTB)`);
  }
  const datasets = chartDatasets({ data: thinned });
  return { spec: embeddableSpec(spec, datasets), datasets, notes };
}
