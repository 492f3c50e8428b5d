import pl from 'nodejs-polars';
import { UserError } from '../../errors';
import { symbolCodes, timestampsMs, toFeatureMatrix, toFloat64 } from '../../frame/matrix';
import { loadStackingData } from '../../runs/stackingData';
import type { BootstrapOptions } from '../bootstrap';
import { labelEndTimes, primaryMetric, takeRows, takeValues } from '../cv';
import type { ModelTask, TrainedModel } from '../model';
import { fitWithFallback, getModel, modelKinds } from '../models/registry';
import { baseDiagnostics, collinearWarnings, zeroWeightWarning } from './diagnostics';
import { metaFeatureColumns } from './metaFeatures';
import { metaWalkForward, timeBlockFolds, type MetaFold } from './metaFolds';
import { writeStackingRun } from './run';
import { stackHoldout } from './holdoutRun';
import { compareWithBestBase, scoreReport, STACK_METRICS, type ScoreReport } from './scoreReport';
import type { TrainStackingOptions, TrainStackingResult } from './types';

export type { TrainStackingOptions, TrainStackingResult } from './types';

/** The meta-learner used when none is named: non-negative and regularised where it applies. */
export function defaultMetaLearner(task: ModelTask, nClasses?: number): string {
  return task === 'classification' && (nClasses ?? 2) > 2 ? 'logistic' : 'nonneg';
}

/** Each base model's output in the meta-learner's layout (P(last class), class probabilities, or the prediction). */
function baseOutputs(
  frame: pl.DataFrame,
  models: string[],
  cols: string[],
  task: ModelTask,
  nClasses?: number,
): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (const m of models) {
    const probs = cols.filter((c) => c.startsWith(`${m}_prob_`));
    if (task === 'classification' && probs.length === 2) out[m] = toFloat64(frame, probs[1]);
    else if (task === 'classification' && probs.length > 2 && nClasses) {
      const colsP = probs.map((c) => toFloat64(frame, c));
      const p = new Float64Array(frame.height * probs.length);
      for (let i = 0; i < frame.height; i++)
        for (let c = 0; c < probs.length; c++) p[i * probs.length + c] = colsP[c][i];
      out[m] = p;
    } else if (cols.includes(`${m}_pred`)) out[m] = toFloat64(frame, `${m}_pred`);
  }
  return out;
}

/** Linear meta-learners expose their coefficients: the weight each base model gets. */
function coefficientWeights(model: TrainedModel, features: string[]): Record<string, number> | undefined {
  const json = model.toJSON() as { coef?: unknown };
  const coef = Array.isArray(json.coef) ? (json.coef as unknown[]).flat(2) : undefined;
  if (!coef || coef.length < features.length || coef.some((c) => typeof c !== 'number')) return model.importance?.();
  return Object.fromEntries(features.map((f, i) => [f, coef[i] as number]));
}

/**
 * Trains a stacking meta-learner on a CV run's out-of-fold predictions only (never recomputing
 * them). Its honest score comes from a purged expanding walk-forward over the CV folds (./metaFolds):
 * each fold after the first is predicted by a meta-learner fitted on the earlier folds' rows whose
 * labels end before the fold starts, less the CV's embargo. Scores are reported per fold and
 * pooled, with the base models on the same rows; the deployable meta-learner is then fitted on
 * every row. Writes `runs/stacking_h{H}_{ts}_{hex}/`: model.json, metrics.json, predictions.parquet, run.json.
 */
