/**
 * What a CV run reports per model (issue 18 item 5), from its cv_results: for every horizon, model
 * and metric the mean ± sd over folds and the pooled out-of-fold score with its interval; every
 * fold's scores; and the per-model metrics metrics.db records (model column set). Pure.
 */
import type { CvFoldResult, CvResults } from './cvResults';

export interface CvModelRow {
  horizon: number;
  model: string;
  metric: string;
  fold_mean: number | null;
  fold_sd: number | null;
  pooled: number | null;
  pooled_ci_low: number | null;
  pooled_ci_high: number | null;
}

const num = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : v);

/** Every metric scored in some fold, in first-seen order. */
function metricsOf(r: { folds: readonly Pick<CvFoldResult, 'scores'>[] }): string[] {
  const seen: string[] = [];
  for (const f of r.folds)
    for (const [k, v] of Object.entries(f.scores ?? {})) if (typeof v === 'number' && !seen.includes(k)) seen.push(k);
  return seen;
}

/** One row per horizon, model and metric: mean and sd over folds, pooled score and its interval. */
export function cvModelRows(
  r: Pick<CvResults, 'summary' | 'pooled' | 'models' | 'horizons'> & { folds: readonly Pick<CvFoldResult, 'scores'>[] },
): CvModelRow[] {
  const rows: CvModelRow[] = [];
  const metrics = metricsOf(r);
  for (const h of r.horizons) {
    for (const model of r.models) {
      for (const metric of metrics) {
        const s = r.summary[model]?.[String(h)]?.[metric];
        const p = r.pooled?.[model]?.[String(h)]?.[metric];
        if (!s && !p) continue;
        rows.push({
          horizon: h,
          model,
          metric,
          fold_mean: num(s?.mean),
          fold_sd: num(s?.std),
          pooled: num(p?.value),
          pooled_ci_low: num(p?.low),
          pooled_ci_high: num(p?.high),
        });
      }
    }
  }
  return rows;
}

/** One row per horizon, model and fold, one column per metric. */
export function cvFoldRows(r: {
  folds: readonly (Pick<CvFoldResult, 'model' | 'horizon' | 'fold' | 'scores'> &
    Partial<Pick<CvFoldResult, 'train_rows' | 'test_rows'>>)[];
}): Record<string, string | number | null>[] {
  const metrics = metricsOf(r);
  return [...r.folds]
    .sort((a, b) => a.horizon - b.horizon || a.model.localeCompare(b.model) || a.fold - b.fold)
    .map((f) => ({
      horizon: f.horizon,
      model: f.model,
      fold: f.fold + 1,
      ...(f.train_rows !== undefined ? { train_rows: f.train_rows, test_rows: f.test_rows ?? null } : {}),
      ...Object.fromEntries(metrics.map((m) => [m, num(f.scores?.[m])])),
    }));
}

/**
 * Each model's metrics as metrics.db rows take them: `h20_roc_auc` (mean over folds) with
 * `h20_roc_auc_fold_sd`, and `h20_roc_auc_pooled` with `_ci_low`/`_ci_high` (folded into one row).
 */
export function cvModelMetrics(rows: readonly CvModelRow[]): { model: string; metrics: Record<string, number> }[] {
  const by = new Map<string, Record<string, number>>();
  for (const row of rows) {
    const m = by.get(row.model) ?? {};
    const name = `h${row.horizon}_${row.metric}`;
    if (row.fold_mean !== null) m[name] = row.fold_mean;
    if (row.fold_sd !== null) m[`${name}_fold_sd`] = row.fold_sd;
    if (row.pooled !== null) m[`${name}_pooled`] = row.pooled;
    if (row.pooled_ci_low !== null) m[`${name}_pooled_ci_low`] = row.pooled_ci_low;
    if (row.pooled_ci_high !== null) m[`${name}_pooled_ci_high`] = row.pooled_ci_high;
    by.set(row.model, m);
  }
  return [...by].map(([model, metrics]) => ({ model, metrics }));
}
