/**
 * Per-period returns for each branch a scenario_compare cell collects: the branch's own backtest
 * (a backtest or walk_forward input), else a default backtest of its predictions made here — the
 * sign of the prediction, held from the next bar, no costs, on the held-out `test` rows when the
 * frame has a split column — so every study has returns to deflate and to run CSCV on.
 */
import pl from 'nodejs-polars';
import { runBacktest } from '../backtest/engine';
import { computeMetrics, DEFAULT_PERIODS_PER_YEAR, periodsPerYearFromTimes } from '../backtest/metrics';
import { looksLikeProbability } from '../backtest/phaseKeys';
import { predictionColumn, prepareFrame, seriesFromFrame } from '../backtest/series';
import { DEFAULT_PORTFOLIO } from '../backtest/types';
import { isBacktestValue } from '../backtest/value';
import { SPLIT } from '../frame/dataset';
import type { CellTrial } from './selection';
import type { PhaseResult } from '../spec/types';

export interface BranchReturns extends CellTrial {
  /** 'backtest' when the branch had one, 'default' when made here from its predictions. */
  source: 'backtest' | 'default';
}

export function branchReturns(r: PhaseResult, cell: string, branch: Record<string, string>): BranchReturns | string {
  if (isBacktestValue(r.value)) {
    const v = r.value;
    return {
      cell,
      branch,
      value: Number(v.best.metrics.sharpe_ratio ?? NaN),
      times: v.times,
      returns: v.returns,
      periodsPerYear: v.periodsPerYear,
      source: 'backtest',
    };
  }
  const ds = r.dataset;
  if (!ds) return `${cell}: no frame and no backtest`;
  // the train cell's `pred_{model}_h{H}` / `prob_{model}_h{H}`, else the backtest's usual names
  const trained = ds.frame.columns.filter((c) => /^(pred|prob)_.+_h\d+$/.test(c));
  let column: string;
  if (trained.length === 1) column = trained[0];
  else {
    try {
      column = predictionColumn(ds.frame.columns, undefined, cell);
    } catch (e) {
      return `${cell}: ${(e as Error).message}`;
    }
  }
  if (!ds.frame.columns.includes('close')) return `${cell}: no 'close' column to backtest its predictions on`;
  const hasTest = ds.frame.columns.includes(SPLIT) && ds.frame.filter(pl.col(SPLIT).eq(pl.lit('test'))).height > 1;
  const df = prepareFrame(ds.frame, hasTest ? { split: 'test' } : {}, cell);
  const series = seriesFromFrame(df, column);
  const settings = { ...DEFAULT_PORTFOLIO, center: looksLikeProbability(column) ? 0.5 : 0 };
  const run = runBacktest(series, settings);
  const ppy = periodsPerYearFromTimes(series.barTimes) ?? DEFAULT_PERIODS_PER_YEAR;
  const m = computeMetrics(run.portfolio, run.trades, {
    initialCapital: settings.initial_capital,
    periodsPerYear: ppy,
  });
  return {
    cell,
    branch,
    value: m.sharpe_ratio,
    times: series.barTimes,
    returns: run.portfolio.pnl,
    periodsPerYear: ppy,
    source: 'default',
  };
}