export async function trainStacking(o: TrainStackingOptions): Promise<TrainStackingResult> {
  const data = await loadStackingData(o.stackingRoot, o.cvRunId, o.horizon, { location: o.location });
  const task = data.meta.task;
  const frame = data.frame.filter(pl.col('y_true').isNotNull());
  const y = toFloat64(frame, 'y_true');
  let top = 0;
  for (const v of y) if (v > top) top = v;
  const nClasses = task === 'classification' ? Math.max(2, Math.round(top) + 1) : undefined;
  const metaLearner = o.metaLearner ?? defaultMetaLearner(task, nClasses);
  const factory = getModel(metaLearner);
  if (!factory)
    throw new UserError(`unknown meta-learner '${metaLearner}'`, { ...o.location, key: 'meta_learner' }, [
      `models: ${modelKinds().join(', ')}`,
    ]);
  if (!factory.tasks.includes(task))
    throw new UserError(`meta-learner '${metaLearner}' does not do ${task}`, { ...o.location, key: 'meta_learner' });
  const features = metaFeatureColumns(data.meta.predictionColumns, data.models, task);
  if (!features.length)
    throw new UserError('the stacking dataset has no prediction columns', { ...o.location, file: data.path }, [
      `columns: ${data.frame.columns.join(', ')}`,
    ]);
  const X = toFeatureMatrix(frame, features);
  const rows = frame.height;
  const params = { ...factory.defaults, ...o.params };
  const fitOpts = { seed: o.seed, task, nClasses, signal: o.signal, log: o.log };

  const times = timestampsMs(frame);
  const labelEnds = labelEndTimes(times, symbolCodes(frame).codes, o.horizon);
  const foldCol = data.meta.hasFold
    ? (frame.getColumn('fold').toTypedArray() as Int32Array | Float64Array)
    : timeBlockFolds(times, 5);
  const cvEmbargo = data.meta.config?.pct_embargo;
  const pctEmbargo = typeof cvEmbargo === 'number' ? cvEmbargo : 0.01;
  const wf = metaWalkForward({ foldOf: foldCol, times, labelEnds, pctEmbargo });
  if (!wf.folds.length)
    throw new UserError('the stacking dataset has fewer than 2 folds: nothing to evaluate the meta-learner on', {
      ...o.location,
      file: data.path,
    });
  const width = nClasses && nClasses > 2 ? nClasses : 1;
  const oof = new Float64Array(rows * width).fill(NaN);
  const foldWeights: Record<string, number>[] = [];
  const scoredFolds: MetaFold[] = [];
  for (const [i, f] of wf.folds.entries()) {
    if (!f.train.length || !f.test.length) continue;
    const m = await fitWithFallback(metaLearner, takeRows(X, f.train), takeValues(y, f.train), params, fitOpts);
    const p = m.predict(takeRows(X, f.test));
    for (let j = 0; j < f.test.length; j++)
      for (let c = 0; c < width; c++) oof[f.test[j] * width + c] = p[j * width + c];
    foldWeights.push(coefficientWeights(m, features) ?? {});
    scoredFolds.push(f);
    o.progress?.((i + 1) / (wf.folds.length + 1), `meta-learner fold ${i + 1}/${wf.folds.length}`);
  }
  if (!scoredFolds.length)
    throw new UserError(
      'no walk-forward fold kept training rows after purging: too few folds or too long a horizon for the stack',
      { ...o.location, key: 'horizon' },
    );
  const scored = Uint32Array.from(scoredFolds.flatMap((f) => Array.from(f.test))).sort();
  const final = await fitWithFallback(metaLearner, X, y, params, fitOpts);
  o.progress?.(1, 'writing run');

  // Fold row sets as positions are what the per-fold scores need; the bootstrap sees the scored rows' times.
  const boot: BootstrapOptions = {
    seed: o.seed,
    n: o.bootstrap,
    method: o.bootstrapMethod,
    block: o.block,
    horizon: o.horizon,
    times: Float64Array.from(scored, (r) => times[r]),
    location: { ...o.location, key: o.block !== undefined ? 'block' : 'bootstrap' },
  };
  const folds = scoredFolds.map((f) => f.test);
  const metricNames = STACK_METRICS[task];
  // Intervals on every metric for the stack; on the primary metric for the bases (the paired
  // difference below is what compares them; AUC resamples are the costly ones).
  const meta = scoreReport(y, oof, width, scored, folds, metricNames, metricNames, boot);
  const primary = primaryMetric(task, nClasses ?? 2).name;
  const bases = baseOutputs(frame, data.models, data.meta.predictionColumns, task, nClasses);
  const baseScores: Record<string, ScoreReport> = {};
  for (const [name, p] of Object.entries(bases))
    baseScores[name] = scoreReport(y, p, width, scored, folds, metricNames, [primary], boot).report;
  const comparison = compareWithBestBase(y, oof, bases, width, scored, folds, task, nClasses, boot);
  // The holdout compares with the walk-forward's best base: chosen before the test rows were seen.
  const holdout = o.holdout
    ? await stackHoldout(o, o.holdout, data, {
        task,
        nClasses,
        features,
        meta: final,
        width,
        metrics: metricNames,
        bestBase: comparison?.bestBase,
      })
    : undefined;
  const diagnostics = baseDiagnostics(X.columns, features);
  const weights = coefficientWeights(final, features);
  const unweighted = zeroWeightWarning(weights, metaLearner);
  const warnings = [...collinearWarnings(diagnostics), ...(unweighted ? [unweighted] : [])];
  for (const w of warnings) o.log.warn(w);
  const fitted = {
    frame,
    oof,
    width,
    final,
    features,
    task,
    nClasses,
    metaLearner,
    datasetPath: data.path,
    models: data.models,
    result: {
      metaLearner,
      baseModels: data.models,
      features,
      task,
      metrics: Object.fromEntries(
        Object.entries(meta.report.pooled).map(([k, v]) => [
          k,
          { value: v.value, low: v.low ?? NaN, high: v.high ?? NaN },
        ]),
      ),
      scores: meta.report,
      baseMetrics: Object.fromEntries(
        Object.entries(baseScores).map(([m, r]) => [
          m,
          Object.fromEntries(Object.entries(r.pooled).map(([k, v]) => [k, v.value])),
        ]),
      ),
      baseScores,
      comparison,
      bootstrap: meta.record,
      walkForward: {
        folds: scoredFolds.map(({ fold, testStart, purged, embargoed, train, test }) => ({
          fold,
          testStart,
          purged,
          embargoed,
          trainRows: train.length,
          testRows: test.length,
        })),
        embargoBars: wf.embargoBars,
        pctEmbargo,
        pctEmbargoFrom: typeof cvEmbargo === 'number' ? 'the CV run' : 'the cv default (the CV run does not record it)',
        scoredRows: scored.length,
      },
      diagnostics,
      warnings,
      fallback: final.fallback,
      weights,
      foldWeights,
      holdout,
    },
  };
  return writeStackingRun(o, fitted);
}
