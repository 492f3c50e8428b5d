/**
 * The walk-forward sequence: for each window, fit the model on the (purged) training rows,
 * predict the test rows, run every grid portfolio on them, and write the window's results
 * (results/{run}/{phase}/{window_id}/...) before the next window starts. Between windows only
 * small things survive: per-window metrics and each portfolio's out-of-sample returns, stitched
 * end to end (one number per test bar and portfolio).
 */
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { UserError } from '../errors';
import type { LabelInfo } from '../frame/dataset';
import { TIMESTAMP } from '../frame/dataset';
import { scalarInt } from '../frame/int64';
import { toFeatureMatrix, toFloat64 } from '../frame/matrix';
import type { Logger } from '../log';
import type { Params } from '../ml/model';
import { fitWithFallback } from '../ml/models/registry';
import type { AggregateMetrics } from './aggregate';
import type { GridPoint } from './grid';
import { computeMetrics, equityFromReturns, metricsJson } from './metrics';
import { runPortfolioWindow } from './portfolioStage';
import type { ResultsSettings } from './resultsSettings';
import { seriesFromFrame } from './series';
import type { BacktestMetrics, BacktestRun } from './types';
import type { WalkForwardWindow } from './windows';

export const BAR_COLUMN = '__bt_bar';

export interface WalkForwardInput {
  /** Prepared frame (series.prepareFrame) with BAR_COLUMN (dense bar index from 0). */
  frame: pl.DataFrame;
  windows: WalkForwardWindow[];
  features: string[];
  label: LabelInfo;
  model: string;
  params: Params;
  points: GridPoint[];
  results: ResultsSettings;
  periodsPerYear: number;
  phase: string;
  stageDir: string;
  seed: number;
  log: Logger;
  signal?: AbortSignal;
  cell?: string;
  /** Called after each window is written (window index, resident set size after it). */
  onWindow?: (w: WindowRecord) => void;
}

export interface WindowRecord {
  window_id: string;
  train: [string, string];
  test: [string, string];
  train_rows: number;
  test_rows: number;
  model: string;
  fallback?: string;
  best_container_id: string;
  best: Record<string, number | null>;
  aggregate: AggregateMetrics;
  total_trades: number;
}

export interface StitchedPortfolio {
  container_id: string;
  params: GridPoint['params'];
  settings: GridPoint['settings'];
  metrics: BacktestMetrics;
  pnl: Float64Array;
  tradeReturns: Float64Array;
}

export interface WalkForwardOutcome {
  windows: WindowRecord[];
  /** Out-of-sample, stitched over all test windows, per portfolio. */
  portfolios: StitchedPortfolio[];
  times: Float64Array;
}

/** Class-probability rows -> one signal: P(up) for binary, P(up) - P(down) for more classes. */
export function signalFromPrediction(pred: Float64Array, label: LabelInfo, rows: number): Float64Array {
  const k = label.task === 'classification' ? (label.classes?.length ?? 2) : 1;
  if (k <= 2) return pred;
  const up = label.classes!.indexOf('up');
  const down = label.classes!.indexOf('down');
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) out[i] = (up >= 0 ? pred[i * k + up] : 0) - (down >= 0 ? pred[i * k + down] : 0);
  return out;
}

