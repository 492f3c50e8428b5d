/**
 * Training with a safety net: when a model cannot be trained (TrainingFailure: singular system,
 * no convergence), fit a simpler model instead and record why. Regression falls back to ridge;
 * classification to logistic with a strong L2 penalty (C = 0.01), then to ridge on class
 * indicators. User mistakes (UserError) and bugs are never swallowed.
 */
import type { Logger } from '../../log';
import {
  TrainingFailure,
  type FeatureMatrix,
  type FitOptions,
  type ModelFactory,
  type Params,
  type TrainedModel,
} from '../model';
import { logisticFactory } from './logistic';
import { ridgeFactory } from './ridge';

export const RIDGE_FALLBACK: Params = { alpha: 1.0, standardize: true };
export const LOGISTIC_FALLBACK: Params = { C: 0.01, standardize: true, max_iter: 200 };

export interface FallbackFitOptions extends FitOptions {
  /** Receives one warning per fallback. */
  log?: Logger;
}

/** The models tried, in order, after `kind` failed. */
export function fallbackChain(kind: string, opts: FitOptions): { factory: ModelFactory; params: Params }[] {
  if (opts.task === 'regression') return [{ factory: ridgeFactory, params: RIDGE_FALLBACK }];
  const chain = [
    { factory: logisticFactory, params: LOGISTIC_FALLBACK },
    { factory: ridgeFactory, params: RIDGE_FALLBACK },
  ];
  return kind === 'ridge' ? chain.slice(0, 1) : chain;
}

export async function fitWithFallbackUsing(
  factory: ModelFactory,
  X: FeatureMatrix,
  y: Float64Array,
  params: Params,
  opts: FallbackFitOptions,
): Promise<TrainedModel> {
  const { log, ...fitOpts } = opts;
  let failure: TrainingFailure;
  try {
    return await factory.fit(X, y, params, fitOpts);
  } catch (e) {
    if (!(e instanceof TrainingFailure)) throw e;
    failure = e;
  }
  const reasons = [failure.message];
  for (const step of fallbackChain(factory.kind, opts)) {
    try {
      const model = await step.factory.fit(X, y, step.params, fitOpts);
      model.fallback = { from: factory.kind, reason: failure.message };
      log?.warn(
        `model '${factory.kind}' could not be trained (${failure.message}); fitted ${step.factory.kind} instead`,
        {
          model: factory.kind,
          fallback: step.factory.kind,
        },
      );
      return model;
    } catch (e) {
      if (!(e instanceof TrainingFailure)) throw e;
      reasons.push(`${step.factory.kind} fallback: ${e.message}`);
    }
  }
  throw new TrainingFailure(reasons.join('; '));
}
