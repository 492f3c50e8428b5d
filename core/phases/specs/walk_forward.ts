/** The keys of a `walk_forward` cell: the light schema (no frame library), for the parser and the editor. */
import { SERIES_KEYS } from '../../backtest/phaseKeys';
import { MODEL_KINDS } from '../../base/modelKinds';
import { t } from '../../base/schema';
import { PORTFOLIO_KEYS, RESULTS_KEYS } from '../../backtest/phaseKeys';

export const walkForwardSchema = {
  kind: 'walk_forward',
  doc:
    "Walk-forward: retrain per window (rolling or expanding), trade each test window, write each window's " +
    'results as it ends.',
  needsInput: true,
  keys: {
    model: {
      type: t.string(MODEL_KINDS, 'model'),
      doc: 'Model kind retrained in each window (default logistic for class labels, ridge otherwise).',
    },
    params: { type: t.object(undefined, t.any()), doc: 'Model hyper-parameters.' },
    label: { type: t.string(), doc: 'Label column to train on (default: the first class label).' },
    features: { type: t.list(t.string()), doc: 'Feature columns (default: the upstream features).' },
    train_bars: {
      type: t.integer({ min: 1 }),
      doc: 'Bars in each training window (the first one, when expanding).',
      required: true,
    },
    test_bars: { type: t.integer({ min: 1 }), doc: 'Bars in each test window.', required: true },
    step_bars: { type: t.integer({ min: 1 }), doc: 'Bars between window starts (default test_bars).' },
    window: {
      type: t.string(['rolling', 'expanding']),
      doc: 'rolling (default): fixed-length training; expanding: all history.',
    },
    purge_bars: {
      type: t.integer({ min: 0 }),
      doc: 'Training bars left out before each test window (default: the label horizon).',
    },
    returns: SERIES_KEYS.returns,
    returns_type: SERIES_KEYS.returns_type,
    price: SERIES_KEYS.price,
    ...PORTFOLIO_KEYS,
    ...RESULTS_KEYS,
  },
} as const;
