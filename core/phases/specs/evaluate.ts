/** The keys of a `evaluate` cell: the light schema (no frame library), for the parser and the editor. */
import { t } from '../../base/schema';
import { BOOTSTRAP_KEYS } from '../bootstrapKeys';

export const evaluateSchema = {
  kind: 'evaluate',
  doc:
    'Score predictions on a split with seeded bootstrap confidence intervals; pred-vs-true, residual, ROC and ' +
    'calibration charts.',
  needsInput: true,
  keys: {
    split: { type: t.string(['train', 'val', 'test']), doc: 'Rows to score (default test).' },
    metrics: {
      type: t.list(t.string()),
      doc:
        'Metrics (default: all of the task): mae, mse, rmse, r2 / accuracy, precision, recall, f1, log_loss, ' +
        'roc_auc, brier.',
    },
    ...BOOTSTRAP_KEYS,
    alpha: { type: t.number({ min: 0.001, max: 0.5 }), doc: 'Two-sided level: 0.05 gives 95% intervals.' },
    prediction: { type: t.string(), doc: "Prediction column (default: the upstream train cell's)." },
    target: { type: t.string(), doc: "Target column (default: the upstream train cell's)." },
  },
} as const;
