/**
 * Columns to the row objects vega consumes (only after aggregation/LTTB, so rows stay few), and
 * rows to CSV for the "export data" action.
 */
import type { ChartColumns, ChartSpec } from './types';

export type ChartRow = Record<string, unknown>;

export function columnsToRows(cols: ChartColumns): ChartRow[] {
  const names = Object.keys(cols);
  const n = names.length ? Math.min(...names.map((k) => cols[k].length)) : 0;
  const rows = new Array<ChartRow>(n);
  for (let i = 0; i < n; i++) {
    const row: ChartRow = {};
    for (const k of names) {
      const v = cols[k][i];
      row[k] = typeof v === 'number' && !Number.isFinite(v) ? null : v;
    }
    rows[i] = row;
  }
  return rows;
}

/** Every named data source of a chart as rows (vega-lite top-level `datasets`). */
export function chartDatasets(chart: Pick<ChartSpec, 'data'>): Record<string, ChartRow[]> {
  return Object.fromEntries(Object.entries(chart.data).map(([k, cols]) => [k, columnsToRows(cols)]));
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV with a header; fields default to the keys of the first row. */
export function rowsToCsv(rows: readonly ChartRow[], fields?: readonly string[]): string {
  const cols = fields ?? (rows.length ? Object.keys(rows[0]) : []);
  const lines = [cols.map(csvField).join(',')];
  for (const r of rows) lines.push(cols.map((c) => csvField(r[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * A spec ready for vega-embed: `$schema` dropped (builders and phases write v5/v6 URLs; the
 * renderer bundles one version and never fetches), and named data inlined as `datasets`.
 */
export function embeddableSpec(
  spec: Record<string, unknown>,
  datasets: Record<string, ChartRow[]>,
): Record<string, unknown> {
  const { $schema: _schema, ...rest } = spec;
  void _schema;
  return { ...rest, datasets: { ...((rest.datasets as Record<string, unknown>) ?? {}), ...datasets } };
}