class Chunks {
  private parts: Float64Array[] = [];
  add(a: Float64Array): void {
    this.parts.push(a.slice());
  }
  join(): Float64Array {
    const out = new Float64Array(this.parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

const iso = (ms: number | null) => (ms !== null && Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms));

export async function runWalkForward(w: WalkForwardInput): Promise<WalkForwardOutcome> {
  const bar = pl.col(BAR_COLUMN);
  const stitched = new Map(
    w.points.map((p) => [
      p.id,
      { pnl: new Chunks(), exposure: new Chunks(), turnover: new Chunks(), trades: new Chunks() },
    ]),
  );
  const times = new Chunks();
  const windows: WindowRecord[] = [];
  const task = w.label.task;
  const nClasses = task === 'classification' ? (w.label.classes?.length ?? 2) : undefined;
  for (const win of w.windows) {
    if (w.signal?.aborted) throw new Error('cancelled');
    const train = w.frame.filter(
      bar.gtEq(win.trainStart).and(bar.lt(win.trainEnd)).and(pl.col(w.label.column).isNotNull()),
    );
    const test = w.frame.filter(bar.gtEq(win.testStart).and(bar.lt(win.testEnd)));
    if (train.height < 2)
      throw new UserError(`${win.id}: only ${train.height} training rows with a label`, {
        cell: w.cell,
        key: 'train_bars',
      });
    const model = await fitWithFallback(
      w.model,
      toFeatureMatrix(train, w.features, w.cell),
      toFloat64(train, w.label.column),
      w.params,
      {
        seed: w.seed + win.index,
        task,
        ...(nClasses ? { nClasses } : {}),
        threads: 1,
        signal: w.signal,
        log: w.log,
      },
    );
    const pred = model.predict(toFeatureMatrix(test, w.features, w.cell));
    const series = seriesFromFrame(test, signalFromPrediction(pred, w.label, test.height));
    const o = await runPortfolioWindow({
      phase: w.phase,
      windowId: win.id,
      dir: join(w.stageDir, win.id),
      series,
      points: w.points,
      results: w.results,
      periodsPerYear: w.periodsPerYear,
      signal: w.signal,
      config: {
        model: w.model,
        label: w.label.column,
        train_bars: [win.trainStart, win.trainEnd],
        test_bars: [win.testStart, win.testEnd],
      },
      onContainer: (id: string, run: BacktestRun) => {
        const s = stitched.get(id)!;
        s.pnl.add(run.portfolio.pnl);
        s.exposure.add(run.portfolio.exposure);
        s.turnover.add(run.portfolio.turnover);
        s.trades.add(run.trades.ret);
      },
    });
    times.add(series.barTimes);
    const t = (df: pl.DataFrame, which: 'min' | 'max') =>
      iso(scalarInt(df.select(pl.col(TIMESTAMP).cast(pl.Datetime('ms')).cast(pl.Int64)[which]()), TIMESTAMP));
    const rec: WindowRecord = {
      window_id: win.id,
      train: [t(train, 'min'), t(train, 'max')],
      test: [t(test, 'min'), t(test, 'max')],
      train_rows: train.height,
      test_rows: test.height,
      model: model.kind,
      ...(model.fallback ? { fallback: `${model.fallback.from}: ${model.fallback.reason}` } : {}),
      best_container_id: o.best.container_id,
      best: metricsJson(o.best.metrics),
      aggregate: o.aggregate,
      total_trades: o.totalTrades,
    };
    w.log.debug(
      `${win.id}: train ${rec.train[0]} .. ${rec.train[1]} (${rec.train_rows} rows), test ${rec.test[0]} .. ` +
        `${rec.test[1]} (${rec.test_rows} rows)`,
      { window: win.id, train: rec.train, test: rec.test },
    );
    windows.push(rec);
    w.onWindow?.(rec);
  }
  const allTimes = times.join();
  const portfolios = w.points.map((p) => {
    const s = stitched.get(p.id)!;
    const pnl = s.pnl.join();
    const equity = equityFromReturns(pnl, p.settings.initial_capital);
    const tradeReturns = s.trades.join();
    const metrics = computeMetrics(
      { pnl, exposure: s.exposure.join(), turnover: s.turnover.join(), equity },
      { count: tradeReturns.length, ret: tradeReturns },
      { initialCapital: p.settings.initial_capital, periodsPerYear: w.periodsPerYear },
    );
    return { container_id: p.id, params: p.params, settings: p.settings, metrics, pnl, tradeReturns };
  });
  return { windows, portfolios, times: allTimes };
}
