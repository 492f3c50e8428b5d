import type { CellOutcome, ExecutionEvent } from '../graph/events';
import { formatCellError } from '../graph/cellError';
import type { SummaryValue } from '../base/outputs';

const ICON: Record<CellOutcome['status'], string> = { ok: '✓', cached: '✓', failed: '✗', skipped: '-', cancelled: '■' };

export function formatValue(v: SummaryValue): string {
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return v.toLocaleString('en-US');
    return Math.abs(v) >= 1000 ? v.toFixed(1) : v.toPrecision(4);
  }
  return String(v);
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** One line per finished cell: "✓ features  0.42 s  rows: 47,880 · features: 17". */
export function formatOutcome(o: CellOutcome, width: number): string {
  const status = o.status === 'cached' ? 'cached' : o.status === 'ok' ? formatDuration(o.durationMs) : o.status;
  const summary = o.result
    ? Object.entries(o.result.summary)
        .map(([k, v]) => `${k}: ${formatValue(v)}`)
        .join(' · ')
    : '';
  let line = `${ICON[o.status]} ${o.cell.padEnd(width)}  ${status.padEnd(9)}  ${summary}`.trimEnd();
  if (o.note) line += `\n    ${o.note}`;
  if (o.result?.run) line += `\n    run ${o.result.run.id}  ${o.result.run.dir}`;
  for (const w of o.result?.warnings ?? []) line += `\n    warning: ${w}`;
  if (o.error) line += `\n    ${formatCellError(o.error).split('\n').join('\n    ')}`;
  return line;
}

/** Live progress on a terminal: one rewritten status line. */
export function progressLine(e: ExecutionEvent): string | undefined {
  if (e.type === 'started') return `▶ ${e.cell} …`;
  if (e.type === 'progress') return `▶ ${e.cell} ${Math.round(e.fraction * 100)}%${e.message ? ` ${e.message}` : ''}`;
  return undefined;
}
