/**
 * HTML of the placeholder run panels (until the issue-6 dashboard replaces them): a run's facts,
 * metrics and run.json; a metrics table for several runs. Static, escaped, no scripts. Pure.
 */
import type { RunSummary } from '../../core/runs/index';
import { formatNumber } from '../kernel/outputs';
import { formatLocalTime } from '../explorer/runItems';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function page(title: string, body: string, cspSource: string, nonce: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${cspSource} data:; style-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 16px 16px; }
h1 { font-size: 1.3em; font-weight: 600; } h2 { font-size: 1.05em; margin-top: 1.4em; }
table { border-collapse: collapse; } td, th { padding: 2px 12px 2px 0; text-align: left; border-bottom: 1px solid var(--vscode-panel-border); }
td.num { font-variant-numeric: tabular-nums; text-align: right; } .best { font-weight: 700; color: var(--vscode-charts-green); }
.status-complete { color: var(--vscode-testing-iconPassed); } .status-failed { color: var(--vscode-testing-iconFailed); } .status-running { color: var(--vscode-charts-blue); }
pre { background: var(--vscode-textCodeBlock-background); padding: 8px; overflow: auto; max-height: 60vh; }
.note { opacity: 0.7; }
</style></head><body>${body}</body></html>`;
}

export function runPanelHtml(s: RunSummary, manifestText: string | undefined, cspSource: string, nonce: string): string {
  const facts: [string, string][] = [
    ['kind', s.kind],
    ['status', s.status],
    ['created', formatLocalTime(s.created)],
  ];
  if (s.finished) facts.push(['finished', formatLocalTime(s.finished)]);
  if (s.models?.length) facts.push(['models', s.models.join(', ')]);
  if (s.horizons?.length) facts.push(['horizons', s.horizons.join(', ')]);
  if (s.folds !== undefined) facts.push(['folds', String(s.folds)]);
  if (s.parent) facts.push(['parent CV run', s.parent]);
  if (s.error) facts.push(['error', s.error]);
  facts.push(['folder', s.dir]);
  const metrics = Object.entries(s.metrics);
  const body = [
    `<h1>${escapeHtml(s.id)} <span class="status-${s.status}">● ${escapeHtml(s.status)}</span></h1>`,
    `<table>${facts.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`,
    `<h2>Metrics</h2>`,
    metrics.length
      ? `<table>${metrics.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td class="num">${escapeHtml(formatNumber(v))}</td></tr>`).join('')}</table>`
      : `<p class="note">No metrics recorded.</p>`,
    `<h2>run.json</h2>`,
    manifestText !== undefined ? `<pre>${escapeHtml(manifestText)}</pre>` : `<p class="note">This run has no run.json (written by another tool).</p>`,
  ].join('\n');
  return page(s.id, body, cspSource, nonce);
}

/** Lower is better for error-like metrics; higher for scores. */
function lowerIsBetter(name: string): boolean {
  return /(rmse|mae|mse|loss|brier|drawdown|error)/i.test(name);
}

export function comparePanelHtml(runs: readonly RunSummary[], cspSource: string, nonce: string): string {
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const best = new Map<string, number>();
  for (const n of names) {
    const values = runs.map((r) => r.metrics[n]).filter((v): v is number => typeof v === 'number');
    if (values.length > 1) best.set(n, lowerIsBetter(n) ? Math.min(...values) : Math.max(...values));
  }
  const header = `<tr><th>metric</th>${runs.map((r) => `<th>${escapeHtml(r.id)}</th>`).join('')}</tr>`;
  const rows = names.map((n) => {
    const cells = runs.map((r) => {
      const v = r.metrics[n];
      if (v === undefined) return '<td class="num">—</td>';
      return `<td class="num${best.get(n) === v ? ' best' : ''}">${escapeHtml(formatNumber(v))}</td>`;
    });
    return `<tr><th>${escapeHtml(n)}</th>${cells.join('')}</tr>`;
  });
  const kinds = `<tr><th>kind</th>${runs.map((r) => `<td>${escapeHtml(r.kind)}</td>`).join('')}</tr>`;
  const body = [`<h1>Compare ${runs.length} runs</h1>`, `<table>${header}${kinds}${rows.join('')}</table>`, names.length ? '' : '<p class="note">These runs recorded no metrics.</p>'].join('\n');
  return page(`Compare ${runs.length} runs`, body, cspSource, nonce);
}
