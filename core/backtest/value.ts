/** What backtest and walk_forward cells hand to downstream cells (e.g. monte_carlo). */
import type { ContainerResults, ParamValue } from './container';
import type { PortfolioSettings } from './types';

export interface BacktestValue {
  kind: 'backtest';
  runId: string;
  runDir: string;
  /** The phase whose portfolio this is (validation for train_test, the walk-forward phase...). */
  phase: string;
  best: {
    container_id: string;
    params: Record<string, ParamValue>;
    settings: PortfolioSettings;
    metrics: Record<string, number | null>;
  };
  /** Net portfolio return per bar of that portfolio (out-of-sample, stitched, for walk_forward). */
  returns: Float64Array;
  /** Epoch ms of each bar (NaN when unknown). */
  times: Float64Array;
  /** Return of each of its trades. */
  tradeReturns: Float64Array;
  periodsPerYear: number;
  initialCapital: number;
  /** Full container results of the phases kept in memory (results_storage: memory), by phase. */
  containers: Record<string, ContainerResults[]>;
}

export function isBacktestValue(v: unknown): v is BacktestValue {
  return (
    typeof v === 'object' &&
    v !== null &&
    (v as BacktestValue).kind === 'backtest' &&
    (v as BacktestValue).returns instanceof Float64Array
  );
}
