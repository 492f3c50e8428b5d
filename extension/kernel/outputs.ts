/**
 * A finished cell's payload (core/kernel/protocol CellOutputPayload) as notebook outputs:
 * a text summary, tables as Arrow IPC (`application/vnd.phasebook.frame+arrow`) and charts as
 * vega-lite + Arrow (`application/vnd.phasebook.chart+json`), each with a markdown fallback; errors
 * as a message naming cell, line and key, with a stack only for internal errors. Pure: the
 * controller turns these specs into vscode.NotebookCellOutput.
 */
import type { CellError, CellStatus } from '../../core/graph/events';
import { formatCellError } from '../../core/graph/cellError';
import type { CellOutputPayload, ExecutedBy } from '../../core/kernel/protocol';
import type { SummaryValue } from '../../core/spec/types';
import {
  CHART_MIME,
  ERROR_MIME,
  FRAME_MIME,
  OUTPUT_CELL_KEY,
  type ChartMimePayload,
  type FrameMeta,
} from '../../core/kernel/mimes';
import { originOf } from '../../core/orchestrate/branch';
import { ipcToMarkdown } from './arrowPreview';
import { metricLines, shownPath } from './summaryLines';

export { CHART_MIME, ERROR_MIME, FRAME_MIME };

export interface OutputItemSpec {
  mime: string;
  data: Uint8Array;
}

export interface OutputSpec {
  items: OutputItemSpec[];
  metadata?: Record<string, unknown>;
}

const encoder = new TextEncoder();
const text = (s: string): Uint8Array => encoder.encode(s);

export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  const abs = Math.abs(v);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

function formatValue(v: SummaryValue): string {
  if (v === null) return '—';
  return typeof v === 'number' ? formatNumber(v) : String(v);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms - m * 60_000) / 1000)} s`;
}

/** A cache hit says when the result was computed and how long that took: "cached (ran 1.30 s on 2026-12-02 12:40)". */
export function cachedWord(ran: CellOutputPayload['ran']): string {
  if (!ran) return 'cached';
  const at = new Date(ran.at);
  if (Number.isNaN(at.getTime())) return 'cached';
  const pad = (n: number): string => String(n).padStart(2, '0');
  const when =
    `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ` +
    `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  return `cached (ran ${formatDuration(ran.durationMs)} on ${when})`;
}

const STATUS_WORD: Record<CellStatus, string> = {
  ok: 'done',
  cached: 'cached',
  failed: 'failed',
  skipped: 'not run',
  cancelled: 'cancelled',
};

/**
 * The one-line headline plus one line per summary fact, metric, warning, run and artifact, each
 * said once (summaryLines); paths relative to `base` (the workspace folder) when given.
 */
