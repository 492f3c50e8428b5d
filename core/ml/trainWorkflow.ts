import pl from 'nodejs-polars';
import { UserError } from '../errors';
import { SPLIT, type Dataset, type LabelInfo } from '../frame/dataset';
import { timestampsMs, toFeatureMatrix, toFloat64 } from '../frame/matrix';
import type { Logger } from '../log';
import type { RunSource } from '../spec/types';
import { unknownName } from '../base/schema';
import { trainingRunId } from '../runs/id';
import type { ArtifactRoots } from '../runs/roots';
import { beginRun } from '../runs/store';
import type { BootstrapMethod, BootstrapRecord } from './bootstrap';
import { evaluatePredictions, flattenCIs, type MetricCI } from './evaluation/evaluate';
import type { ModelTask, Params, TrainedModel } from './model';
import { fitWithFallback, getModel, modelKinds } from './models/registry';
import {
  keepTopCheckpoints,
  readCheckpoint,
  type CheckpointRecord,
  type CheckpointSettings,
} from './training/trainCheckpoints';

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
  /** Keep the N best models by validation loss in the run's checkpoints/. */
  checkpoints?: CheckpointSettings;
  /** Use this checkpoint (RUN_ID[@STEP] or a file) instead of fitting. */
  fromCheckpoint?: string;
  cell?: string;
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
  checkpoints?: CheckpointRecord;
  /** The checkpoint the model came from (from_checkpoint). */
  checkpoint?: { file: string; step?: number };
}

