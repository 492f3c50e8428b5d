/**
 * `forest`: bagged trees from the gbdt learner. Each tree sees a row subsample (without
 * replacement) and a random feature subset per split, and fits the targets themselves (mean
 * per leaf); the prediction is the average of the trees (class shares for classification).
 */
import { UserError } from '../../errors';
import type { ModelFactory, Params } from '../model';
import { fitTreeModel } from '../gbdt/fit';
import { parseGbdtParams } from '../gbdt/params';
import { TreeModel } from '../gbdt/trained';

export const FOREST_DEFAULTS: Params = {
  n_estimators: 100,
  max_depth: 10,
  max_leaves: 0,
  min_child_weight: 1,
  lambda: 0,
  subsample: 0.632,
  colsample_bytree: 1,
  colsample_bynode: 0.5,
  max_bin: 255,
};

/** Boosting-only keys that mean nothing for a forest. */
const BOOSTING_ONLY = [
  'learning_rate',
  'eta',
  'early_stopping_rounds',
  'min_delta',
  'early_stopping_min_delta',
  'base_score',
  'gamma',
  'min_split_gain',
  'min_split_loss',
];

export function parseForestParams(params: Params): ReturnType<typeof parseGbdtParams> {
  for (const key of Object.keys(params)) {
    if (BOOSTING_ONLY.includes(key))
      throw new UserError(`forest does not take '${key}' (a boosting parameter; use model 'gbdt')`, { key });
  }
  return {
    ...parseGbdtParams({ ...FOREST_DEFAULTS, ...params }, 'forest'),
    learningRate: 1,
    earlyStoppingRounds: 0,
    minDelta: 0,
    gamma: 0,
  };
}

export const forestFactory: ModelFactory = {
  kind: 'forest',
  tasks: ['regression', 'classification'],
  defaults: FOREST_DEFAULTS,
  space: {
    n_estimators: [50, 500, 'int'],
    max_depth: [4, 14, 'int'],
    min_child_weight: [1, 50, 'log'],
    subsample: [0.3, 1, 'linear'],
    colsample_bynode: [0.2, 1, 'linear'],
  },
  async fit(X, y, params, opts) {
    return fitTreeModel('forest', X, y, parseForestParams(params), { ...FOREST_DEFAULTS, ...params }, opts);
  },
  fromJSON: (json) => TreeModel.fromJSON(json, 'forest'),
};
