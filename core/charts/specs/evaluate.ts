/**
 * evaluate: predicted vs true (points, or a binned heatmap when large), residual histogram,
 * residuals vs predicted; for classifiers ROC and calibration. Aggregates are computed here so a
 * chart never ships one row per prediction.
 */
import type { ChartSpec, VegaLiteSpec } from '../types';
import { bins2d, calibration, differences, finitePairs, histogram, rocCurve } from '../stats';
import { chart, extent, finiteRows } from './common';

/** Above this many points, scatter plots become binned heatmaps. */
export const SCATTER_LIMIT = 5000;
const HEAT_BINS = 60;

export interface ScatterOptions {
  scatterLimit?: number;
  bins?: number;
}

function scatterOrBins(
  name: string,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  axes: { x: string; y: string },
  opts: ScatterOptions & { sameScale?: boolean },
): { layer: VegaLiteSpec; data: ChartSpec['data']; binned: boolean } {
  const limit = opts.scatterLimit ?? SCATTER_LIMIT;
  if (finitePairs(x, y) <= limit) {
    const rows = finiteRows({ x, y });
    return {
      binned: false,
      data: { [name]: rows },
      layer: {
        data: { name },
        mark: { type: 'point', filled: true, size: 14, opacity: 0.5 },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: axes.x, scale: { zero: false } },
          y: { field: 'y', type: 'quantitative', title: axes.y, scale: { zero: false } },
          tooltip: [
            { field: 'x', title: axes.x, format: '.4g' },
            { field: 'y', title: axes.y, format: '.4g' },
          ],
        },
      },
    };
  }
  const b = bins2d(x, y, opts.bins ?? HEAT_BINS, opts.sameScale);
  return {
    binned: true,
    data: { [name]: { ...b } },
    layer: {
      data: { name },
      mark: 'rect',
      encoding: {
        x: { field: 'x_start', type: 'quantitative', title: axes.x, scale: { zero: false } },
        x2: { field: 'x_end' },
        y: { field: 'y_start', type: 'quantitative', title: axes.y, scale: { zero: false } },
        y2: { field: 'y_end' },
        color: { field: 'count', type: 'quantitative', scale: { type: 'log', scheme: 'viridis' }, title: 'rows' },
        tooltip: [
          { field: 'x_start', title: `${axes.x} from`, format: '.4g' },
          { field: 'y_start', title: `${axes.y} from`, format: '.4g' },
          { field: 'count', format: ',' },
        ],
      },
    },
  };
}

/** Predicted against true, with the identity line. */
export function predVsTrueChart(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  opts: ScatterOptions = {},
): ChartSpec | undefined {
  const range = extent(yTrue, yPred);
  if (!range) return undefined;
  const main = scatterOrBins('pred_true', yTrue, yPred, { x: 'true', y: 'predicted' }, { ...opts, sameScale: true });
  return chart(
    'evaluate-pred-vs-true',
    main.binned ? 'Predicted vs true (binned)' : 'Predicted vs true',
    {
      width: 320,
      height: 320,
      layer: [
        main.layer,
        {
          data: { name: 'identity' },
          mark: { type: 'line', strokeDash: [4, 4], color: '#888' },
          encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
        },
      ],
    },
    { ...main.data, identity: { x: Float64Array.from(range), y: Float64Array.from(range) } },
  );
}

export function residualHistogramChart(residuals: ArrayLike<number>, bins = 40): ChartSpec | undefined {
  const h = histogram(residuals, bins);
  if (!h.count.length) return undefined;
  return chart(
    'evaluate-residual-histogram',
    'Residuals (true − predicted)',
    {
      data: { name: 'residual_bins' },
      mark: 'bar',
      encoding: {
        x: { field: 'bin_start', type: 'quantitative', bin: { binned: true }, title: 'residual' },
        x2: { field: 'bin_end' },
        y: { field: 'count', type: 'quantitative', title: 'rows' },
        tooltip: [
          { field: 'bin_start', format: '.4g' },
          { field: 'bin_end', format: '.4g' },
          { field: 'count', format: ',' },
        ],
      },
    },
    { residual_bins: { ...h } },
  );
}

export function residualsVsPredictedChart(
  yPred: ArrayLike<number>,
  residuals: ArrayLike<number>,
  opts: ScatterOptions = {},
): ChartSpec | undefined {
  if (!extent(yPred)) return undefined;
  const main = scatterOrBins('residuals', yPred, residuals, { x: 'predicted', y: 'residual' }, opts);
  return chart(
    'evaluate-residuals-vs-predicted',
    main.binned ? 'Residuals vs predicted (binned)' : 'Residuals vs predicted',
    {
      width: 320,
      height: 240,
      layer: [
        main.layer,
        {
          mark: { type: 'rule', strokeDash: [4, 4], color: '#888' },
          encoding: { y: { datum: 0, type: 'quantitative' } },
        },
      ],
    },
    main.data,
  );
}

