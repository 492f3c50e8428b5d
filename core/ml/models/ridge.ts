/**
 * `ridge`: least squares with an L2 penalty `alpha` on the coefficients (never the intercept).
 * With `standardize: true` (default) the penalty applies to coefficients of standardised
 * features (population std, like StandardScaler), so one alpha means the same for a return and
 * a volume column; `standardize: false` is scikit-learn's plain Ridge. Coefficients are stored
 * in raw feature units either way. Classification: least squares on class indicators (a linear
 * probability model, clipped), used as a meta-learner and as the last-resort fallback.
 */
import type { FeatureMatrix, FitOptions, ModelFactory, ModelJSON, Params } from '../model';
import { checkFeatures, checkLabels, checkTask, classTargets, numberParam, resolveParams } from './linearInputs';
import { columnFiller, fitLeastSquares, LeastSquaresModel } from './leastSquares';

const KIND = 'ridge';
const TASKS = ['regression', 'classification'] as const;
const DEFAULTS: Params = { alpha: 1.0, standardize: true };

export const ridgeFactory: ModelFactory = {
  kind: KIND,
  tasks: TASKS,
  defaults: DEFAULTS,
  space: { alpha: [1e-4, 1e3, 'log'] },
  async fit(X: FeatureMatrix, y: Float64Array, params: Params, opts: FitOptions) {
    checkTask(KIND, TASKS, opts.task);
    const p = resolveParams(KIND, DEFAULTS, params);
    const alpha = numberParam(KIND, p, 'alpha', 0);
    checkFeatures(KIND, X);
    const k = checkLabels(KIND, y, X.rows, opts);
    const targets = opts.task === 'classification' ? classTargets(y, k) : [y];
    const sol = fitLeastSquares(KIND, X.rows, X.names, columnFiller(X.columns), targets, {
      alpha,
      standardize: p.standardize as boolean,
    });
    return new LeastSquaresModel(KIND, opts.task, [...X.names], p, sol.coef, sol.intercept, k || undefined);
  },
  fromJSON(json: ModelJSON) {
    return LeastSquaresModel.fromJSON(json);
  },
};
