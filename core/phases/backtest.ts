/**
 * `backtest`: trades an upstream frame's predictions (next-bar execution, fees and slippage in
 * bps) and writes the results layout under results/[{results_dir}/]{workflow_id}/{phase}/ (notes/002). With a
 * `grid`, every combination of portfolio settings runs as its own container; `sequence:
 * train_test` searches the grid on the train rows and validates the best on the test rows.
 */
import { UserError, ValidationError } from '../errors';
import { equityOutput, portfolioTable } from '../backtest/charts';
import { expandGrid } from '../backtest/grid';
import { metricsJson } from '../backtest/metrics';
import { baseSettings, looksLikeProbability, periodsPerYear, resultsNaming } from '../backtest/phaseKeys';
import { firstNonProbability } from '../backtest/positions';
import { resultsSettingsFor } from '../backtest/resultsSettings';
import { recordStageSelection } from '../backtest/results/workflowRun';
import { runPortfolioStage, runTrainTest, trainTestFrames, type StageRunOutcome } from '../backtest/sequences';
import { floatColumn, predictionColumn, prepareFrame, seriesFromFrame } from '../backtest/series';
import type { BacktestValue } from '../backtest/value';
import type { ConfigOf } from '../base/schema';
import { registerPhase, type CommonConfig } from '../spec/registry';
import { backtestSchema } from './specs/backtest';
import { cellSelection, cellSelectionMetrics } from './selection';
import { emptyResult, type ChartOutput, type PhaseContext, type PhaseResult, type PhaseSpec } from '../spec/types';

/** The config of a `backtest` cell, read off its key specs. */
export type BacktestConfig = ConfigOf<typeof backtestSchema.keys> & CommonConfig;

export const SEARCH_PHASE = 'parameter_search';
export const VALIDATION_PHASE = 'validation';

function valueOf(
  o: StageRunOutcome,
  ppy: number,
  containers: Record<string, BacktestValue['containers'][string]>,
): BacktestValue {
  const run = o.best.run;
  return {
    kind: 'backtest',
    runId: o.runId,
    runDir: o.runDir,
    phase: o.phase,
    best: {
      container_id: o.best.container_id,
      params: o.best.params,
      settings: o.best.settings,
      metrics: metricsJson(o.best.metrics),
    },
    returns: run.portfolio.pnl,
    times: o.barTimes,
    tradeReturns: run.trades.ret,
    periodsPerYear: ppy,
    initialCapital: o.best.settings.initial_capital,
    containers,
  };
}

