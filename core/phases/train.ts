/** `train`: fit one model on the train split and write a training run (docs/design.md §7.2). */
import { UserError } from '../errors';
import type { ModelTask, Params } from '../ml/model';
import { trainModel } from '../ml/trainWorkflow';
import { CHECKPOINT_DIR } from '../ml/training/trainCheckpoints';
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { validateOutputName } from '../runs/name';
import type { ConfigOf } from '../base/schema';
import { registerPhase, type CommonConfig } from '../spec/registry';
import { trainSchema } from './specs/train';
import { emptyResult, type PhaseSpec } from '../spec/types';
import { describeBootstrap } from '../ml/bootstrap';

/** The config of a `train` cell, read off its key specs. */
export type TrainConfig = ConfigOf<typeof trainSchema.keys> & CommonConfig;

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
  ...trainSchema,
  inputFiles(config, ctx) {
    const ref = config.from_checkpoint;
    if (!ref) return [];
    const target = ref.replace(/@\d+$/, '');
    const asPath = isAbsolute(target) ? target : resolve(ctx.baseDir, target);
    if (existsSync(asPath) && !existsSync(join(asPath, CHECKPOINT_DIR))) return [asPath];
    const runDir = existsSync(join(asPath, CHECKPOINT_DIR)) ? asPath : join(ctx.roots.runs, target);
    return [join(runDir, CHECKPOINT_DIR, 'checkpoint_checkpoints.json')];
  },
  async run(c, inputs, ctx) {
    const dataset = inputs[0]?.dataset;
    if (!dataset) throw new UserError('train needs an upstream frame with features, labels and splits');
    if (c.output_name !== undefined) validateOutputName(c.output_name, { key: 'output_name' });
    const task = c.task ?? 'classification';
    const r = await trainModel({
      dataset,
      model: c.model,
      horizon: c.horizon,
      task,
      // `params:` is a mapping of any values to the parser (t.any()); the model factories read their own.
      params: c.params as Params | undefined,
      outputName: c.output_name,
      checkpoints: c.checkpoints,
      fromCheckpoint: c.from_checkpoint,
      cell: ctx.cell.name,
      roots: ctx.roots,
      baseDir: ctx.baseDir,
      seed: ctx.seed,
      source: ctx.source,
      log: ctx.log,
      signal: ctx.signal,
      bootstrap: c.bootstrap,
      bootstrapMethod: c.bootstrap_method,
      block: c.block,
    });
    const value: TrainValue = {
      runId: r.runId,
      dir: r.dir,
      model: c.model,
      task,
      horizon: r.label.horizon,
      target: r.label.column,
      predictionColumn: r.predictionColumn,
      classes: r.label.classes,
    };
    const headline = Object.entries(r.metrics.test)[0] ?? Object.entries(r.metrics.val)[0];
    return emptyResult({
      dataset: { ...dataset, frame: r.frame },
      summary: {
        run: r.runId,
        model: c.model,
        horizon: r.label.horizon,
        ...(headline
          ? {
              [`test ${headline[0]}`]:
                `${headline[1].value.toFixed(4)} [${headline[1].low.toFixed(4)}, ` + `${headline[1].high.toFixed(4)}]`,
            }
          : {}),
        ...((r.bootstrap.test ?? r.bootstrap.val)
          ? { intervals: describeBootstrap((r.bootstrap.test ?? r.bootstrap.val)!) }
          : {}),
        ...(r.model.fallback ? { fallback: `${r.model.fallback.from} -> ${r.model.kind}` } : {}),
        ...(r.model.earlyStopping
          ? {
              best_round: r.model.earlyStopping.best_round,
              rounds_run:
                `${r.model.earlyStopping.rounds_run}` +
                `${r.model.earlyStopping.stopped_early ? ' (stopped early)' : ''}`,
              [`best_val_${r.model.earlyStopping.metric}`]: Number(r.model.earlyStopping.best_score.toFixed(6)),
            }
          : {}),
        ...(r.checkpoints
          ? {
              checkpoints:
                `${r.checkpoints.kept.length} kept (steps ${r.checkpoints.kept.map((k) => k.step).join(', ')}) ` +
                `in ${r.checkpoints.dir}/`,
            }
          : {}),
        ...(r.checkpoint
          ? { from_checkpoint: r.checkpoint.step !== undefined ? `step ${r.checkpoint.step}` : r.checkpoint.file }
          : {}),
      },
      metrics: Object.fromEntries(Object.entries(r.metrics.test).map(([k, v]) => [k, v.value])),
      warnings: r.model.fallback
        ? [`${r.model.fallback.from} failed to train (${r.model.fallback.reason}); fell back to ${r.model.kind}`]
        : [],
      run: { id: r.runId, dir: r.dir, kind: 'training' },
      value,
    });
  },
};

registerPhase(trainPhase);
