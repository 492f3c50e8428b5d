import pl from 'nodejs-polars';
import { UserError, type ErrorLocation } from '../../errors';
import { toFeatureMatrix, toFloat64 } from '../../frame/matrix';
import type { Logger } from '../../log';
import type { RunSource } from '../../spec/types';
import { trainingRunId } from '../../runs/id';
import { beginRun } from '../../runs/store';
import { loadStackingData } from '../../runs/stackingData';
import { bootstrapCI } from '../bootstrap';
import { computeMetric } from '../metrics';
import type { ModelTask, TrainedModel } from '../model';
import { fitWithFallback, getModel, modelKinds } from '../models/index';
import { takeRows, takeValues } from '../cv';
import { metaFeatureColumns } from './metaFeatures';

export interface TrainStackingOptions {
  stackingRoot: string;
  runsRoot: string;
  cvRunId: string;
  horizon: number;
  metaLearner: string;
  params?: Record<string, number | string | boolean>;
  seed: number;
  source: RunSource;
  baseDir: string;
  log: Logger;
  /** Bootstrap resamples for the CIs (default 1000). */
  bootstrap?: number;
  signal?: AbortSignal;
  progress?: (fraction: number, message?: string) => void;
  location?: ErrorLocation;
}

export interface MetricWithCI {
  value: number;
  low: number;
  high: number;
}

export interface TrainStackingResult {
  runId: string;
  dir: string;
  metaLearner: string;
  baseModels: string[];
  features: string[];
  task: ModelTask;
  /** Meta-learner metrics (walk-forward over the CV folds) with bootstrap CIs. */
  metrics: Record<string, MetricWithCI>;
  /** The same metrics of each base model on the same rows, for comparison. */
  baseMetrics: Record<string, Record<string, number>>;
  fallback?: { from: string; reason: string };
  weights?: Record<string, number>;
}

const CI_METRICS: Record<ModelTask, string[]> = {
  classification: ['roc_auc', 'log_loss', 'accuracy', 'brier'],
  regression: ['rmse', 'mae', 'r2'],
};

/**
 * Trains a stacking meta-learner on a CV run's out-of-fold predictions only (never recomputing
 * them), evaluates it honestly by leave-one-fold-out over the CV folds, and writes a training run
 * `runs/stacking_h{H}_{ts}_{hex}/`: model.json, metrics.json, predictions.parquet, run.json.
 */
export async function trainStacking(o: TrainStackingOptions): Promise<TrainStackingResult> {
  const factory = getModel(o.metaLearner);
  if (!factory) throw new UserError(`unknown meta-learner '${o.metaLearner}'`, { ...o.location, key: 'meta_learner' }, [`models: ${modelKinds().join(', ')}`]);
  const data = await loadStackingData(o.stackingRoot, o.cvRunId, o.horizon, { location: o.location });
  const task = data.meta.task;
  if (!factory.tasks.includes(task)) throw new UserError(`meta-learner '${o.metaLearner}' does not do ${task}`, { ...o.location, key: 'meta_learner' });
  const features = metaFeatureColumns(data.meta.predictionColumns, data.models, task);
  if (!features.length) throw new UserError('the stacking dataset has no prediction columns', { ...o.location, file: data.path }, [`columns: ${data.frame.columns.join(', ')}`]);
  const frame = data.frame.filter(pl.col('y_true').isNotNull());
  const X = toFeatureMatrix(frame, features);
  const y = toFloat64(frame, 'y_true');
  let top = 0;
  for (const v of y) if (v > top) top = v;
  const nClasses = task === 'classification' ? Math.max(2, Math.round(top) + 1) : undefined;
  const rows = frame.height;
  const params = { ...factory.defaults, ...o.params };
  const fitOpts = { seed: o.seed, task, nClasses, signal: o.signal, log: o.log };

  // Honest meta-learner scores, forward in time: for each CV fold after the first, the
  // meta-learner is fitted on the earlier folds' OOF rows only and predicts that fold. (Fitting
  // on later folds too would let base-rate shifts between regimes bias the pooled score.)
  const foldCol = data.meta.hasFold ? (frame.getColumn('fold').toTypedArray() as Int32Array | Float64Array) : blockFolds(rows, 5);
  const foldIds = [...new Set(Array.from(foldCol as ArrayLike<number>))].sort((a, b) => a - b);
  if (foldIds.length < 2) throw new UserError('the stacking dataset has fewer than 2 folds: nothing to evaluate the meta-learner on', { ...o.location, file: data.path });
  const width = nClasses && nClasses > 2 ? nClasses : 1;
  const oof = new Float64Array(rows * width).fill(NaN);
  for (const [i, f] of foldIds.entries()) {
    if (i === 0) continue;
    const test: number[] = [];
    const train: number[] = [];
    for (let r = 0; r < rows; r++) {
      if (foldCol[r] === f) test.push(r);
      else if (foldCol[r] < f) train.push(r);
    }
    if (!train.length || !test.length) continue;
    const trainIdx = Uint32Array.from(train);
    const testIdx = Uint32Array.from(test);
    const m = await fitWithFallback(o.metaLearner, takeRows(X, trainIdx), takeValues(y, trainIdx), params, fitOpts);
    const p = m.predict(takeRows(X, testIdx));
    for (let j = 0; j < test.length; j++) for (let c = 0; c < width; c++) oof[test[j] * width + c] = p[j * width + c];
    o.progress?.(i / foldIds.length, `meta-learner fold ${i}/${foldIds.length - 1}`);
  }
  const scored = Uint32Array.from({ length: rows }, (_, r) => r).filter((r) => Number.isFinite(oof[r * width]));
  const yScored = takeValues(y, scored);
  const oofScored = new Float64Array(scored.length * width);
  scored.forEach((r, j) => { for (let c = 0; c < width; c++) oofScored[j * width + c] = oof[r * width + c]; });
  const final = await fitWithFallback(o.metaLearner, X, y, params, fitOpts);
  o.progress?.(1, 'writing run');

  const metrics: Record<string, MetricWithCI> = {};
  for (const name of CI_METRICS[task]) {
    const ci = bootstrapCI(yScored, oofScored, name, { n: o.bootstrap ?? 1000, alpha: 0.05, seed: o.seed });
    metrics[name] = { value: ci.estimate, low: ci.low, high: ci.high };
  }
  const baseMetrics = baseModelMetrics(frame.select(pl.all().gather(Array.from(scored))), data.models, data.meta.predictionColumns, yScored, task, nClasses);
  const weights = coefficientWeights(final, features);
  return writeStackingRun(o, { frame, oof, width, final, features, task, metrics, baseMetrics, weights, models: data.models, nClasses, datasetPath: data.path });
}

