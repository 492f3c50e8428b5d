/**
 * `linear`: ordinary least squares with an intercept (normal equations + Cholesky).
 * A singular design (constant or duplicated column, fewer rows than features) is a
 * TrainingFailure; `fitWithFallback` then fits ridge. Classification is supported as a linear
 * probability model (least squares on class indicators, clipped), mainly as a meta-learner.
 */
import type { FeatureMatrix, FitOptions, ModelFactory, ModelJSON, Params } from '../model';
import { checkFeatures, checkLabels, checkTask, classTargets, resolveParams } from './linearInputs';
import { columnFiller, fitLeastSquares, LeastSquaresModel } from './leastSquares';

const KIND = 'linear';
const TASKS = ['regression', 'classification'] as const;
const DEFAULTS: Params = {};

export const linearFactory: ModelFactory = {
  kind: KIND,
  tasks: TASKS,
  defaults: DEFAULTS,
  async fit(X: FeatureMatrix, y: Float64Array, params: Params, opts: FitOptions) {
    checkTask(KIND, TASKS, opts.task);
    const p = resolveParams(KIND, DEFAULTS, params);
    checkFeatures(KIND, X);
    const k = checkLabels(KIND, y, X.rows, opts);
    const targets = opts.task === 'classification' ? classTargets(y, k) : [y];
    const sol = fitLeastSquares(KIND, X.rows, X.names, columnFiller(X.columns), targets, {
      alpha: 0,
      standardize: false,
    });
    return new LeastSquaresModel(KIND, opts.task, [...X.names], p, sol.coef, sol.intercept, k || undefined);
  },
  fromJSON(json: ModelJSON) {
    return LeastSquaresModel.fromJSON(json);
  },
};