/** The axes every ROC chart shares (one run or several overlaid). */
export const ROC_AXES = {
  x: { field: 'fpr', type: 'quantitative', title: 'false positive rate', scale: { domain: [0, 1] } },
  y: { field: 'tpr', type: 'quantitative', title: 'true positive rate', scale: { domain: [0, 1] } },
};

/** ROC curve of P(positive) against the true classes, with the chance diagonal; AUC in the title. */
export function rocChart(yTrue: ArrayLike<number>, score: ArrayLike<number>, positive = 1): ChartSpec | undefined {
  const roc = rocCurve(yTrue, score, 400, positive);
  if (!Number.isFinite(roc.auc)) return undefined;
  return chart(
    'evaluate-roc',
    `ROC (AUC ${roc.auc.toFixed(3)})`,
    {
      width: 280,
      height: 280,
      layer: [
        {
          data: { name: 'roc' },
          mark: { type: 'line', interpolate: 'step-after' },
          encoding: {
            ...ROC_AXES,
            order: { field: 'order', type: 'quantitative' },
            tooltip: [
              { field: 'fpr', format: '.3f' },
              { field: 'tpr', format: '.3f' },
              { field: 'threshold', format: '.4f' },
            ],
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
      roc: {
        fpr: roc.fpr,
        tpr: roc.tpr,
        threshold: Float64Array.from(roc.threshold, (t) => (Number.isFinite(t) ? t : NaN)),
        order: Float64Array.from(roc.fpr, (_, i) => i),
      },
      chance: { x: Float64Array.of(0, 1), y: Float64Array.of(0, 1) },
    },
  );
}

/** Reliability diagram: fraction of positives per bin of predicted probability. */
export function calibrationChart(
  yTrue: ArrayLike<number>,
  prob: ArrayLike<number>,
  bins = 10,
  positive = 1,
): ChartSpec | undefined {
  const c = calibration(yTrue, prob, bins, positive);
  if (!c.count.length) return undefined;
  return chart(
    'evaluate-calibration',
    'Calibration',
    {
      width: 280,
      height: 280,
      layer: [
        {
          data: { name: 'calibration' },
          mark: { type: 'line', point: true },
          encoding: {
            x: {
              field: 'mean_predicted',
              type: 'quantitative',
              title: 'mean predicted probability',
              scale: { domain: [0, 1] },
            },
            y: {
              field: 'fraction_positive',
              type: 'quantitative',
              title: 'fraction of positives',
              scale: { domain: [0, 1] },
            },
            tooltip: [
              { field: 'mean_predicted', format: '.3f' },
              { field: 'fraction_positive', format: '.3f' },
              { field: 'count', format: ',' },
            ],
          },
        },
        {
          data: { name: 'perfect' },
          mark: { type: 'line', strokeDash: [4, 4], color: '#888' },
          encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
        },
      ],
    },
    { calibration: { ...c }, perfect: { x: Float64Array.of(0, 1), y: Float64Array.of(0, 1) } },
  );
}

export interface EvaluateInput {
  task: 'regression' | 'classification';
  yTrue: ArrayLike<number>;
  /** Predicted value (regression) or class (classification). */
  yPred?: ArrayLike<number>;
  /** P(positive class) for binary classifiers. */
  prob?: ArrayLike<number>;
  positive?: number;
}

/** The charts that fit an evaluation: regression diagnostics, or ROC + calibration. */
export function evaluateCharts(input: EvaluateInput, opts: ScatterOptions = {}): ChartSpec[] {
  const out: (ChartSpec | undefined)[] = [];
  if (input.task === 'regression' && input.yPred) {
    const residuals = differences(input.yTrue, input.yPred);
    out.push(
      predVsTrueChart(input.yTrue, input.yPred, opts),
      residualHistogramChart(residuals),
      residualsVsPredictedChart(input.yPred, residuals, opts),
    );
  }
  if (input.task === 'classification' && input.prob) {
    out.push(
      rocChart(input.yTrue, input.prob, input.positive),
      calibrationChart(input.yTrue, input.prob, 10, input.positive),
    );
  }
  return out.filter((c): c is ChartSpec => c !== undefined);
}
