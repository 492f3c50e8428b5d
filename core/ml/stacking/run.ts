/** Writes a stacking training run: model.json, metrics.json, predictions.parquet, run.json. */
import pl from 'nodejs-polars';
import { trainingRunId } from '../../runs/id';
import { beginRun } from '../../runs/store';
import { describeBootstrap } from '../bootstrap';
import type { ModelTask, TrainedModel } from '../model';
import { describeHoldout } from './holdout';
import { describeComparison } from './scoreReport';
import type { TrainStackingOptions, TrainStackingResult } from './types';

export interface FittedStack {
  frame: pl.DataFrame;
  oof: Float64Array;
  width: number;
  final: TrainedModel;
  features: string[];
  task: ModelTask;
  metaLearner: string;
  models: string[];
  datasetPath: string;
  result: Omit<TrainStackingResult, 'runId' | 'dir'>;
}

export const STACK_EVALUATION =
  'purged expanding walk-forward over the CV folds: each fold after the first is predicted by a meta-learner ' +
  'fitted on the earlier folds, ' +
  'less rows whose label ends at or after the fold starts (purge) and the CV embargo as a gap before it; the ' +
  'first fold is not scored';

export const HOLDOUT_EVALUATION =
  'holdout: every base model refitted on all development rows (not test; rows whose label reaches the test ' +
  'split purged), ' +
  'the deployed meta-learner applied to their test predictions, scored once on the test split';

