import pl from 'nodejs-polars';
import type { ChartOutput } from '../../phases/types';
import type { ModelTask } from '../model';

/**
 * Evaluation charts from aggregated data (never one mark per row of a large set): binned
 * heatmaps for pred-vs-true and residuals-vs-predicted, a residual histogram, ROC and
 * calibration curves. Payloads stay small whatever the row count.
 */
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

function finitePairs(y: Float64Array, p: Float64Array): [Float64Array, Float64Array] {
  const keep: number[] = [];
  for (let i = 0; i < y.length; i++) if (Number.isFinite(y[i]) && Number.isFinite(p[i])) keep.push(i);
  return [Float64Array.from(keep, (i) => y[i]), Float64Array.from(keep, (i) => p[i])];
}

function range(a: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of a) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}

/** 2-D histogram: one row per non-empty cell with its centre and count. */
export function bin2d(x: Float64Array, y: Float64Array, bins = 40): pl.DataFrame {
  const [x0, x1] = range(x);
  const [y0, y1] = range(y);
  const counts = new Map<number, number>();
  for (let i = 0; i < x.length; i++) {
    const bx = Math.min(bins - 1, Math.floor(((x[i] - x0) / (x1 - x0)) * bins));
    const by = Math.min(bins - 1, Math.floor(((y[i] - y0) / (y1 - y0)) * bins));
    const k = bx * bins + by;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const xs: number[] = [];
  const ys: number[] = [];
  const ns: number[] = [];
  for (const [k, n] of counts) {
    xs.push(x0 + ((Math.floor(k / bins) + 0.5) * (x1 - x0)) / bins);
    ys.push(y0 + (((k % bins) + 0.5) * (y1 - y0)) / bins);
    ns.push(n);
  }
  return pl.DataFrame({ x: xs, y: ys, count: ns });
}

export function histogram(v: Float64Array, bins = 40): pl.DataFrame {
  const [lo, hi] = range(v);
  const counts = new Array<number>(bins).fill(0);
  for (const x of v) counts[Math.min(bins - 1, Math.floor(((x - lo) / (hi - lo)) * bins))]++;
  const w = (hi - lo) / bins;
  return pl.DataFrame({ start: counts.map((_, i) => lo + i * w), end: counts.map((_, i) => lo + (i + 1) * w), count: counts });
}

/** ROC curve points, thinned to at most ~200. */
export function rocPoints(y: Float64Array, p: Float64Array): pl.DataFrame {
  const order = Array.from(p.keys()).sort((a, b) => p[b] - p[a]);
  let pos = 0;
  for (const v of y) if (v === 1) pos++;
  const neg = y.length - pos;
  const step = Math.max(1, Math.floor(order.length / 200));
  const fpr = [0];
  const tpr = [0];
  let tp = 0;
  let fp = 0;
  order.forEach((i, j) => {
    if (y[i] === 1) tp++;
    else fp++;
    if (j % step === 0 || j === order.length - 1) {
      fpr.push(neg ? fp / neg : 0);
      tpr.push(pos ? tp / pos : 0);
    }
  });
  return pl.DataFrame({ fpr, tpr });
}

export function calibration(y: Float64Array, p: Float64Array, bins = 10): pl.DataFrame {
  const sumP = new Array<number>(bins).fill(0);
  const sumY = new Array<number>(bins).fill(0);
  const n = new Array<number>(bins).fill(0);
  for (let i = 0; i < p.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p[i] * bins)));
    sumP[b] += p[i];
    sumY[b] += y[i];
    n[b]++;
  }
  const idx = n.flatMap((c, b) => (c ? [b] : []));
  return pl.DataFrame({ predicted: idx.map((b) => sumP[b] / n[b]), observed: idx.map((b) => sumY[b] / n[b]), count: idx.map((b) => n[b]) });
}

const heat = (title: string, xt: string, yt: string): Record<string, unknown> => ({
  $schema: SCHEMA,
  title,
  data: { name: 'bins' },
  mark: 'rect',
  encoding: {
    x: { field: 'x', type: 'quantitative', bin: { binned: true, maxbins: 40 }, title: xt },
    y: { field: 'y', type: 'quantitative', bin: { binned: true, maxbins: 40 }, title: yt },
    color: { field: 'count', type: 'quantitative', scale: { type: 'log' } },
    tooltip: [{ field: 'count' }],
  },
});

export function evaluationCharts(task: ModelTask, yIn: Float64Array, pIn: Float64Array): ChartOutput[] {
  const [y, p] = finitePairs(yIn, pIn);
  if (!y.length) return [];
  if (task === 'regression') {
    const resid = Float64Array.from(y, (v, i) => v - p[i]);
    return [
      { id: 'pred-vs-true', title: 'Predicted vs true', spec: heat('Predicted vs true', 'predicted', 'true'), data: { bins: bin2d(p, y) } },
      {
        id: 'residual-hist',
        title: 'Residuals',
        spec: { $schema: SCHEMA, data: { name: 'hist' }, mark: 'bar', encoding: { x: { field: 'start', type: 'quantitative', bin: { binned: true }, title: 'residual' }, x2: { field: 'end' }, y: { field: 'count', type: 'quantitative' } } },
        data: { hist: histogram(resid) },
      },
      { id: 'resid-vs-pred', title: 'Residuals vs predicted', spec: heat('Residuals vs predicted', 'predicted', 'residual'), data: { bins: bin2d(p, resid) } },
    ];
  }
  return [
    {
      id: 'roc',
      title: 'ROC curve',
      spec: { $schema: SCHEMA, data: { name: 'roc' }, mark: { type: 'line', interpolate: 'step-after' }, encoding: { x: { field: 'fpr', type: 'quantitative', title: 'false positive rate' }, y: { field: 'tpr', type: 'quantitative', title: 'true positive rate' } } },
      data: { roc: rocPoints(y, p) },
    },
    {
      id: 'calibration',
      title: 'Calibration',
      spec: {
        $schema: SCHEMA, data: { name: 'cal' }, mark: { type: 'line', point: true },
        encoding: { x: { field: 'predicted', type: 'quantitative', scale: { domain: [0, 1] } }, y: { field: 'observed', type: 'quantitative', scale: { domain: [0, 1] } }, tooltip: [{ field: 'count' }] },
      },
      data: { cal: calibration(y, p) },
    },
  ];
}
