/** The keys of a `monte_carlo` cell: the light schema (no frame library), for the parser and the editor. */
import { t } from '../../base/schema';
import { RESULTS_KEYS } from '../../backtest/phaseKeys';

export const monteCarloSchema = {
  kind: 'monte_carlo',
  doc:
    "Bootstrap (or block bootstrap) of a backtest's returns or trades: N simulations in batches, percentile " +
    'bands of equity.',
  needsInput: true,
  keys: {
    simulations: { type: t.integer({ min: 1 }), doc: 'Number of simulations (default 1000).' },
    batch_size: {
      type: t.integer({ min: 1 }),
      doc: 'Simulations per batch; each batch is written when it ends (default 100).',
    },
    method: {
      type: t.string(['bootstrap', 'block_bootstrap']),
      doc:
        'block_bootstrap (default: keeps autocorrelation and holding periods) or bootstrap (iid, when asked ' +
        'for by name).',
    },
    block_size: { type: t.integer({ min: 1 }), doc: 'Block length for block_bootstrap (default sqrt of the length).' },
    resample: {
      type: t.string(['returns', 'trades']),
      doc: 'returns (default): per-bar returns; trades: trade returns.',
    },
    percentiles: { type: t.list(t.number({ min: 0, max: 100 })), doc: 'Band percentiles (default 5, 25, 50, 75, 95).' },
    band_points: { type: t.integer({ min: 2 }), doc: 'Steps kept per simulated path for the bands (default 200).' },
    seed: { type: t.integer({ min: 0 }), doc: 'Seed (default: the notebook seed).' },
    ...RESULTS_KEYS,
  },
} as const;
