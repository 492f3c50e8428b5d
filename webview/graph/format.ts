/** How a graph node's facts read: its state's label, when it ran, how long, how many rows. */
import type { AuditVerdict, NodeFacts, NodeState } from '../../extension/graph/protocol';
import { formatNumber } from '../dom';

export const STATE_LABEL: Record<NodeState, string> = {
  never: 'not run',
  queued: 'queued',
  running: 'running',
  ok: 'ran',
  cached: 'cached',
  stale: 'stale',
  failed: 'failed',
  blocked: 'blocked',
  cancelled: 'cancelled',
};

export const AUDIT_LABEL: Record<AuditVerdict, string> = {
  'look-ahead': '⚠ look-ahead',
  clean: '✓ audit clean',
  inconclusive: '? audit inconclusive',
};

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** `14:03` today, `2026-11-30 14:03` on another day (local time). */
export function formatWhen(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number): string => String(n).padStart(2, '0');
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return d.toDateString() === now.toDateString()
    ? time
    : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

/** The facts line under a node's name: `14:03 · 1.2 s · 3,950 rows` (parts it lacks are left out). */
export function factsLine(f: NodeFacts): string {
  const parts: string[] = [];
  if (f.at) parts.push(formatWhen(f.at));
  if (f.durationMs !== undefined) parts.push(formatDuration(f.durationMs));
  if (f.rows !== undefined) parts.push(`${formatNumber(f.rows)} rows`);
  return parts.join(' · ');
}
