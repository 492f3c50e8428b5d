/** How a bootstrap resampled time-ordered rows: the record metrics.json and cv_results.json keep (types only). */
export type BootstrapMethod = 'moving_block' | 'iid';

export interface Resampling {
  method: BootstrapMethod;
  /** Bars per block (1 for iid). */
  block: number;
  /** What is drawn: whole timestamps ('bars') or single rows ('rows'). */
  unit: 'bars' | 'rows';
  /** How many units the data has (bars, or rows). */
  units: number;
  rows: number;
  /** How the block was chosen, e.g. "max(horizon 20, ceil(3195^(1/3)) = 15)"; absent when given. */
  blockRule?: string;
}

/** What metrics.json records next to the intervals: method, block, unit, n, alpha, seed. */
export interface BootstrapRecord extends Resampling {
  /** Resamples drawn. */
  n: number;
  alpha: number;
  seed: number;
}
