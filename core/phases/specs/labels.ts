/** The keys of a `labels` cell: the light schema (no frame library), for the parser and the editor. */
import { t } from '../../base/schema';

export const labelsSchema = {
  kind: 'labels',
  doc: 'Forward return over H bars and its direction class, per symbol; rows without a full horizon are dropped.',
  needsInput: true,
  keys: {
    horizon: { type: t.integer({ min: 1 }), doc: 'Bars ahead for the forward return. Default 20.', default: 20 },
    horizons: { type: t.list(t.integer({ min: 1 })), doc: 'Several horizons at once (instead of `horizon`).' },
    target: {
      type: t.string(),
      columns: true,
      doc: 'Price column the forward return is computed from. Default close.',
      default: 'close',
    },
    threshold: {
      type: t.number({ min: 0 }),
      doc:
        "Direction classes: 0 gives ['down', 'up'] (up = return > 0); above 0 gives ['down', 'flat', 'up'] " +
        'with |return| <= threshold flat.',
      default: 0,
    },
    task: {
      type: t.string(['regression', 'classification', 'both']),
      doc: 'Which labels downstream models train on. Both columns are always written. Default both.',
      default: 'both',
    },
  },
} as const;
