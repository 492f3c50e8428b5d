/** The keys of a `split` cell: the light schema (no frame library), for the parser and the editor. */
import { t } from '../../base/schema';

export const splitSchema = {
  kind: 'split',
  doc: 'Time-ordered train/val/test per symbol by fractions or dates, with an embargo gap >= the label horizon.',
  needsInput: true,
  keys: {
    fractions: {
      type: t.list(t.number({ min: 0, max: 1 })),
      doc: "[train, val, test] of each symbol's rows in time order (or [train, test]). Default [0.7, 0.15, 0.15].",
    },
    dates: {
      type: t.object({
        val: { type: t.string(), doc: 'First timestamp of the validation split (UTC when no offset).' },
        test: { type: t.string(), doc: 'First timestamp of the test split (UTC when no offset).', required: true },
      }),
      doc: 'Split by dates instead of fractions: train < val <= ... < test <= test rows.',
    },
    embargo: {
      type: t.integer({ min: 0 }),
      doc:
        'Rows dropped at the end of a split that another split follows (per symbol). Default and minimum: the ' +
        'largest label horizon.',
    },
  },
} as const;