export async function writeStackingRun(o: TrainStackingOptions, f: FittedStack): Promise<TrainStackingResult> {
  const r = f.result;
  const run = await beginRun({
    root: o.runsRoot,
    kind: 'stacking',
    id: trainingRunId('stacking', o.horizon),
    config: {
      model: 'stacking',
      meta_learner: f.metaLearner,
      horizon: o.horizon,
      stacking_data: o.cvRunId,
      params: o.params ?? {},
      features: f.features,
    },
    seed: o.seed,
    source: o.source,
    baseDir: o.baseDir,
    meta: {
      model: 'stacking',
      horizon: o.horizon,
      parent_cv_run: o.cvRunId,
      meta_learner: f.metaLearner,
      base_models: f.models,
      task: f.task,
    },
  });
  try {
    await run.writeArtifact(
      'model.json',
      JSON.stringify({
        ...f.final.toJSON(),
        stacking: { base_models: f.models, features: f.features, parent_cv_run: o.cvRunId, horizon: o.horizon },
      }),
    );
    const metricsJson = {
      task: f.task,
      meta_learner: f.metaLearner,
      evaluation: STACK_EVALUATION,
      bootstrap: { ...r.bootstrap, description: describeBootstrap(r.bootstrap) },
      walk_forward: {
        pct_embargo: r.walkForward.pctEmbargo,
        pct_embargo_from: r.walkForward.pctEmbargoFrom,
        embargo_bars: r.walkForward.embargoBars,
        scored_rows: r.walkForward.scoredRows,
        folds: r.walkForward.folds.map((w, i) => ({
          fold: w.fold,
          test_start: new Date(w.testStart).toISOString(),
          train_rows: w.trainRows,
          test_rows: w.testRows,
          purged: w.purged,
          embargoed: w.embargoed,
          weights: r.foldWeights[i],
        })),
      },
      metrics: r.metrics,
      scores: { pooled: r.scores.pooled, per_fold: r.scores.perFold },
      base_models: Object.fromEntries(
        Object.entries(r.baseScores).map(([m, s]) => [m, { pooled: s.pooled, per_fold: s.perFold }]),
      ),
      comparison: r.comparison ? { ...r.comparison, description: describeComparison(r.comparison) } : undefined,
      weights: r.weights,
      diagnostics: {
        condition_number: Number.isFinite(r.diagnostics.conditionNumber) ? r.diagnostics.conditionNumber : 'infinite',
        correlation: r.diagnostics.correlation,
        features: r.diagnostics.features,
        collinear: r.diagnostics.collinear,
      },
      warnings: r.warnings,
      ...(r.holdout
        ? {
            holdout: {
              ...r.holdout,
              evaluation: HOLDOUT_EVALUATION,
              description: describeHoldout(r.holdout),
              bootstrap: { ...r.holdout.bootstrap, description: describeBootstrap(r.holdout.bootstrap) },
            },
          }
        : {}),
    };
    await run.writeArtifact('metrics.json', JSON.stringify(metricsJson, null, 2));
    const predCols: pl.Series[] = [];
    if (f.width === 1) predCols.push(pl.Series(f.task === 'classification' ? 'y_prob' : 'y_pred', f.oof));
    else
      for (let c = 0; c < f.width; c++)
        predCols.push(
          pl.Series(
            `y_prob_${c}`,
            f.oof.filter((_, i) => i % f.width === c),
          ),
        );
    const preds = pl.DataFrame([
      ...f.frame
        .select('timestamp', 'symbol', ...(f.frame.columns.includes('fold') ? ['fold'] : []), 'y_true')
        .getColumns(),
      ...predCols,
    ]);
    const path = await run.artifactPath('predictions.parquet');
    preds.writeParquet(path);
    await run.addArtifact(path, preds.height);
    const flat: Record<string, number> = {};
    for (const [k, v] of Object.entries(r.metrics))
      Object.assign(flat, { [k]: v.value, [`${k}_ci_low`]: v.low, [`${k}_ci_high`]: v.high });
    for (const [k, v] of Object.entries(r.scores.perFold))
      Object.assign(flat, { [`${k}_fold_mean`]: v.mean, [`${k}_fold_sd`]: v.sd });
    const c = r.comparison;
    if (c)
      Object.assign(flat, {
        [`best_base_${c.metric}`]: c.best,
        [`stack_minus_best_base_${c.metric}`]: c.difference.value,
        [`stack_minus_best_base_${c.metric}_ci_low`]: c.difference.low,
        [`stack_minus_best_base_${c.metric}_ci_high`]: c.difference.high,
      });
    const h = r.holdout;
    if (h) {
      for (const [k, v] of Object.entries(h.metrics))
        Object.assign(flat, {
          [`holdout_${k}`]: v.value,
          [`holdout_${k}_ci_low`]: v.low,
          [`holdout_${k}_ci_high`]: v.high,
        });
      if (h.comparison)
        Object.assign(flat, {
          [`holdout_best_base_${h.comparison.metric}`]: h.comparison.best,
          [`holdout_stack_minus_best_base_${h.comparison.metric}`]: h.comparison.difference.value,
        });
    }
    if (Number.isFinite(r.diagnostics.conditionNumber)) flat.condition_number = r.diagnostics.conditionNumber;
    run.setMetrics(flat);
    if (r.weights) run.setMeta({ meta_weights: r.weights });
    run.setMeta({
      bootstrap: r.bootstrap,
      ...(c
        ? {
            stack_vs_best_base: {
              metric: c.metric,
              best_base: c.bestBase,
              stack: c.stack,
              best: c.best,
              difference: c.difference,
              per_fold: { mean: c.perFold.mean, sd: c.perFold.sd },
              rows: c.rows,
              description: describeComparison(c),
            },
          }
        : {}),
      condition_number: Number.isFinite(r.diagnostics.conditionNumber) ? r.diagnostics.conditionNumber : 'infinite',
      ...(r.warnings.length ? { warnings: r.warnings } : {}),
      ...(h
        ? {
            holdout: {
              split: h.split,
              rows: h.rows,
              train_rows: h.trainRows,
              metrics: h.metrics,
              comparison: h.comparison,
              description: describeHoldout(h),
            },
          }
        : {}),
    });
    if (f.final.fallback) run.setMeta({ fallback: f.final.fallback });
    await run.complete();
    return { runId: run.id, dir: run.dir, ...r };
  } catch (e) {
    await run.fail(e instanceof Error ? e.message : String(e));
    throw e;
  }
}