function headline(o: StageRunOutcome): Record<string, string | number> {
  const m = o.best.metrics;
  const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(2)}%` : 'n/a');
  return {
    portfolios: o.portfolios.length,
    best: `${o.best.container_id}${Object.keys(o.best.params).length ? ' ' + JSON.stringify(o.best.params) : ''}`,
    sharpe: Number.isFinite(m.sharpe_ratio) ? Number(m.sharpe_ratio.toFixed(3)) : 'n/a',
    total_return: pct(m.total_return),
    max_drawdown: pct(m.max_drawdown),
    trades: m.trade_count,
  };
}

async function run(c: BacktestConfig, inputs: PhaseResult[], ctx: PhaseContext): Promise<PhaseResult> {
  const cell = ctx.cell.name;
  const ds = inputs.find((i) => i.dataset)?.dataset;
  if (!ds)
    throw new UserError('backtest needs an upstream cell that produces a frame with predictions', {
      cell,
      key: 'from',
    });
  const signalColumn = predictionColumn(ds.frame.columns, c.prediction, cell);
  const df = prepareFrame(ds.frame, c, cell);
  if (c.mode === 'probability' || c.grid?.mode?.includes('probability')) {
    const values = floatColumn(ds.frame, signalColumn);
    const bad = firstNonProbability(values);
    if (bad >= 0) {
      throw new ValidationError(`mode probability needs values in [0, 1]; '${signalColumn}' has ${values[bad]}`, {
        cell,
        key: 'mode',
        dataColumn: signalColumn,
        row: bad + 1,
      });
    }
  }
  const base = baseSettings(c, looksLikeProbability(signalColumn));
  const points = expandGrid(base, c.grid, cell);
  const naming = resultsNaming(c, ctx);
  const sequence = c.sequence ?? 'single_pass';
  const phases =
    sequence === 'train_test'
      ? { [SEARCH_PHASE]: 'parameter_search' as const, [VALIDATION_PHASE]: 'validation' as const }
      : { [naming.phase]: 'single_pass' as const };
  const settings = resultsSettingsFor(phases, c, cell);
  const warnings: string[] = [];
  const workflow = {
    resultsRoot: ctx.roots.results,
    resultsDir: naming.resultsDir,
    workflow: naming.workflow,
    owner: naming.owner,
    config: c as Record<string, unknown>,
    seed: ctx.seed,
    source: ctx.source,
    baseDir: ctx.baseDir,
    cell,
  };
  const common = { workflow, points, signal: ctx.signal, config: { sequence, prediction: signalColumn } };

  let shown: StageRunOutcome;
  let ppy: number;
  const summary: Record<string, string | number> = { run: naming.name, sequence };
  const metrics: Record<string, number> = {};
  const containers: BacktestValue['containers'] = {};
  const tables = [];
  if (sequence === 'train_test') {
    const parts = trainTestFrames(df, c.train_fraction, cell);
    const trainSeries = seriesFromFrame(parts.train, signalColumn);
    ppy = periodsPerYear(c, trainSeries.barTimes, warnings);
    const r = await runTrainTest({
      ...common,
      train: parts.train,
      test: parts.test,
      signalColumn,
      periodsPerYear: ppy,
      results: { search: settings[SEARCH_PHASE], validation: settings[VALIDATION_PHASE] },
      names: { search: SEARCH_PHASE, validation: VALIDATION_PHASE },
    });
    shown = r.validation;
    for (const [k, v] of Object.entries(r.search.metrics)) metrics[`search_${k}`] = v;
    Object.assign(metrics, r.validation.metrics);
    for (const o of [r.search, r.validation]) if (o.containers) containers[o.phase] = o.containers;
    summary.split = parts.by;
    summary.search =
      `best ${r.search.best.container_id} of ${r.search.portfolios.length} (train sharpe ` +
      `${r.search.best.metrics.sharpe_ratio.toFixed(3)})`;
    tables.push(portfolioTable(r.search.portfolios, 'Parameter search (train rows)'));
  } else {
    const series = seriesFromFrame(df, signalColumn);
    ppy = periodsPerYear(c, series.barTimes, warnings);
    shown = await runPortfolioStage({
      ...common,
      phase: naming.phase,
      series,
      results: settings[naming.phase],
      periodsPerYear: ppy,
    });
    Object.assign(metrics, shown.metrics);
    if (shown.containers) containers[shown.phase] = shown.containers;
    if (points.length > 1) tables.push(portfolioTable(shown.portfolios));
  }
  Object.assign(summary, headline(shown));
  const charts = [
    equityOutput(
      shown.best.run.portfolio.equity,
      shown.barTimes,
      `Equity and drawdown: ${shown.phase} ${shown.best.container_id}`,
    ),
  ].filter((x): x is ChartOutput => !!x);
  const value = valueOf(shown, ppy, containers);
  const sel = await cellSelection(ctx, value, warnings);
  if (sel) {
    summary.selection = sel.line;
    Object.assign(metrics, cellSelectionMetrics(sel));
    await recordStageSelection(shown.runDir, shown.phase, sel.line).catch((e: Error) =>
      warnings.push(`selection headline not written to run.json: ${e.message}`),
    );
  }
  return emptyResult({
    dataset: ds,
    summary,
    metrics,
    charts,
    tables,
    warnings,
    run: { id: shown.runId, dir: shown.runDir, kind: sequence === 'train_test' ? 'workflow' : 'backtest' },
    value,
  });
}

export const backtestPhase: PhaseSpec<BacktestConfig> = {
  ...backtestSchema,
  volatile: true,
  run,
};

registerPhase(backtestPhase);
