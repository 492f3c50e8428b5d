/**
 * The report figures of one branch, from the same chart builders the webviews use
 * (core/charts/specs/evaluate.ts): pred vs true (points), pred vs true binned ("hexbin": a 2-D
 * histogram on square bins), the residual histogram and residuals vs predicted; ROC and
 * calibration for classifiers. Rendered headless to SVG.
 */
import pl from 'nodejs-polars';
import {
  calibrationChart,
  predVsTrueChart,
  residualHistogramChart,
  residualsVsPredictedChart,
  rocChart,
} from '../charts/specs/evaluate';
import { differences } from '../charts/stats';
import type { ChartSpec } from '../charts/types';
import { SPLIT } from '../frame/dataset';
import { toFloat64 } from '../frame/matrix';

export interface BranchPredictions {
  task: 'regression' | 'classification';
  yTrue: Float64Array;
  yPred: Float64Array;
}

/** Rows of one split (all rows when the frame has no split column). */
export function predictionsOf(
  frame: pl.DataFrame,
  target: string,
  prediction: string,
  task: BranchPredictions['task'],
  split = 'test',
): BranchPredictions | undefined {
  if (!frame.columns.includes(target) || !frame.columns.includes(prediction)) return undefined;
  const rows = frame.columns.includes(SPLIT) ? frame.filter(pl.col(SPLIT).eq(pl.lit(split))) : frame;
  if (!rows.height) return undefined;
  return { task, yTrue: toFloat64(rows, target), yPred: toFloat64(rows, prediction) };
}

/** id -> chart, in report order. */
export function branchFigures(p: BranchPredictions): { id: string; chart: ChartSpec }[] {
  const out: { id: string; chart: ChartSpec | undefined }[] = [];
  if (p.task === 'regression') {
    const residuals = differences(p.yTrue, p.yPred);
    out.push(
      { id: 'pred_vs_true', chart: predVsTrueChart(p.yTrue, p.yPred) },
      { id: 'hexbin', chart: predVsTrueChart(p.yTrue, p.yPred, { scatterLimit: 0, bins: 30 }) },
      { id: 'residual_hist', chart: residualHistogramChart(residuals) },
      { id: 'residuals_vs_predicted', chart: residualsVsPredictedChart(p.yPred, residuals) },
    );
  } else {
    out.push(
      { id: 'roc', chart: rocChart(p.yTrue, p.yPred) },
      { id: 'calibration', chart: calibrationChart(p.yTrue, p.yPred) },
    );
  }
  return out.filter((f): f is { id: string; chart: ChartSpec } => f.chart !== undefined);
}
