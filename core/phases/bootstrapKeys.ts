/** The bootstrap keys `train`, `stack` and `evaluate` share, and how they become resampling options. */
import type { BootstrapMethod } from '../ml/bootstrap';
import { t } from '../base/schema';

export interface BootstrapConfig {
  bootstrap?: number;
  bootstrap_method?: BootstrapMethod;
  block?: number;
}

export const BOOTSTRAP_KEYS = {
  bootstrap: { type: t.integer({ min: 1 }), doc: 'Bootstrap resamples for the metric CIs (default 1000).' },
  bootstrap_method: {
    type: t.string(['moving_block', 'iid']),
    doc:
      'moving_block (default): blocks of consecutive timestamps, every symbol of a timestamp drawn together; ' +
      'iid: rows drawn one by one (too narrow when labels overlap).',
  },
  block: {
    type: t.integer({ min: 1 }),
    doc: 'Moving-block length in bars (timestamps); default max(label horizon, ceil(bars^(1/3))).',
  },
} as const;

export function resamplingOf(c: BootstrapConfig): { n?: number; method?: BootstrapMethod; block?: number } {
  return { n: c.bootstrap, method: c.bootstrap_method, block: c.block };
}
