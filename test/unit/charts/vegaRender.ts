// Renders a ChartSpec headlessly (vega-lite compile + vega View to SVG) and counts scenegraph
// items per mark type, so tests check that a chart really draws the marks it should.
import type { ChartSpec } from '../../../core/charts/types';
import { chartDatasets, embeddableSpec } from '../../../core/charts/rows';

export interface Rendered {
  svg: string;
  /** Items drawn per mark type ('symbol', 'rect', 'rule'...; for line/area: points), axes/legends excluded. */
  marks: Record<string, number>;
  /** Drawn line/area series (mark instances with at least one point). */
  series: Record<string, number>;
  warnings: string[];
  /** Drawn rects (bars) with their datum and pixel height. */
  bars: { datum: Record<string, unknown>; height: number }[];
}

interface SceneNode {
  marktype?: string;
  role?: string;
  items?: SceneNode[];
  datum?: Record<string, unknown>;
  height?: number;
}

function collectBars(node: SceneNode, out: Rendered['bars']): void {
  for (const child of node.items ?? []) {
    if (child.marktype === 'rect' && child.role === 'mark')
      for (const it of child.items ?? []) out.push({ datum: it.datum ?? {}, height: it.height ?? 0 });
    collectBars(child, out);
  }
}

function countMarks(node: SceneNode, out: Record<string, number>, series: Record<string, number>): void {
  for (const child of node.items ?? []) {
    if (child.marktype && child.role === 'mark') {
      out[child.marktype] = (out[child.marktype] ?? 0) + (child.items?.length ?? 0);
      if (child.items?.length) series[child.marktype] = (series[child.marktype] ?? 0) + 1;
    }
    countMarks(child, out, series);
  }
}

export async function renderChart(chart: ChartSpec): Promise<Rendered> {
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    warn: (...args: unknown[]) => (warnings.push(args.join(' ')), logger),
    info: () => logger,
    debug: () => logger,
    error: (...args: unknown[]) => {
      throw new Error(args.join(' '));
    },
  };
  // vega and vega-lite are ESM with top-level await: load them as real ES modules.
  const [{ compile }, { parse, View }] = await Promise.all([import('vega-lite'), import('vega')]);
  const spec = embeddableSpec(chart.spec, chartDatasets(chart));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const vg = compile(spec as any, { logger: logger as any }).spec;
  const view = new View(parse(vg), { renderer: 'none' });
  await view.runAsync();
  const svg = await view.toSVG();
  const marks: Record<string, number> = {};
  const series: Record<string, number> = {};
  const root = (view.scenegraph() as unknown as { root: SceneNode }).root;
  countMarks(root, marks, series);
  const bars: Rendered['bars'] = [];
  collectBars(root, bars);
  view.finalize();
  return { svg, marks, series, warnings, bars };
}
