// What the webviews show: notebook cell outputs (one webview holds every output of a notebook)
// and run dashboards (one webview panel each). Read from inside their iframes, as plain data.
import type { Frame, Page } from 'playwright-core';

export interface ChartSeen {
  title: string;
  /** Marks drawn inside the chart's svg (vega scenegraph items), or 1 per non-empty canvas. */
  marks: number;
  drawn: boolean;
  /** The chart's box in page coordinates (null when not laid out, e.g. a hidden webview). */
  box: { x: number; y: number; width: number; height: number } | null;
}

export interface NotebookOutputs {
  /** First line of each text output: the phase summary headline, e.g. "prices · 19,975 rows × 7 columns · 1.33 s". */
  headlines: string[];
  /** Every text output in full. */
  texts: string[];
  charts: ChartSeen[];
  /** Text of error outputs (VS Code's error renderer) and of outputs the Phasebook renderer could not show. */
  errors: string[];
}

// Scripts run inside the webview iframes. They are strings: functions sent from here would carry
// the __name() wrappers tsx adds, which VS Code's webview pages do not define.
const CHARTS_JS = `[...document.querySelectorAll('.pb-chart')].map((c) => {
  const svgMarks = c.querySelectorAll('svg .role-mark > *').length;
  const canvases = [...c.querySelectorAll('canvas')].filter((k) => k.width > 0 && k.height > 0).length;
  const r = c.getBoundingClientRect();
  return {
    title: ((c.querySelector('.pb-chart-title') || {}).textContent || '').trim(),
    marks: svgMarks + canvases,
    drawn: c.classList.contains('pb-drawn'),
    rect: r.width > 0 && r.height > 0 ? { x: r.x, y: r.y, width: r.width, height: r.height } : null,
  };
})`;

const NOTEBOOK_OUTPUTS_JS =
  `(() => {
  if (!document.querySelector('.cell_container')) return null;
  const texts = [...document.querySelectorAll('.output-plaintext')].map((e) => e.textContent || '');
  const errors = [...document.querySelectorAll('.output .error, .output .traceback, .output ` +
  `.pb-error')].map((e) => (e.textContent || '').trim());
  return { texts, errors, charts: ${CHARTS_JS} };
})()`;

interface RawChart extends Omit<ChartSeen, 'box'> {
  rect: ChartSeen['box'];
}

/** Page coordinates of a rect measured inside `frame` (boundingBox() of an iframe element is in page coordinates). */
async function toPage(frame: Frame, rect: ChartSeen['box']): Promise<ChartSeen['box']> {
  if (!rect) return null;
  const owner = await frame.frameElement().catch(() => null);
  const box = owner ? await owner.boundingBox() : null;
  return box ? { x: box.x + rect.x, y: box.y + rect.y, width: rect.width, height: rect.height } : null;
}

async function charts(frame: Frame, raw: RawChart[]): Promise<ChartSeen[]> {
  return Promise.all(
    raw.map(async (c) => ({ title: c.title, marks: c.marks, drawn: c.drawn, box: await toPage(frame, c.rect) })),
  );
}

/** Everything the notebook's output webview holds right now (outputs stay once a cell was in view). */
export async function notebookOutputs(page: Page): Promise<NotebookOutputs> {
  const out: NotebookOutputs = { headlines: [], texts: [], charts: [], errors: [] };
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    const r = (await frame.evaluate(NOTEBOOK_OUTPUTS_JS).catch(() => null)) as {
      texts: string[];
      errors: string[];
      charts: RawChart[];
    } | null;
    if (!r) continue;
    out.texts.push(...r.texts);
    out.headlines.push(...r.texts.map((t) => t.split('\n')[0]?.trim() ?? ''));
    out.errors.push(...r.errors);
    out.charts.push(...(await charts(frame, r.charts)));
  }
  return out;
}

export interface DashboardSeen {
  runId: string;
  /** Metric cards: data-metric -> the card's text. */
  cards: Record<string, string>;
  charts: ChartSeen[];
  /** "No charts for this run yet…" when the dashboard found nothing to chart. */
  empty: string;
  notes: string[];
  errors: string[];
}

const DASHBOARD_JS = (runId: string) =>
  `(() => {
  const root = document.querySelector('.pb-dash[data-run-id=${JSON.stringify(JSON.stringify(runId)).slice(1, -1)}]');
  if (!root) return null;
  const cards = {};
  for (const c of root.querySelectorAll('.pb-card')) cards[c.getAttribute('data-metric') || '?'] = ` +
  `(c.textContent || '').trim();
  return {
    cards,
    charts: ${CHARTS_JS},
    empty: ((root.querySelector('.pb-empty') || {}).textContent || '').trim(),
    notes: [...root.querySelectorAll('.pb-notes li')].map((e) => (e.textContent || '').trim()),
    errors: [...document.querySelectorAll('.pb-error')].map((e) => (e.textContent || '').trim()),
  };
})()`;

/** The dashboard webview showing `runId`, or undefined when no open webview shows that run. */
export async function dashboardOf(page: Page, runId: string): Promise<DashboardSeen | undefined> {
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    const r = (await frame.evaluate(DASHBOARD_JS(runId)).catch(() => null)) as
      (Omit<DashboardSeen, 'runId' | 'charts'> & { charts: RawChart[] }) | null;
    if (r) return { runId, ...r, charts: await charts(frame, r.charts) };
  }
  return undefined;
}

/** A chart with marks drawn, for assertions and their messages. */
export function drawnCharts(seen: readonly ChartSeen[]): ChartSeen[] {
  return seen.filter((c) => c.drawn && c.marks > 0);
}

export function inViewport(c: ChartSeen, view: { width: number; height: number }): boolean {
  return (
    !!c.box &&
    c.box.width > 20 &&
    c.box.height > 20 &&
    c.box.y < view.height &&
    c.box.y + c.box.height > 0 &&
    c.box.x < view.width
  );
}