function pickLabel(d: Dataset, task: ModelTask, horizon?: number): LabelInfo {
  const labels = d.labels.filter((l) => l.task === task && (horizon === undefined || l.horizon === horizon));
  if (!labels.length) {
    const have = d.labels.filter((l) => l.task === task).map((l) => l.horizon);
    throw new UserError(
      horizon === undefined
        ? `no ${task} label upstream (add a \`labels\` cell)`
        : `no ${task} label for horizon ${horizon}`,
      { key: 'horizon' },
      have.length ? [`horizons with labels: ${have.join(', ')}`] : [],
    );
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
    throw new UserError(unknownName('model', o.model, modelKinds()), { key: 'model' }, [
      `models: ${modelKinds().join(', ')}`,
    ]);
  }
  const d = o.dataset;
  if (!d.frame.columns.includes(SPLIT))
    throw new UserError('train needs train/val/test splits: add a `split` cell upstream', { key: 'model' });
  if (!d.features.length) throw new UserError('the input has no feature columns', {});
  const label = pickLabel(d, o.task, o.horizon);
  const part = (name: string) => d.frame.filter(pl.col(SPLIT).eq(pl.lit(name)));
  const train = part('train');
  const val = part('val');
  if (!train.height) throw new UserError('the train split is empty', { key: 'model' });
  const nClasses = label.classes?.length;
  const params = { ...factory.defaults, ...o.params };
  let checkpoint: TrainResult['checkpoint'];
  let model: TrainedModel;
  if (o.fromCheckpoint) {
    const c = readCheckpoint(o.fromCheckpoint, o.roots.runs, o.baseDir, o.cell);
    o.log.debug(`read checkpoint ${c.file}`, { file: c.file });
    const kind = c.json.kind;
    const from = getModel(kind);
    if (!from)
      throw new UserError(`checkpoint ${c.file} holds an unknown model kind '${kind}'`, {
        cell: o.cell,
        key: 'from_checkpoint',
        file: c.file,
      });
    if (kind !== o.model)
      throw new UserError(`checkpoint ${c.file} is a ${kind} model, but the cell trains '${o.model}'`, {
        cell: o.cell,
        key: 'from_checkpoint',
        file: c.file,
      });
    const missing = c.json.features.filter((f) => !d.features.includes(f));
    if (missing.length)
      throw new UserError(`checkpoint ${c.file} needs feature(s) the input lacks: ${missing.join(', ')}`, {
        cell: o.cell,
        key: 'from_checkpoint',
        file: c.file,
      });
    model = from.fromJSON(c.json);
    checkpoint = { file: c.file, ...(c.step !== undefined ? { step: c.step } : {}) };
  } else {
    model = await fitWithFallback(o.model, toFeatureMatrix(train, d.features), toFloat64(train, label.column), params, {
      seed: o.seed,
      task: o.task,
      nClasses,
      signal: o.signal,
      log: o.log,
      valid: val.height ? { X: toFeatureMatrix(val, d.features), y: toFloat64(val, label.column) } : undefined,
    });
  }
  const all = model.predict(toFeatureMatrix(d.frame, d.features));
  const k = nClasses && nClasses > 2 ? nClasses : 1;
  const predictionColumn =
    o.task === 'classification' ? `prob_${o.model}_h${label.horizon}` : `pred_${o.model}_h${label.horizon}`;
  const predCols =
    k === 1
      ? [pl.Series(predictionColumn, all)]
      : Array.from({ length: k }, (_, c) =>
          pl.Series(
            `${predictionColumn}_${label.classes?.[c] ?? c}`,
            all.filter((_, i) => i % k === c),
          ),
        );
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
    rows.forEach((i, j) => {
      for (let c = 0; c < k; c++) p[j * k + c] = all[i * k + c];
    });
    const ev = evaluatePredictions(y, p, {
      task: o.task,
      seed: o.seed,
      n: o.bootstrap,
      method: o.bootstrapMethod,
      block: o.block,
      horizon: label.horizon,
      times: Float64Array.from(rows, (i) => timesAll[i]),
      location: { key: o.block !== undefined ? 'block' : 'bootstrap' },
    });
    metrics[s] = ev.metrics;
    bootstrap[s] = ev.bootstrap;
  }
  const run = await beginRun({
    root: o.roots.runs,
    kind: 'training',
    id: trainingRunId(o.model, label.horizon),
    outputName: o.outputName,
    config: {
      model: o.model,
      horizon: label.horizon,
      task: o.task,
      params,
      features: d.features,
      target: label.column,
      ...(o.checkpoints ? { checkpoints: o.checkpoints } : {}),
      ...(o.fromCheckpoint ? { from_checkpoint: o.fromCheckpoint } : {}),
    },
    seed: o.seed,
    source: o.source,
    featureSetId: d.featureSetId,
    baseDir: o.baseDir,
    meta: {
      model: o.model,
      horizon: label.horizon,
      task: o.task,
      ...(model.fallback ? { fallback: model.fallback } : {}),
      ...(model.earlyStopping ? { early_stopping: model.earlyStopping } : {}),
      ...(checkpoint ? { from_checkpoint: checkpoint } : {}),
    },
  });
  let checkpoints: CheckpointRecord | undefined;
  try {
    await run.writeArtifact('model.json', JSON.stringify(model.toJSON()));
    // A model read from a checkpoint was not trained here: there are no new candidates to keep.
    if (o.checkpoints && !checkpoint) {
      const valLoss = metrics.val[o.task === 'classification' ? 'log_loss' : 'rmse']?.value;
      const kept = await keepTopCheckpoints(model, run.dir, o.checkpoints, valLoss, o.cell);
      for (const f of kept.files) await run.addArtifact(f);
      checkpoints = kept.record;
      run.setMeta({ checkpoints });
      o.log.debug(
        `kept ${kept.record.kept.length} of ${kept.record.candidates} checkpoint candidate(s) by ${kept.record.metric}`,
        { checkpoints: kept.record.kept.map((k) => k.step) },
      );
    }
    await run.writeArtifact(
      'metrics.json',
      JSON.stringify({ task: o.task, bootstrap, ...metrics, importance: model.importance?.() }, null, 2),
    );
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
  return {
    runId: run.id,
    dir: run.dir,
    model,
    label,
    predictionColumn,
    frame,
    metrics,
    bootstrap,
    ...(checkpoints ? { checkpoints } : {}),
    ...(checkpoint ? { checkpoint } : {}),
  };
}
