/**
 * Headless SVG of a chart: the same vega-lite spec the webviews render (core/charts), compiled
 * with vega-lite and drawn by a vega View without a browser (renderer 'none' + toSVG). A light
 * theme on white, since a report file has no editor theme to follow.
 */
import type { ChartSpec } from '../charts/types';
import { chartDatasets, embeddableSpec } from '../charts/rows';

const REPORT_CONFIG = {
  background: 'white',
  font: 'Helvetica, Arial, sans-serif',
  view: { stroke: '#ddd' },
  axis: { labelColor: '#333', titleColor: '#333', gridColor: '#eee' },
};

type VegaLite = typeof import('vega-lite');
type Vega = typeof import('vega');
let libs: Promise<[VegaLite, Vega]> | undefined;

function load(): Promise<[VegaLite, Vega]> {
  // vega and vega-lite are ES modules: load them as such, once.
  libs ??= Promise.all([import('vega-lite'), import('vega')]);
  return libs;
}

/**
 * Vega numbers gradients from a counter global to the process (`gradient_0`, `gradient_1`, ...):
 * renumbered per document, so a figure's bytes do not depend on what the process drew before
 * (a fleet worker or a pool worker that already rendered another report).
 */
export function localIds(svg: string): string {
  const ids = new Map<string, string>();
  return svg.replace(/\bgradient_\d+\b/g, (id) => {
    if (!ids.has(id)) ids.set(id, `gradient_${ids.size}`);
    return ids.get(id) as string;
  });
}

/** The chart as a standalone SVG document. Vega warnings are returned, errors thrown. */
export async function renderChartSvg(chart: ChartSpec): Promise<{ svg: string; warnings: string[] }> {
  const [vl, vega] = await load();
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    warn: (...a: unknown[]) => (warnings.push(a.join(' ')), logger),
    info: () => logger,
    debug: () => logger,
    error: (...a: unknown[]) => {
      throw new Error(a.join(' '));
    },
  };
  const spec = embeddableSpec(
    { ...chart.spec, config: { ...REPORT_CONFIG, ...((chart.spec.config as object) ?? {}) } },
    chartDatasets(chart),
  );
  if (!spec.title) spec.title = chart.title;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const compiled = vl.compile(spec as any, { logger: logger as any }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Warn });
  try {
    await view.runAsync();
    const svg = localIds(await view.toSVG());
    return { svg: svg.startsWith('<?xml') ? svg : `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`, warnings };
  } finally {
    view.finalize();
  }
}
