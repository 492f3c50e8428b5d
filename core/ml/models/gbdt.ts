/** `gbdt`: histogram gradient boosting (core/ml/gbdt), as a ModelFactory. */
import type { ModelFactory } from '../model';
import { fitTreeModel } from '../gbdt/fit';
import { GBDT_DEFAULTS, parseGbdtParams } from '../gbdt/params';
import { TreeModel } from '../gbdt/trained';

export const gbdtFactory: ModelFactory = {
  kind: 'gbdt',
  tasks: ['regression', 'classification'],
  defaults: GBDT_DEFAULTS,
  space: {
    n_estimators: [50, 1000, 'int'],
    learning_rate: [0.01, 0.3, 'log'],
    max_depth: [2, 10, 'int'],
    min_child_weight: [0.1, 50, 'log'],
    lambda: [0.01, 100, 'log'],
    gamma: [1e-8, 5, 'log'],
    subsample: [0.5, 1, 'linear'],
    colsample_bytree: [0.5, 1, 'linear'],
  },
  async fit(X, y, params, opts) {
    return fitTreeModel('gbdt', X, y, parseGbdtParams(params, 'gbdt'), { ...GBDT_DEFAULTS, ...params }, opts);
  },
  fromJSON: (json) => TreeModel.fromJSON(json, 'gbdt'),
};
