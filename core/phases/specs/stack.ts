/** The keys of a `stack` cell: the light schema (no frame library), for the parser and the editor. */
import { MODEL_KINDS } from '../../base/modelKinds';
import { t } from '../../base/schema';
import { BOOTSTRAP_KEYS } from '../bootstrapKeys';

export const stackSchema = {
  kind: 'stack',
  doc: 'Train a stacking meta-learner on the out-of-fold predictions of a CV run (never recomputing them).',
  needsInput: true,
  keys: {
    horizon: {
      type: t.integer({ min: 1 }),
      doc: "Horizon whose stacking dataset to use (default: the CV run's last horizon).",
    },
    meta_learner: {
      type: t.string(MODEL_KINDS, 'meta-learner'),
      doc:
        'nonneg (default: non-negative, L2-regularised logistic on base logits / ridge on base predictions; ' +
        'logistic for > 2 classes), logistic, ridge, gbdt, ...',
    },
    stacking_data: { type: t.string(), doc: 'A CV run id under data/stacking/ to use instead of an upstream cv cell.' },
    params: { type: t.object(undefined, t.any()), doc: 'Meta-learner hyper-parameters.' },
    holdout: {
      type: t.boolean(),
      doc:
        'Also score the stack on the held-out test split: base models refitted on all development rows, the ' +
        'meta-learner applied; labelled "holdout" (default false: the test split stays for one final look).',
    },
    ...BOOTSTRAP_KEYS,
  },
} as const;
