import pl from 'nodejs-polars';
import { UserError } from '../errors';
import { SPLIT, type Dataset, type LabelInfo } from '../frame/dataset';
import { timestampsMs, toFeatureMatrix, toFloat64 } from '../frame/matrix';
import type { Logger } from '../log';
import type { RunSource } from '../spec/types';
import { closest } from '../base/schema';
import { trainingRunId } from '../runs/id';
import type { ArtifactRoots } from '../runs/roots';
import { beginRun } from '../runs/store';
import type { BootstrapMethod, BootstrapRecord } from './bootstrap';
import { evaluatePredictions, flattenCIs, type MetricCI } from './evaluation/evaluate';
import type { ModelTask, Params, TrainedModel } from './model';
import { fitWithFallback, getModel, modelKinds } from './models/index';

export interface TrainOptions {
  dataset: Dataset;
  model: string;
  horizon?: number;
  task: ModelTask;
  params?: Params;
  outputName?: string;
  roots: ArtifactRoots;
  baseDir: string;
  seed: number;
  source: RunSource;
  log: Logger;
  signal?: AbortSignal;
  /** Bootstrap resamples for the CIs (default 1000). */
  bootstrap?: number;
  /** moving_block (default, blocks of bars >= the label horizon) or iid. */
  bootstrapMethod?: BootstrapMethod;
  /** Block length in bars (default max(horizon, ceil(bars^(1/3)))). */
  block?: number;
}

export interface TrainResult {
  runId: string;
  dir: string;
  model: TrainedModel;
  label: LabelInfo;
  /** Column added to the frame: P(last class) for binary classifiers, else the prediction. */
  predictionColumn: string;
  frame: pl.DataFrame;
  metrics: Record<'val' | 'test', Record<string, MetricCI>>;
  /** How each split's intervals were drawn. */
  bootstrap: Partial<Record<'val' | 'test', BootstrapRecord>>;
}

function pickLabel(d: Dataset, task: ModelTask, horizon?: number): LabelInfo {
  const labels = d.labels.filter((l) => l.task === task && (horizon === undefined || l.horizon === horizon));
  if (!labels.length) {
    const have = d.labels.filter((l) => l.task === task).map((l) => l.horizon);
    throw new UserError(horizon === undefined ? `no ${task} label upstream (add a \`labels\` cell)` : `no ${task} label for horizon ${horizon}`, { key: 'horizon' }, have.length ? [`horizons with labels: ${have.join(', ')}`] : []);
  }
  return labels[labels.length - 1];
}

/**
 * Fits one model on the `train` split (early stopping on `val` where the model supports it),
 * predicts every row, scores val and test with bootstrap CIs, and writes a training run
 * `runs/{model}_h{H}_{ts}_{hex}/`: model.json, metrics.json, predictions.parquet, run.json.
 */
export async function trainModel(o: TrainOptions): Promise<TrainResult> {
  const factory = getModel(o.model);
  if (!factory) {
    const near = closest(o.model, modelKinds());
    throw new UserError(`unknown model '${o.model}'${near ? ` (did you mean '${near}'?)` : ''}`, { key: 'model' }, [`models: ${modelKinds().join(', ')}`]);
  }
  const d = o.dataset;
  if (!d.frame.columns.includes(SPLIT)) throw new UserError('train needs train/val/test splits: add a `split` cell upstream', { key: 'model' });
  if (!d.features.length) throw new UserError('the input has no feature columns', {});
  const label = pickLabel(d, o.task, o.horizon);
  const part = (name: string) => d.frame.filter(pl.col(SPLIT).eq(pl.lit(name)));
  const train = part('train');
  const val = part('val');
  if (!train.height) throw new UserError('the train split is empty', { key: 'model' });
  const nClasses = label.classes?.length;
  const params = { ...factory.defaults, ...o.params };
  const model = await fitWithFallback(o.model, toFeatureMatrix(train, d.features), toFloat64(train, label.column), params, {
    seed: o.seed, task: o.task, nClasses, signal: o.signal, log: o.log,
    valid: val.height ? { X: toFeatureMatrix(val, d.features), y: toFloat64(val, label.column) } : undefined,
  });
  const all = model.predict(toFeatureMatrix(d.frame, d.features));
  const k = nClasses && nClasses > 2 ? nClasses : 1;
  const predictionColumn = o.task === 'classification' ? `prob_${o.model}_h${label.horizon}` : `pred_${o.model}_h${label.horizon}`;
  const predCols = k === 1 ? [pl.Series(predictionColumn, all)] : Array.from({ length: k }, (_, c) => pl.Series(`${predictionColumn}_${label.classes?.[c] ?? c}`, all.filter((_, i) => i % k === c)));
  const frame = pl.DataFrame([...d.frame.getColumns(), ...predCols]);
  const splitOf = d.frame.getColumn(SPLIT).toArray() as string[];
  const yAll = toFloat64(d.frame, label.column);
  const metrics = { val: {}, test: {} } as TrainResult['metrics'];
  const bootstrap: TrainResult['bootstrap'] = {};
  const timesAll = timestampsMs(d.frame);
  for (const s of ['val', 'test'] as const) {
    const rows = splitOf.flatMap((v, i) => (v === s ? [i] : []));
    if (!rows.length) continue;
    const y = Float64Array.from(rows, (i) => yAll[i]);
    const p = new Float64Array(rows.length * k);
    rows.forEach((i, j) => { for (let c = 0; c < k; c++) p[j * k + c] = all[i * k + c]; });
    const ev = evaluatePredictions(y, p, {
      task: o.task, seed: o.seed, n: o.bootstrap, method: o.bootstrapMethod, block: o.block, horizon: label.horizon,
      times: Float64Array.from(rows, (i) => timesAll[i]), location: { key: o.block !== undefined ? 'block' : 'bootstrap' },
    });
    metrics[s] = ev.metrics;
    bootstrap[s] = ev.bootstrap;
  }
  const run = await beginRun({
    root: o.roots.runs, kind: 'training', id: trainingRunId(o.model, label.horizon), outputName: o.outputName,
    config: { model: o.model, horizon: label.horizon, task: o.task, params, features: d.features, target: label.column },
    seed: o.seed, source: o.source, featureSetId: d.featureSetId, baseDir: o.baseDir,
    meta: { model: o.model, horizon: label.horizon, task: o.task, ...(model.fallback ? { fallback: model.fallback } : {}) },
  });
  try {
    await run.writeArtifact('model.json', JSON.stringify(model.toJSON()));
    await run.writeArtifact('metrics.json', JSON.stringify({ task: o.task, bootstrap, ...metrics, importance: model.importance?.() }, null, 2));
    // Predictions under the names every reader of a training run expects: y_true, y_pred / y_prob.
    const role = o.task === 'classification' ? 'y_prob' : 'y_pred';
    const preds = pl.DataFrame([
      ...frame.select('timestamp', 'symbol', SPLIT).getColumns(),
      frame.getColumn(label.column).alias('y_true'),
      ...predCols.map((c, i) => c.alias(predCols.length === 1 ? role : `${role}_${label.classes?.[i] ?? i}`)),
    ]);
    const path = await run.artifactPath('predictions.parquet');
    preds.writeParquet(path);
    await run.addArtifact(path, preds.height);
    run.setMetrics({ ...flattenCIs(metrics.test), ...flattenCIs(metrics.val, 'val_') });
    await run.complete();
  } catch (e) {
    await run.fail(e instanceof Error ? e.message : String(e));
    throw e;
  }
  return { runId: run.id, dir: run.dir, model, label, predictionColumn, frame, metrics, bootstrap };
}
