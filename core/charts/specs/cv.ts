/** cv: every fold's score per model (points, a legend of models), the mean per model (tick), a column per horizon. */
import type { ChartSpec } from '../types';
import { metricGoal, rankingMetric } from '../metrics';
import { chart } from './common';

export interface FoldScore {
  model: string;
  horizon: number;
  fold: number;
  scores: Record<string, number>;
}

/** Every metric present in some fold, in first-seen order. */
export function foldMetrics(folds: readonly FoldScore[]): string[] {
  const seen = new Set<string>();
  for (const f of folds) for (const [k, v] of Object.entries(f.scores ?? {})) if (typeof v === 'number') seen.add(k);
  return [...seen];
}

export function metricTitle(metric: string): string {
  const goal = metricGoal(metric);
  return goal === 'min' ? `${metric} (lower is better)` : goal === 'max' ? `${metric} (higher is better)` : metric;
}

/** Fold scores of `metric` (default: the run's ranking metric); undefined when no fold has it. */
export function cvFoldScoresChart(
  folds: readonly FoldScore[],
  metric?: string,
  primary?: string,
  run?: string,
): ChartSpec | undefined {
  const m = metric ?? rankingMetric(primary, foldMetrics(folds));
  if (!m) return undefined;
  const rows = folds.filter((f) => Number.isFinite(f.scores?.[m]));
  if (!rows.length) return undefined;
  const y = { field: 'score', type: 'quantitative', title: metricTitle(m), scale: { zero: false } };
  return chart(
    'cv-fold-scores',
    `Fold ${m} per model${run ? ` — ${run}` : ''}`,
    {
      data: { name: 'folds' },
      facet: { column: { field: 'horizon', type: 'nominal', title: null, sort: { field: 'h', op: 'min' } } },
      spec: {
        layer: [
          {
            mark: { type: 'point', filled: true, size: 60, opacity: 0.8 },
            encoding: {
              x: { field: 'model', type: 'nominal', title: null },
              y,
              color: { field: 'model', type: 'nominal', title: 'model', legend: { orient: 'right' } },
              tooltip: [{ field: 'model' }, { field: 'horizon' }, { field: 'fold' }, { field: 'score', format: '.4f' }],
            },
          },
          {
            mark: { type: 'tick', thickness: 2, size: 24 },
            encoding: {
              x: { field: 'model', type: 'nominal' },
              y: { aggregate: 'mean', field: 'score', type: 'quantitative' },
              color: { field: 'model', type: 'nominal', legend: null },
              tooltip: [
                { field: 'model' },
                { aggregate: 'mean', field: 'score', type: 'quantitative', title: `mean ${m}`, format: '.4f' },
              ],
            },
          },
        ],
      },
    },
    {
      folds: {
        model: rows.map((f) => f.model),
        horizon: rows.map((f) => `h${f.horizon}`),
        h: rows.map((f) => f.horizon),
        fold: rows.map((f) => f.fold + 1),
        score: rows.map((f) => f.scores[m]),
      },
    },
  );
}
