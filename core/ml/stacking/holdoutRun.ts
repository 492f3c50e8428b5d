/** Wires a stacking run to its holdout evaluation: the CV run's label, base models and their params. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../errors';
import type { Dataset } from '../../frame/dataset';
import type { StackingData } from '../../runs/stackingData';
import type { ModelTask, Params, TrainedModel } from '../model';
import { getModel } from '../models/registry';
import { evaluateHoldout, type HoldoutReport } from './holdout';
import type { TrainStackingOptions } from './types';

/**
 * The params the CV run fitted `model` with at `horizon`: tuned_params/ when it wrote it, else its config over the
 * defaults.
 */
async function cvParams(data: StackingData, model: string, horizon: number): Promise<Params> {
  try {
    const j = JSON.parse(
      await readFile(join(data.meta.runDir, 'tuned_params', `${model}_h${horizon}.json`), 'utf8'),
    ) as { params?: Params };
    if (j.params) return j.params;
  } catch {
    /* not written (a foreign CV run): fall back to the config */
  }
  const config = (data.meta.config?.params ?? {}) as Record<string, Params>;
  return { ...(getModel(model)?.defaults ?? {}), ...(config[model] ?? {}) };
}

export async function stackHoldout(
  o: TrainStackingOptions,
  dataset: Dataset,
  data: StackingData,
  s: {
    task: ModelTask;
    nClasses?: number;
    features: string[];
    meta: TrainedModel;
    width: number;
    metrics: readonly string[];
    bestBase?: string;
  },
): Promise<HoldoutReport> {
  const where = { ...o.location, key: 'holdout' };
  const label = dataset.labels.find((l) => l.horizon === o.horizon && l.task === s.task);
  if (!label)
    throw new UserError(`holdout: the upstream dataset has no ${s.task} label for horizon ${o.horizon}`, where);
  const cvFeatures = data.meta.config?.features;
  if (Array.isArray(cvFeatures) && cvFeatures.join('\u0000') !== dataset.features.join('\u0000')) {
    throw new UserError("holdout: the upstream dataset's features are not the ones the CV run used", where, [
      `CV run: ${cvFeatures.join(', ')}`,
      `upstream: ${dataset.features.join(', ')}`,
    ]);
  }
  const unknown = data.models.filter((m) => !getModel(m));
  if (unknown.length)
    throw new UserError(`holdout: cannot refit base model(s) ${unknown.join(', ')} (not Phasebook models)`, where);
  const bases = await Promise.all(
    data.models.map(async (name) => ({ name, params: await cvParams(data, name, o.horizon) })),
  );
  o.progress?.(0.95, 'holdout: refitting base models on the development rows');
  return evaluateHoldout({
    dataset,
    labelColumn: label.column,
    horizon: o.horizon,
    task: s.task,
    nClasses: s.nClasses,
    bases,
    features: s.features,
    meta: s.meta,
    width: s.width,
    metrics: s.metrics,
    bestBase: s.bestBase,
    boot: { seed: o.seed, n: o.bootstrap, method: o.bootstrapMethod, block: o.block, location: where },
    seed: o.seed,
    signal: o.signal,
    location: where,
  });
}
