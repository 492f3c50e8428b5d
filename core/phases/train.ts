/** `train`: fit one model on the train split and write a training run (DESIGN §4). */
import { UserError } from '../errors';
import type { ModelTask, Params } from '../ml/model';
import { trainModel } from '../ml/trainWorkflow';
import { validateOutputName } from '../runs/name';
import { registerPhase } from '../spec/registry';
import { t } from '../base/schema';
import { emptyResult, type PhaseSpec } from '../spec/types';
import { describeBootstrap } from '../ml/bootstrap';
import { BOOTSTRAP_KEYS, type BootstrapConfig } from './bootstrapKeys';

export interface TrainConfig extends BootstrapConfig {
  model: string;
  horizon?: number;
  task?: ModelTask;
  params?: Params;
  output_name?: string;
}

/** What a train cell hands to `evaluate` / `backtest` downstream. */
export interface TrainValue {
  runId: string;
  dir: string;
  model: string;
  task: ModelTask;
  horizon: number;
  target: string;
  predictionColumn: string;
  classes?: string[];
}

export const trainPhase: PhaseSpec<TrainConfig> = {
  kind: 'train',
  doc: 'Fit one model on the train split (early stopping on val), score val/test with bootstrap CIs, write a training run.',
  needsInput: true,
  keys: {
    model: { type: t.string(), required: true, doc: 'linear, ridge, logistic, svr, poly2, gbdt, forest.' },
    horizon: { type: t.integer({ min: 1 }), doc: 'Label horizon (default: the last one the labels cell built).' },
    task: { type: t.string(['classification', 'regression']), doc: 'Default classification (direction); regression predicts the forward return.' },
    params: { type: t.object(undefined, t.any()), doc: 'Hyper-parameters, e.g. { max_depth: 4, early_stopping_rounds: 20 }.' },
    output_name: { type: t.string(), doc: 'Run folder name instead of a generated id (one safe path segment; never overwritten).' },
    ...BOOTSTRAP_KEYS,
  },
  async run(c, inputs, ctx) {
    const dataset = inputs[0]?.dataset;
    if (!dataset) throw new UserError('train needs an upstream frame with features, labels and splits');
    if (c.output_name !== undefined) validateOutputName(c.output_name, { key: 'output_name' });
    const task = c.task ?? 'classification';
    const r = await trainModel({
      dataset, model: c.model, horizon: c.horizon, task, params: c.params, outputName: c.output_name,
      roots: ctx.roots, baseDir: ctx.baseDir, seed: ctx.seed, source: ctx.source, log: ctx.log, signal: ctx.signal,
      bootstrap: c.bootstrap, bootstrapMethod: c.bootstrap_method, block: c.block,
    });
    const value: TrainValue = {
      runId: r.runId, dir: r.dir, model: c.model, task, horizon: r.label.horizon, target: r.label.column, predictionColumn: r.predictionColumn, classes: r.label.classes,
    };
    const headline = Object.entries(r.metrics.test)[0] ?? Object.entries(r.metrics.val)[0];
    return emptyResult({
      dataset: { ...dataset, frame: r.frame },
      summary: {
        run: r.runId,
        model: c.model,
        horizon: r.label.horizon,
        ...(headline ? { [`test ${headline[0]}`]: `${headline[1].value.toFixed(4)} [${headline[1].low.toFixed(4)}, ${headline[1].high.toFixed(4)}]` } : {}),
        ...(r.bootstrap.test ?? r.bootstrap.val ? { intervals: describeBootstrap((r.bootstrap.test ?? r.bootstrap.val)!) } : {}),
        ...(r.model.fallback ? { fallback: `${r.model.fallback.from} -> ${r.model.kind}` } : {}),
      },
      metrics: Object.fromEntries(Object.entries(r.metrics.test).map(([k, v]) => [k, v.value])),
      warnings: r.model.fallback ? [`${r.model.fallback.from} failed to train (${r.model.fallback.reason}); fell back to ${r.model.kind}`] : [],
      run: { id: r.runId, dir: r.dir, kind: 'training' },
      value,
    });
  },
};

registerPhase(trainPhase);
