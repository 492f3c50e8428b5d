/** Plain-text tables for the CLI (`phasebook runs`, `phasebook cv-runs`). */
import type { RunSummary } from './summary';

/** Left-aligned columns separated by two spaces; the header is underlined with dashes. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

/** `2025-12-28 14:30:25` (UTC) from an ISO time. */
export function formatCreated(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toISOString().slice(0, 19).replace('T', ' ');
}

/** A metric value with 4 significant decimals, without float noise. */
export function formatMetricValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e6 || a < 1e-3) ? v.toExponential(3) : String(Number(v.toFixed(4)));
}

/** The table printed by `phasebook runs`: id, kind, status, created (UTC), key metric. */
export function formatRunsTable(runs: readonly RunSummary[]): string {
  if (!runs.length) return 'no runs found\n';
  const rows = runs.map((r) => [
    r.id,
    r.kind,
    r.status,
    formatCreated(r.created),
    r.keyMetric
      ? `${r.keyMetric.name}=${formatMetricValue(r.keyMetric.value)}`
      : r.error && r.status === 'failed'
        ? `(${firstLine(r.error)})`
        : '',
  ]);
  return renderTable(['id', 'kind', 'status', 'created (UTC)', 'key metric'], rows);
}

function firstLine(s: string): string {
  const l = s.split('\n')[0]!;
  return l.length > 60 ? `${l.slice(0, 57)}...` : l;
}
