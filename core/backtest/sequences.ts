/**
 * Sequences that run a phase's portfolios on a prepared frame:
 *   single_pass  every grid portfolio on all rows, one phase
 *   train_test   every grid portfolio on the train rows (phase parameter_search), then the best by
 *                Sharpe on the test rows (phase validation); results written after each part
 * Train/test rows: the frame's `split` column (train / test) when it has one, else the first
 * `train_fraction` of the distinct timestamps.
 */
import pl from 'nodejs-polars';
import { UserError } from '../errors';
import { SPLIT, TIMESTAMP } from '../frame/dataset';
import { finiteMetrics, metricsJson } from './metrics';
import type { GridPoint } from './grid';
import { runPortfolioWindow, type PortfolioWindowOutcome } from './portfolioStage';
import { AGGREGATE_FILE, SUMMARY_FILE, TRADES_FILE } from './results/stageDir';
import { beginWorkflowStage, type WorkflowStageOptions } from './results/workflowRun';
import type { ResultsSettings } from './resultsSettings';
import { seriesFromFrame } from './series';
import type { BarSeries } from './types';
import { scalarInt } from '../frame/int64';

export interface StageRunRequest {
  workflow: Omit<WorkflowStageOptions, 'phase'>;
  phase: string;
  series: BarSeries;
  points: GridPoint[];
  results: ResultsSettings;
  periodsPerYear: number;
  config?: Record<string, unknown>;
  signal?: AbortSignal;
}

export interface StageRunOutcome extends PortfolioWindowOutcome {
  phase: string;
  runDir: string;
  stageDir: string;
  runId: string;
  metrics: Record<string, number>;
  /** Times of the bars the phase ran on. */
  barTimes: Float64Array;
}

/** Headline metrics of a phase: the best portfolio's metrics plus the numeric aggregates. */
export function stageMetrics(o: PortfolioWindowOutcome): Record<string, number> {
  const agg: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(o.aggregate)) if (typeof v === 'number') agg[k] = v;
  return { ...finiteMetrics(metricsJson(o.best.metrics)), ...finiteMetrics(agg) };
}

/** Runs one phase of portfolios into its folder of the workflow run; marks it complete or failed. */
export async function runPortfolioStage(r: StageRunRequest): Promise<StageRunOutcome> {
  const wf = await beginWorkflowStage({ ...r.workflow, phase: r.phase });
  try {
    const o = await runPortfolioWindow({
      phase: r.phase,
      dir: wf.stageDir,
      series: r.series,
      points: r.points,
      results: r.results,
      periodsPerYear: r.periodsPerYear,
      config: r.config,
      signal: r.signal,
    });
    const metrics = stageMetrics(o);
    const files = [AGGREGATE_FILE, SUMMARY_FILE, ...(r.results.results_storage === 'disk' ? [TRADES_FILE] : [])].map(
      (f) => `${r.phase}/${f}`,
    );
    await wf.complete(metrics, { files });
    return {
      ...o,
      phase: r.phase,
      runDir: wf.runDir,
      stageDir: wf.stageDir,
      runId: wf.runId,
      metrics,
      barTimes: r.series.barTimes,
    };
  } catch (e) {
    await wf.fail(e instanceof Error ? e.message : String(e)).catch(() => undefined);
    throw e;
  }
}

/** Train and test parts of a prepared frame. */
export function trainTestFrames(
  df: pl.DataFrame,
  trainFraction: number | undefined,
  cell?: string,
): { train: pl.DataFrame; test: pl.DataFrame; by: string } {
  if (df.columns.includes(SPLIT) && trainFraction === undefined) {
    const train = df.filter(pl.col(SPLIT).eq(pl.lit('train')));
    const test = df.filter(pl.col(SPLIT).eq(pl.lit('test')));
    if (!train.height || !test.height) {
      throw new UserError(
        `train_test needs rows with split 'train' and 'test' (found ${train.height} and ${test.height})`,
        { cell, key: 'sequence' },
        ['or set train_fraction: to cut by time instead'],
      );
    }
    return { train, test, by: 'split column' };
  }
  const f = trainFraction ?? 0.8;
  if (!(f > 0 && f < 1))
    throw new UserError(`train_fraction must be between 0 and 1, got ${f}`, { cell, key: 'train_fraction' });
  const bars = scalarInt(df.select(pl.col(TIMESTAMP).nUnique().alias('n')), 'n', 0)!;
  const cut = Math.floor(bars * f);
  if (cut < 2 || bars - cut < 2)
    throw new UserError(`train_fraction ${f} leaves fewer than 2 bars on one side (${bars} bars)`, {
      cell,
      key: 'train_fraction',
    });
  const rank = pl.col(TIMESTAMP).rank('dense');
  return { train: df.filter(rank.ltEq(cut)), test: df.filter(rank.gt(cut)), by: `first ${f} of the bars` };
}

/** The train series, then the test series of the best portfolio: two phases. */
export async function runTrainTest(
  req: Omit<StageRunRequest, 'phase' | 'series' | 'results'> & {
    train: pl.DataFrame;
    test: pl.DataFrame;
    signalColumn: string;
    results: { search: ResultsSettings; validation: ResultsSettings };
    names: { search: string; validation: string };
  },
): Promise<{ search: StageRunOutcome; validation: StageRunOutcome }> {
  const search = await runPortfolioStage({
    ...req,
    phase: req.names.search,
    series: seriesFromFrame(req.train, req.signalColumn),
    results: req.results.search,
  });
  const best = req.points.find((p) => p.id === search.best.container_id)!;
  const validation = await runPortfolioStage({
    ...req,
    phase: req.names.validation,
    series: seriesFromFrame(req.test, req.signalColumn),
    points: [best],
    results: req.results.validation,
    config: { ...(req.config ?? {}), chosen_by: `best sharpe_ratio in ${req.names.search}`, chosen: best.id },
  });
  return { search, validation };
}
