/** The keys of a `backtest` cell: the light schema (no frame library), for the parser and the editor. */
import { t } from '../../base/schema';
import { PORTFOLIO_KEYS, RESULTS_KEYS, SERIES_KEYS } from '../../backtest/phaseKeys';

export const backtestSchema = {
  kind: 'backtest',
  doc:
    'Trade predictions on the next bar with fees and slippage; parameter search over portfolio settings; ' +
    'results under results/.',
  needsInput: true,
  keys: {
    ...SERIES_KEYS,
    ...PORTFOLIO_KEYS,
    sequence: {
      type: t.string(['single_pass', 'train_test']),
      doc: 'single_pass (default), or train_test: search the grid on train rows, validate the best on test rows.',
    },
    train_fraction: {
      type: t.number({ min: 0, max: 1 }),
      doc: 'train_test without a split column: share of the bars used for the search (default 0.8).',
    },
    ...RESULTS_KEYS,
  },
} as const;
