/** How a run shows in the explorer: label, description, tooltip, icon, context value. Pure. */
import { runLabel } from '../../core/runs/label';
import type { RunSummary } from '../../core/runs/scan';
import { formatNumber } from '../kernel/outputs';

export interface RunItemView {
  label: string;
  description: string;
  tooltip: string;
  /** Codicon id and theme color id of the status icon. */
  icon: { id: string; color?: string };
  /** For menus: `run`, plus `run-cv` / `run-training`..., the status, and `run-checkpoints` when it kept some. */
  contextValue: string;
}

/** ISO time as local `YYYY-MM-DD HH:MM`. */
export function formatLocalTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

const STATUS_ICON: Record<RunSummary['status'], { id: string; color?: string }> = {
  complete: { id: 'pass', color: 'testing.iconPassed' },
  running: { id: 'sync~spin', color: 'charts.blue' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  interrupted: { id: 'debug-disconnect', color: 'testing.iconErrored' },
};

/**
 * The label says what the run is (its name, or kind, horizon, model and key metric: core/runs/label.ts); the
 * description its tags, status and time; the tooltip starts with the id.
 */
export function runItemView(s: RunSummary): RunItemView {
  const parts: string[] = [];
  if (s.tags?.length) parts.push(s.tags.map((t) => `#${t}`).join(' '));
  if (s.name && s.keyMetric) parts.push(`${s.keyMetric.name} ${formatNumber(s.keyMetric.value)}`);
  if (s.status !== 'complete') parts.push(s.status);
  if (s.autorun) parts.push('autorun');
  parts.push(formatLocalTime(s.created));
  const lines = [
    `${s.id}`,
    ...(s.name ? [`name: ${s.name}`] : []),
    ...(s.tags?.length ? [`tags: ${s.tags.join(', ')}`] : []),
    ...(s.note ? [`note: ${s.note}`] : []),
    `${s.kind} · ${s.status}${s.foreign ? ' · written by another tool (no run.json)' : ''}`,
    `created ${formatLocalTime(s.created)}`,
  ];
  if (s.finished) lines.push(`finished ${formatLocalTime(s.finished)}`);
  if (s.models?.length) lines.push(`models: ${s.models.join(', ')}`);
  if (s.horizons?.length) lines.push(`horizons: ${s.horizons.join(', ')}`);
  if (s.folds !== undefined) lines.push(`folds: ${s.folds}`);
  if (s.parent) lines.push(`trained on CV run ${s.parent}`);
  if (s.keyMetric) lines.push(`${s.keyMetric.name}: ${formatNumber(s.keyMetric.value)}`);
  const selection = Object.entries(s.selection ?? {});
  for (const [phase, line] of selection) lines.push(selection.length > 1 ? `${phase}: ${line}` : line);
  if (s.checkpoints) lines.push(`checkpoints kept: ${s.checkpoints}`);
  if (s.error) lines.push(`error: ${s.error}`);
  lines.push(s.dir);
  return {
    label: runLabel(s),
    description: parts.join(' · '),
    tooltip: lines.join('\n'),
    icon: STATUS_ICON[s.status],
    contextValue: `run run-${s.kind} run-${s.status}${s.checkpoints ? ' run-checkpoints' : ''}`,
  };
}

/** Metrics of a run, key metric first, for the "Metrics" children. */
export function metricRows(s: RunSummary): { name: string; value: string }[] {
  const names = Object.keys(s.metrics).sort((a, b) =>
    a === s.keyMetric?.name ? -1 : b === s.keyMetric?.name ? 1 : a.localeCompare(b),
  );
  const rows = names.map((n) => ({ name: n, value: formatNumber(s.metrics[n]!) }));
  if (!rows.length && s.keyMetric) rows.push({ name: s.keyMetric.name, value: formatNumber(s.keyMetric.value) });
  return rows;
}
