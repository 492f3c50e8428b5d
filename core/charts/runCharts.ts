/**
 * The charts that fit a run, by kind: CV → fold scores; training/stacking → evaluation charts from
 * its predictions (+ meta-learner weights for stacking); backtest/workflow → equity and drawdown.
 * Input is decoded data (columns), so the dashboard webview and headless reports share it.
 */
import type { RunKind } from '../runs/types';
import { compareMetricsTable, metricBarsChart, type CompareRun } from './compare';
import { rankingMetric } from './metrics';
import { equityChart, type EquitySeries } from './specs/backtest';
import { cvFoldScoresChart, foldMetrics, type FoldScore } from './specs/cv';
import { evaluateCharts } from './specs/evaluate';
import { cvOverlayChart, residualOverlayChart, rocOverlayChart } from './specs/overlay';
import { metaWeightsChart } from './specs/stack';
import type { ChartColumns, ChartSpec } from './types';

export interface CvResultsLike {
  primary_metric?: string;
  folds: FoldScore[];
}

export interface RunChartInput {
  id: string;
  kind: RunKind;
  metrics: Record<string, number>;
  cvResults?: CvResultsLike;
  /** Decoded predictions (predictions.parquet or a stacking dataset). */
  predictions?: ChartColumns;
  /** Meta-learner weight per input column (stacking runs). */
  metaWeights?: Record<string, number>;
  equity?: EquitySeries;
}

export interface PredictionArrays {
  task: 'regression' | 'classification';
  yTrue: ArrayLike<number>;
  yPred?: ArrayLike<number>;
  prob?: ArrayLike<number>;
}

const PRED_NAMES = ['y_pred', 'pred', 'prediction', 'predicted', 'y_hat', 'meta_pred', 'stacking_pred'];
const PROB_NAMES = [
  'y_prob',
  'prob',
  'proba',
  'prob_1',
  'y_prob_1',
  'p1',
  'probability',
  'meta_prob_1',
  'stacking_prob_1',
];

function numeric(col: ChartColumns[string] | undefined): ArrayLike<number> | undefined {
  if (!col) return undefined;
  if (ArrayBuffer.isView(col)) return col as ArrayLike<number>;
  const arr = col as readonly unknown[];
  return arr.length && arr.every((v) => typeof v === 'number' || v === null) ? (arr as readonly number[]) : undefined;
}

function isBinary(y: ArrayLike<number>): boolean {
  let seen = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isFinite(v)) continue;
    if (v !== 0 && v !== 1) return false;
    seen++;
  }
  return seen > 0;
}

/**
 * Finds y_true and the prediction / probability columns by their usual names; a single
 * `{model}_pred` or `{model}_prob_1` column counts too. Undefined without y_true.
 */
export function predictionArrays(cols: ChartColumns): PredictionArrays | undefined {
  const yTrue = numeric(cols.y_true ?? cols.target ?? cols.y);
  if (!yTrue) return undefined;
  const names = Object.keys(cols);
  const pick = (exact: string[], suffix: RegExp): ArrayLike<number> | undefined => {
    for (const n of exact) if (numeric(cols[n])) return numeric(cols[n]);
    const matches = names.filter((n) => suffix.test(n));
    return matches.length === 1 ? numeric(cols[matches[0]]) : undefined;
  };
  const yPred = pick(PRED_NAMES, /_pred$/);
  const prob = pick(PROB_NAMES, /_prob_1$/);
  const task = isBinary(yTrue) && prob ? 'classification' : 'regression';
  return { task, yTrue, yPred, prob };
}

export function chartsForRun(input: RunChartInput): ChartSpec[] {
  const out: (ChartSpec | undefined)[] = [];
  if (input.cvResults?.folds?.length)
    out.push(cvFoldScoresChart(input.cvResults.folds, undefined, input.cvResults.primary_metric));
  if (input.metaWeights) out.push(metaWeightsChart(input.metaWeights));
  if (input.predictions) {
    const p = predictionArrays(input.predictions);
    if (p) out.push(...evaluateCharts(p));
  }
  if (input.equity) out.push(equityChart(input.equity));
  return out.filter((c): c is ChartSpec => c !== undefined);
}

/** Overlaid charts for several runs: metric bars, CV scores, ROC, residuals, equity. */
export function compareCharts(runs: readonly RunChartInput[]): ChartSpec[] {
  const out: (ChartSpec | undefined)[] = [];
  const compareRuns: CompareRun[] = runs.map((r) => ({ id: r.id, metrics: r.metrics }));
  if (compareMetricsTable(compareRuns).columns.length) out.push(metricBarsChart(compareRuns));
  const cv = runs.filter((r) => r.cvResults?.folds?.length);
  if (cv.length) {
    const metrics = [...new Set(cv.flatMap((r) => foldMetrics(r.cvResults!.folds)))];
    const metric = rankingMetric(cv[0].cvResults!.primary_metric, metrics);
    if (metric)
      out.push(
        cvOverlayChart(
          cv.map((r) => ({ run: r.id, folds: r.cvResults!.folds })),
          metric,
        ),
      );
  }
  const preds = runs.flatMap((r) => {
    const p = r.predictions ? predictionArrays(r.predictions) : undefined;
    return p ? [{ run: r.id, ...p }] : [];
  });
  const cls = preds.filter((p) => p.task === 'classification' && p.prob);
  if (cls.length) out.push(rocOverlayChart(cls.map((p) => ({ run: p.run, yTrue: p.yTrue, prob: p.prob! }))));
  const reg = preds.filter((p) => p.task === 'regression' && p.yPred);
  if (reg.length) out.push(residualOverlayChart(reg.map((p) => ({ run: p.run, yTrue: p.yTrue, yPred: p.yPred! }))));
  const eq = runs.filter((r) => r.equity && r.equity.x.length);
  if (eq.length) {
    const x: number[] = [];
    const equity: number[] = [];
    const group: string[] = [];
    for (const r of eq) {
      const e = r.equity!;
      for (let i = 0; i < Math.min(e.x.length, e.equity.length); i++) {
        x.push(e.x[i]);
        equity.push(e.equity[i]);
        group.push(e.group ? `${r.id} ${e.group[i]}` : r.id);
      }
    }
    out.push(
      equityChart(
        { x, equity, group, temporal: eq.every((r) => r.equity!.temporal !== false) },
        'Equity and drawdown per run',
      ),
    );
  }
  return out.filter((c): c is ChartSpec => c !== undefined);
}
