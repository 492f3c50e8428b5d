/**
 * The model registry: every model kind as a ModelFactory, in one list. To add a kind, import
 * its factory and add one entry to FACTORIES.
 */
import { UserError } from '../../errors';
import { unknownName } from '../../base/schema';
import type { FeatureMatrix, ModelFactory, ModelJSON, Params, TrainedModel } from '../model';
import { fitWithFallbackUsing, type FallbackFitOptions } from './fallback';
import { forestFactory } from './forest';
import { gbdtFactory } from './gbdt';
import { linearFactory } from './linear';
import { logisticFactory } from './logistic';
import { nonnegFactory } from './nonneg';
import { poly2Factory } from './poly2';
import { ridgeFactory } from './ridge';
import { svrFactory } from './svr';

const FACTORIES: readonly ModelFactory[] = [
  linearFactory,
  ridgeFactory,
  logisticFactory,
  svrFactory,
  poly2Factory,
  gbdtFactory,
  forestFactory,
  nonnegFactory,
];

export type { FallbackFitOptions } from './fallback';

export function modelKinds(): string[] {
  return FACTORIES.map((f) => f.kind);
}

/** The factory for a kind, or undefined (see `requireModel` for the user-facing error). */
export function getModel(kind: string): ModelFactory | undefined {
  return FACTORIES.find((f) => f.kind === kind);
}

/** The factory for a kind; an unknown kind is a UserError with a suggestion and the list. */
export function requireModel(kind: string): ModelFactory {
  const f = getModel(kind);
  if (f) return f;
  throw new UserError(unknownName('model', kind, modelKinds()), { key: 'models' }, [
    `models: ${modelKinds().join(', ')}`,
  ]);
}

/** Reloads any saved model by its `kind`. */
export function modelFromJSON(json: ModelJSON): TrainedModel {
  return requireModel(json.kind).fromJSON(json);
}

/**
 * Fits `kind`; on a TrainingFailure fits ridge (regression) or strongly penalised logistic, then
 * ridge (classification) instead, sets `fallback: { from, reason }` on the returned model and
 * logs a warning through `opts.log`.
 */
export function fitWithFallback(
  kind: string,
  X: FeatureMatrix,
  y: Float64Array,
  params: Params,
  opts: FallbackFitOptions,
): Promise<TrainedModel> {
  return fitWithFallbackUsing(requireModel(kind), X, y, params, opts);
}
