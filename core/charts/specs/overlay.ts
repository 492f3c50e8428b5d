/** Overlaid charts for comparing runs: ROC curves, CV scores, residual distributions, equity. */
import { differences, rocCurve } from '../stats';
import type { ChartSpec } from '../types';
import { chart, extent } from './common';
import { metricTitle, type FoldScore } from './cv';
import { ROC_AXES } from './evaluate';

export function rocOverlayChart(
  runs: readonly { run: string; yTrue: ArrayLike<number>; prob: ArrayLike<number> }[],
): ChartSpec | undefined {
  const run: string[] = [];
  const fpr: number[] = [];
  const tpr: number[] = [];
  const order: number[] = [];
  for (const r of runs) {
    const c = rocCurve(r.yTrue, r.prob, 300);
    if (!Number.isFinite(c.auc)) continue;
    const label = `${r.run} (AUC ${c.auc.toFixed(3)})`;
    c.fpr.forEach((f, i) => (run.push(label), fpr.push(f), tpr.push(c.tpr[i]), order.push(i)));
  }
  if (!run.length) return undefined;
  return chart(
    'compare-roc',
    'ROC per run',
    {
      width: 320,
      height: 320,
      layer: [
        {
          data: { name: 'roc' },
          mark: { type: 'line', interpolate: 'step-after' },
          encoding: {
            ...ROC_AXES,
            color: {
              field: 'run',
              type: 'nominal',
              title: null,
              legend: { orient: 'bottom', direction: 'vertical', labelLimit: 400 },
            },
            order: { field: 'order', type: 'quantitative' },
          },
        },
        {
          data: { name: 'chance' },
          mark: { type: 'line', strokeDash: [4, 4], color: '#888' },
          encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
        },
      ],
    },
    {
      roc: { run, fpr: Float64Array.from(fpr), tpr: Float64Array.from(tpr), order: Float64Array.from(order) },
      chance: { x: Float64Array.of(0, 1), y: Float64Array.of(0, 1) },
    },
  );
}

/** Mean ± std over folds of `metric` per model, one colour per run, side by side. */
export function cvOverlayChart(
  runs: readonly { run: string; folds: readonly FoldScore[] }[],
  metric: string,
): ChartSpec | undefined {
  const run: string[] = [];
  const model: string[] = [];
  const horizon: string[] = [];
  const score: number[] = [];
  for (const r of runs) {
    for (const f of r.folds) {
      const v = f.scores?.[metric];
      if (!Number.isFinite(v)) continue;
      run.push(r.run);
      model.push(f.model);
      horizon.push(`h${f.horizon}`);
      score.push(v);
    }
  }
  if (!run.length) return undefined;
  const y = { field: 'score', type: 'quantitative', title: metricTitle(metric), scale: { zero: false } };
  return chart(
    'compare-cv',
    `Fold ${metric} per model and run`,
    {
      data: { name: 'folds' },
      facet: { column: { field: 'horizon', type: 'nominal', title: null } },
      spec: {
        layer: [
          {
            mark: { type: 'point', filled: true, opacity: 0.5 },
            encoding: {
              x: { field: 'model', type: 'nominal', title: null },
              xOffset: { field: 'run', type: 'nominal' },
              y,
              color: { field: 'run', type: 'nominal', title: 'run' },
            },
          },
          {
            mark: { type: 'tick', thickness: 2 },
            encoding: {
              x: { field: 'model', type: 'nominal' },
              xOffset: { field: 'run', type: 'nominal' },
              y: { aggregate: 'mean', field: 'score', type: 'quantitative' },
              color: { field: 'run', type: 'nominal' },
            },
          },
        ],
      },
    },
    { folds: { run, model, horizon, score: Float64Array.from(score) } },
  );
}

/** Residual distributions of several regression runs on one shared binning (as densities). */
export function residualOverlayChart(
  runs: readonly { run: string; yTrue: ArrayLike<number>; yPred: ArrayLike<number> }[],
  bins = 40,
): ChartSpec | undefined {
  const res = runs.map((r) => ({ run: r.run, d: differences(r.yTrue, r.yPred) }));
  const range = extent(...res.map((r) => r.d));
  if (!range) return undefined;
  const [lo, hi] = range;
  const width = hi > lo ? (hi - lo) / bins : 1;
  const run: string[] = [];
  const mid: number[] = [];
  const density: number[] = [];
  for (const r of res) {
    const counts = new Float64Array(bins);
    let n = 0;
    for (const v of r.d)
      if (Number.isFinite(v)) {
        counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
        n++;
      }
    if (!n) continue;
    counts.forEach((c, b) => (run.push(r.run), mid.push(lo + (b + 0.5) * width), density.push(c / n / width)));
  }
  if (!run.length) return undefined;
  return chart(
    'compare-residuals',
    'Residual distribution per run',
    {
      width: 420,
      height: 220,
      data: { name: 'residuals' },
      mark: { type: 'line', interpolate: 'step' },
      encoding: {
        x: { field: 'residual', type: 'quantitative', title: 'residual (true − predicted)' },
        y: { field: 'density', type: 'quantitative' },
        color: { field: 'run', type: 'nominal', title: null },
      },
    },
    { residuals: { run, residual: Float64Array.from(mid), density: Float64Array.from(density) } },
  );
}