export function summaryText(
  cell: string,
  status: CellStatus,
  durationMs: number,
  out: CellOutputPayload | undefined,
  base?: string,
  by?: ExecutedBy,
): string {
  const head = [cell];
  if (out?.dataset) {
    const d = out.dataset;
    head.push(`${formatNumber(d.rows)} rows × ${formatNumber(d.columns)} columns`);
    if (d.features) head.push(`${formatNumber(d.features)} features`);
  }
  head.push(status === 'cached' ? cachedWord(out?.ran) : formatDuration(durationMs));
  if (status !== 'ok' && status !== 'cached') head.push(STATUS_WORD[status]);
  const lines = [head.join(' · ')];
  const summary = out?.summary ?? {};
  // Facts the run or artifact lines below say anyway (the run id, an artifact's path) are said there.
  const said = new Set<unknown>(
    [out?.run?.id, out?.run?.dir, ...(out?.artifacts ?? []).map((a) => a.path)].filter((v) => v !== undefined),
  );
  for (const [k, v] of Object.entries(summary)) {
    if (said.has(v)) continue;
    if (k === 'feature_set_id' && v === out?.dataset?.featureSetId) continue;
    lines.push(`  ${k}: ${typeof v === 'string' ? shownPath(v, base) : formatValue(v)}`);
  }
  for (const l of metricLines(Object.keys(summary), out?.metrics ?? {}, formatNumber)) lines.push(`  ${l}`);
  if (out?.dataset?.featureSetId) lines.push(`  feature set: ${out.dataset.featureSetId}`);
  if (out?.run) lines.push(`  run: ${out.run.id} (${out.run.kind}) ${shownPath(out.run.dir, base)}`);
  for (const a of out?.artifacts ?? []) lines.push(`  ${a.label}: ${shownPath(a.path, base)}`);
  for (const w of out?.warnings ?? []) lines.push(`  ⚠ ${base ? w.split(base + '/').join('') : w}`);
  const ran = executedByLine(by);
  if (ran) lines.push(`  ${ran}`);
  return lines.join('\n');
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function tableOutput(t: CellOutputPayload['tables'][number]): OutputSpec {
  let fallback: string;
  try {
    const preview = ipcToMarkdown(t.ipc);
    const note = t.rows > preview.shownRows ? `\n\n_first ${preview.shownRows} of ${formatNumber(t.rows)} rows_` : '';
    fallback =
      `**${t.title}** — ${formatNumber(t.rows)} rows × ${t.columns.length} ` + `columns\n\n${preview.markdown}${note}`;
  } catch (e) {
    fallback =
      `**${t.title}** — ${formatNumber(t.rows)} rows × ${t.columns.length} columns (${t.columns.join(', ')}); ` +
      `preview unavailable: ${(e as Error).message}`;
  }
  return {
    items: [
      { mime: FRAME_MIME, data: t.ipc },
      { mime: 'text/markdown', data: text(fallback) },
    ],
    metadata: { title: t.title, rows: t.rows, columns: t.columns, truncated: t.truncated } satisfies FrameMeta,
  };
}

export function chartOutput(c: CellOutputPayload['charts'][number]): OutputSpec {
  const payload: Required<Pick<ChartMimePayload, 'id' | 'title'>> & ChartMimePayload = {
    id: c.id,
    title: c.title,
    spec: c.spec,
    data: Object.fromEntries(Object.entries(c.data).map(([k, v]) => [k, base64(v)])),
  };
  const rows = Object.keys(c.data).join(', ');
  return {
    items: [
      { mime: CHART_MIME, data: text(JSON.stringify(payload)) },
      { mime: 'text/markdown', data: text(`**${c.title}** — chart (vega-lite; data: ${rows})`) },
    ],
    metadata: { title: c.title, chartId: c.id },
  };
}

/** An error: user mistakes as one message (file:line cell key: message + details), no stack. */
export function errorOutput(cell: string, error: CellError): OutputSpec {
  const message = formatCellError(error);
  const value = {
    name: error.stack ? `Internal error in cell '${cell}'` : `Cell '${cell}'`,
    message,
    stack: error.stack,
  };
  return {
    items: [
      { mime: ERROR_MIME, data: text(JSON.stringify(value)) },
      { mime: 'text/plain', data: text(message) },
    ],
    metadata: { phasebookError: true, location: error.location },
  };
}

/**
 * A cell that did not run because an upstream cell failed: one muted line, not another error
 * (the error is shown once, on the cell at fault).
 */
export function waitingOutput(upstream: string): OutputSpec {
  const line = `waiting for '${upstream}': it failed; fix it and run again`;
  return {
    items: [
      { mime: 'text/markdown', data: text(`*${line}*`) },
      { mime: 'text/plain', data: text(line) },
    ],
    metadata: { phasebookWaiting: upstream },
  };
}

/**
 * Where a computed cell ran, when that is not the kernel itself: `ran on: bullmq · worker host-12 · attempt 2`.
 * Undefined for the kernel's own loop (the default, said nowhere).
 */
export function executedByLine(by: ExecutedBy | undefined): string | undefined {
  if (!by || by.executor === 'in-process') return undefined;
  const bits = [by.executor];
  if (by.worker) bits.push(`worker ${by.worker}`);
  if (by.attempts !== undefined) bits.push(`attempt ${by.attempts}`);
  return `ran on: ${bits.join(' · ')}`;
}

/** Every output of a finished cell, in display order. */
export function cellOutputs(
  cell: string,
  status: CellStatus,
  durationMs: number,
  out?: CellOutputPayload,
  error?: CellError,
  base?: string,
  by?: ExecutedBy,
): OutputSpec[] {
  if (status === 'skipped' && error?.blockedBy) return [waitingOutput(originOf(error.blockedBy))];
  const specs: OutputSpec[] = [];
  if (error) specs.push(errorOutput(cell, error));
  if (out || !error)
    specs.push({
      items: [{ mime: 'text/plain', data: text(summaryText(cell, status, durationMs, out, base, by)) }],
      metadata: { phasebookSummary: true, status, ...summaryPaths(out, base), ...(by ? { executedBy: by } : {}) },
    });
  // Tables and charts say whose they are: the renderer dims a stale cell's (docs/design.md §9.4).
  const owned = (o: OutputSpec): OutputSpec => ({
    ...o,
    metadata: { ...o.metadata, [OUTPUT_CELL_KEY]: originOf(cell) },
  });
  for (const t of out?.tables ?? []) specs.push(owned(tableOutput(t)));
  for (const c of out?.charts ?? []) specs.push(owned(chartOutput(c)));
  return specs;
}

/** The full paths behind the relative ones the summary shows (for tools and a future hover). */
function summaryPaths(
  out: CellOutputPayload | undefined,
  base: string | undefined,
): { paths?: Record<string, string> } {
  if (!base || !out) return {};
  const full = [...(out.run ? [out.run.dir] : []), ...out.artifacts.map((a) => a.path)];
  const paths = Object.fromEntries(full.map((p) => [shownPath(p, base), p]).filter(([rel, p]) => rel !== p));
  return Object.keys(paths).length ? { paths } : {};
}

/** A plain message on a cell (untrusted workspace, kernel gone...). */
export function messageOutput(message: string): OutputSpec {
  return { items: [{ mime: 'text/plain', data: text(message) }] };
}

export function failureOutput(cell: string, message: string): OutputSpec {
  return errorOutput(cell, { message, location: { cell }, details: [], exitCode: 1 });
}
