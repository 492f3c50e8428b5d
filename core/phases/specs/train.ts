/** The keys of a `train` cell: the light schema (no frame library), for the parser and the editor. */
import { MODEL_KINDS } from '../../base/modelKinds';
import { t } from '../../base/schema';
import { BOOTSTRAP_KEYS } from '../bootstrapKeys';
import { CHECKPOINT_METRICS } from '../../ml/training/trainCheckpoints';

export const trainSchema = {
  kind: 'train',
  doc:
    'Fit one model on the train split (early stopping on val), score val/test with bootstrap CIs, write a ' +
    'training run.',
  needsInput: true,
  keys: {
    model: { type: t.string(MODEL_KINDS, 'model'), required: true, doc: `${MODEL_KINDS.join(', ')}.` },
    horizon: { type: t.integer({ min: 1 }), doc: 'Label horizon (default: the last one the labels cell built).' },
    task: {
      type: t.string(['classification', 'regression']),
      doc: 'Default classification (direction); regression predicts the forward return.',
    },
    params: {
      type: t.object(undefined, t.any()),
      doc: 'Hyper-parameters, e.g. { max_depth: 4, early_stopping_rounds: 20 }.',
    },
    output_name: {
      type: t.string(),
      doc: 'Run folder name instead of a generated id (one safe path segment; never overwritten).',
    },
    ...BOOTSTRAP_KEYS,
    checkpoints: {
      type: t.object({
        top_n: { type: t.integer({ min: 1 }), doc: 'How many of the best models to keep.', required: true },
        metric: {
          type: t.string([...CHECKPOINT_METRICS]),
          doc: 'Ranking metric: val_loss (the validation loss after each boosting round; lower is better).',
        },
      }),
      doc:
        "Keep the N best models by validation loss in the run folder's checkpoints/ (gbdt: one per boosting " +
        'round considered).',
    },
    from_checkpoint: {
      type: t.string(),
      doc: 'Use a kept checkpoint instead of fitting: RUN_ID (its best), RUN_ID@STEP, or a checkpoint file.',
    },
  },
} as const;