function blockFolds(n: number, k: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.min(k - 1, Math.floor((i * k) / n));
  return out;
}

function baseModelMetrics(frame: pl.DataFrame, models: string[], cols: string[], y: Float64Array, task: ModelTask, nClasses?: number) {
  const out: Record<string, Record<string, number>> = {};
  for (const m of models) {
    const probs = cols.filter((c) => c.startsWith(`${m}_prob_`));
    let p: Float64Array;
    if (task === 'classification' && probs.length === 2) p = toFloat64(frame, probs[1]);
    else if (task === 'classification' && probs.length > 2 && nClasses) {
      const colsP = probs.map((c) => toFloat64(frame, c));
      const n = frame.height;
      p = new Float64Array(n * probs.length);
      for (let i = 0; i < n; i++) for (let c = 0; c < probs.length; c++) p[i * probs.length + c] = colsP[c][i];
    } else if (cols.includes(`${m}_pred`)) p = toFloat64(frame, `${m}_pred`);
    else continue;
    out[m] = Object.fromEntries(CI_METRICS[task].map((name) => [name, computeMetric(name, y, p)]));
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

interface Fitted {
  frame: pl.DataFrame;
  oof: Float64Array;
  width: number;
  final: TrainedModel;
  features: string[];
  task: ModelTask;
  metrics: Record<string, MetricWithCI>;
  baseMetrics: Record<string, Record<string, number>>;
  weights?: Record<string, number>;
  models: string[];
  nClasses?: number;
  datasetPath: string;
}

async function writeStackingRun(o: TrainStackingOptions, f: Fitted): Promise<TrainStackingResult> {
  const run = await beginRun({
    root: o.runsRoot,
    kind: 'stacking',
    id: trainingRunId('stacking', o.horizon),
    config: { model: 'stacking', meta_learner: o.metaLearner, horizon: o.horizon, stacking_data: o.cvRunId, params: o.params ?? {}, features: f.features },
    seed: o.seed,
    source: o.source,
    baseDir: o.baseDir,
    meta: { model: 'stacking', horizon: o.horizon, parent_cv_run: o.cvRunId, meta_learner: o.metaLearner, base_models: f.models, task: f.task },
  });
  try {
    await run.writeArtifact('model.json', JSON.stringify({ ...f.final.toJSON(), stacking: { base_models: f.models, features: f.features, parent_cv_run: o.cvRunId, horizon: o.horizon } }));
    const metricsJson = { task: f.task, evaluation: 'expanding walk-forward over the CV folds: fitted on earlier folds, scored on the next (the first fold is not scored)', bootstrap: { n: o.bootstrap ?? 1000, alpha: 0.05, seed: o.seed }, metrics: f.metrics, base_models: f.baseMetrics, weights: f.weights };
    await run.writeArtifact('metrics.json', JSON.stringify(metricsJson, null, 2));
    const predCols: pl.Series[] = [];
    if (f.width === 1) predCols.push(pl.Series(f.task === 'classification' ? 'y_prob' : 'y_pred', f.oof));
    else for (let c = 0; c < f.width; c++) predCols.push(pl.Series(`y_prob_${c}`, f.oof.filter((_, i) => i % f.width === c)));
    const preds = pl.DataFrame([...f.frame.select('timestamp', 'symbol', ...(f.frame.columns.includes('fold') ? ['fold'] : []), 'y_true').getColumns(), ...predCols]);
    const path = await run.artifactPath('predictions.parquet');
    preds.writeParquet(path);
    await run.addArtifact(path, preds.height);
    const flat: Record<string, number> = {};
    for (const [k, v] of Object.entries(f.metrics)) Object.assign(flat, { [k]: v.value, [`${k}_ci_low`]: v.low, [`${k}_ci_high`]: v.high });
    run.setMetrics(flat);
    if (f.weights) run.setMeta({ meta_weights: f.weights });
    if (f.final.fallback) run.setMeta({ fallback: f.final.fallback });
    await run.complete();
    return { runId: run.id, dir: run.dir, metaLearner: o.metaLearner, baseModels: f.models, features: f.features, task: f.task, metrics: f.metrics, baseMetrics: f.baseMetrics, fallback: f.final.fallback, weights: f.weights };
  } catch (e) {
    await run.fail(e instanceof Error ? e.message : String(e));
    throw e;
  }
}

