/** The keys of a `cv` cell: the light schema (no frame library), for the parser and the editor. */
import { MODEL_KINDS } from '../../base/modelKinds';
import { t } from '../../base/schema';

export const cvSchema = {
  kind: 'cv',
  doc:
    'Purged k-fold cross-validation of base models per horizon; keeps out-of-fold predictions as stacking ' +
    'datasets (a CV run).',
  needsInput: true,
  keys: {
    models: {
      type: t.list(t.string(MODEL_KINDS, 'model')),
      doc: `Base models: ${MODEL_KINDS.join(', ')}.`,
      required: true,
    },
    horizons: {
      type: t.list(t.integer({ min: 1 })),
      doc: 'Label horizons to cross-validate (default: every horizon the labels cell built).',
    },
    task: {
      type: t.string(['classification', 'regression']),
      doc:
        'classification predicts the direction class (dir_h{H}); regression the forward return (fwd_ret_h{H}). ' +
        'Default classification.',
    },
    n_splits: { type: t.integer({ min: 2 }), doc: 'Number of folds (default 5).' },
    scheme: {
      type: t.string(['purged_kfold', 'cpcv']),
      doc:
        'purged_kfold (default), or cpcv: combinatorial purged CV with C(n_groups, n_test_groups) splits ' +
        'reassembled into full out-of-sample paths.',
    },
    n_groups: { type: t.integer({ min: 3 }), doc: 'cpcv: number of time groups N (default 6).' },
    n_test_groups: {
      type: t.integer({ min: 1 }),
      doc: 'cpcv: groups tested per split k (default 2); C(N-1, k-1) paths.',
    },
    pct_embargo: {
      type: t.number({ min: 0, max: 0.5 }),
      doc: 'Share of rows after each test fold removed from training (default 0.01).',
    },
    params: {
      type: t.object(undefined, t.object(undefined, t.any())),
      doc: 'Hyper-parameters per model, e.g. { gbdt: { max_depth: 4 } }.',
    },
    tune: {
      type: t.oneOf(
        t.boolean(),
        t.object({
          n_trials: { type: t.integer({ min: 1 }), doc: 'Trials per fold.' },
          method: { type: t.string(['random', 'tpe']), doc: 'Search method.' },
        }),
      ),
      doc: 'Tune each model by inner CV on the training folds only (TPE by default).',
    },
    rows: { type: t.string(['dev', 'all']), doc: "'dev' (default) keeps the test split out of cross-validation." },
    output_name: {
      type: t.string(),
      doc: 'Name of the CV run folder instead of a generated id (one safe path segment; never overwritten).',
    },
  },
} as const;
