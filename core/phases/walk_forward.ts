/**
 * `walk_forward`: rolling or expanding windows train[a..b) -> test[b..c) over an upstream frame
 * with features and labels. Each window retrains the model, trades its test predictions (every
 * grid portfolio) and writes results/{run}/{phase}/{window_id}/ when it ends. The phase folder
 * gets windows.json (per-window metrics and the stitched out-of-sample metrics per portfolio).
 */
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { UserError } from '../errors';
import { equityOutput, portfolioTable, windowMetricsOutput } from '../backtest/charts';
import { bestPortfolio } from '../backtest/aggregate';
import { expandGrid } from '../backtest/grid';
import { equityFromReturns, finiteMetrics, metricsJson } from '../backtest/metrics';
import { baseSettings, periodsPerYear, resultsNaming } from '../backtest/phaseKeys';
import { resultsSettingsFor } from '../backtest/resultsSettings';
import { beginWorkflowStage, recordStageSelection } from '../backtest/results/workflowRun';
import { prepareFrame } from '../backtest/series';
import type { BacktestValue } from '../backtest/value';
import { BAR_COLUMN, runWalkForward } from '../backtest/walkForward';
import { walkForwardWindows } from '../backtest/windows';
import { writeFileAtomic } from '../runs/atomicWrite';
import { TIMESTAMP } from '../frame/dataset';
import type { ConfigOf } from '../base/schema';
import type { Params } from '../ml/model';
import { registerPhase, type CommonConfig } from '../spec/registry';
import { walkForwardSchema } from './specs/walk_forward';
import { closest, didYouMean } from '../base/schema';
import { emptyResult, type ChartOutput, type PhaseContext, type PhaseResult, type PhaseSpec } from '../spec/types';
import { cellSelection, cellSelectionMetrics } from './selection';

/** The config of a `walkForward` cell, read off its key specs. */
export type WalkForwardConfig = ConfigOf<typeof walkForwardSchema.keys> & CommonConfig;

export const WINDOWS_FILE = 'windows.json';

async function run(c: WalkForwardConfig, inputs: PhaseResult[], ctx: PhaseContext): Promise<PhaseResult> {
  const cell = ctx.cell.name;
  const ds = inputs.find((i) => i.dataset)?.dataset;
  if (!ds)
    throw new UserError('walk_forward needs an upstream cell that produces features and labels', { cell, key: 'from' });
  if (!ds.labels.length)
    throw new UserError('walk_forward needs labels: add a `labels` cell upstream', { cell, key: 'from' });
  const label =
    c.label !== undefined
      ? ds.labels.find((l) => l.column === c.label)
      : (ds.labels.find((l) => l.task === 'classification') ?? ds.labels[0]);
  if (!label) {
    const names = ds.labels.map((l) => l.column);
    const near = closest(c.label!, names);
    throw new UserError(`no label '${c.label}'${didYouMean(near)}`, { cell, key: 'label' }, [
      `labels: ${names.join(', ')}`,
    ]);
  }
  const features = c.features ?? ds.features;
  if (!features.length)
    throw new UserError('walk_forward needs feature columns: add a `features` cell upstream or set `features:`', {
      cell,
      key: 'features',
    });
  const model = c.model ?? (label.task === 'classification' ? 'logistic' : 'ridge');
  const binary = label.task === 'classification' && (label.classes?.length ?? 2) <= 2;

  let df = prepareFrame(ds.frame, c, cell);
  df = df.withColumns(pl.col(TIMESTAMP).rank('dense').cast(pl.Int32).sub(1).alias(BAR_COLUMN));
  const bars = df.height ? Number(df.getColumn(BAR_COLUMN).max()) + 1 : 0;
  const windows = walkForwardWindows(bars, { ...c, purge_bars: c.purge_bars ?? label.horizon }, cell);
  const allTimes = df
    .select(pl.col(TIMESTAMP).unique().sort().cast(pl.Int64).cast(pl.Float64))
    .getColumn(TIMESTAMP)
    .toTypedArray() as Float64Array;
  const warnings: string[] = [];
  const ppy = periodsPerYear(c, allTimes, warnings);
  const points = expandGrid(baseSettings(c, binary), c.grid, cell);
  const naming = resultsNaming(c, ctx);
  const results = resultsSettingsFor({ [naming.phase]: 'walk_forward' }, c, cell)[naming.phase];

  const wf = await beginWorkflowStage({
    resultsRoot: ctx.roots.results,
    resultsDir: naming.resultsDir,
    workflow: naming.workflow,
    phase: naming.phase,
    owner: naming.owner,
    config: c,
    seed: ctx.seed,
    source: ctx.source,
    baseDir: ctx.baseDir,
    cell,
  });
  try {
    let done = 0;
    const o = await runWalkForward({
      frame: df,
      windows,
      features,
      label,
      model,
      // `params:` is a mapping of any values to the parser (t.any()); the model factories read their own.
      params: (c.params ?? {}) as Params,
      points,
      results,
      periodsPerYear: ppy,
      phase: naming.phase,
      stageDir: wf.stageDir,
      seed: ctx.seed,
      log: ctx.log,
      signal: ctx.signal,
      cell,
      onWindow: (w) => ctx.progress(++done / windows.length, `${w.window_id} written (${done}/${windows.length})`),
    });
    const entries = o.portfolios.map((p) => ({
      container_id: p.container_id,
      params: p.params,
      metrics: metricsJson(p.metrics),
    }));
    const bestEntry = bestPortfolio(entries)!;
    const best = o.portfolios.find((p) => p.container_id === bestEntry.container_id)!;
    await writeFileAtomic(
      join(wf.stageDir, WINDOWS_FILE),
      JSON.stringify(
        {
          phase: naming.phase,
          model,
          label: label.column,
          features,
          windows: o.windows,
          out_of_sample: entries,
          best_container_id: best.container_id,
        },
        null,
        2,
      ) + '\n',
    );
    const metrics = {
      ...finiteMetrics(metricsJson(best.metrics)),
      windows: o.windows.length,
      portfolio_count: points.length,
    };
    await wf.complete(metrics, {
      windows: o.windows.map((w) => w.window_id),
      files: [`${naming.phase}/${WINDOWS_FILE}`],
    });
    const charts = [
      equityOutput(
        equityFromReturns(best.pnl, best.settings.initial_capital),
        o.times,
        `Out-of-sample equity (stitched): ${best.container_id}`,
      ),
      windowMetricsOutput(
        o.windows.map((w) => ({
          window_id: w.window_id,
          sharpe_ratio: w.best.sharpe_ratio,
          total_return: w.best.total_return,
          max_drawdown: w.best.max_drawdown,
        })),
      ),
    ].filter((x): x is ChartOutput => !!x);
    const windowTable = pl.DataFrame({
      window: o.windows.map((w) => w.window_id),
      train_from: o.windows.map((w) => w.train[0]),
      test_from: o.windows.map((w) => w.test[0]),
      test_to: o.windows.map((w) => w.test[1]),
      sharpe_ratio: o.windows.map((w) => w.best.sharpe_ratio),
      total_return: o.windows.map((w) => w.best.total_return),
      trades: o.windows.map((w) => w.total_trades),
    });
    const value: BacktestValue = {
      kind: 'backtest',
      runId: wf.runId,
      runDir: wf.runDir,
      phase: naming.phase,
      best: {
        container_id: best.container_id,
        params: best.params,
        settings: best.settings,
        metrics: metricsJson(best.metrics),
      },
      returns: best.pnl,
      times: o.times,
      tradeReturns: best.tradeReturns,
      periodsPerYear: ppy,
      initialCapital: best.settings.initial_capital,
      containers: {},
    };
    const sel = await cellSelection(ctx, value, warnings);
    if (sel)
      await recordStageSelection(wf.runDir, naming.phase, sel.line).catch((e: Error) =>
        warnings.push(`selection headline not written to run.json: ${e.message}`),
      );
    const m = best.metrics;
    if (sel) Object.assign(metrics, cellSelectionMetrics(sel));
    const fallbacks = o.windows.filter((w) => w.fallback);
    if (fallbacks.length)
      warnings.push(`${fallbacks.length} window(s) fell back to a simpler model: ${fallbacks[0].fallback}`);
    return emptyResult({
      dataset: ds,
      summary: {
        run: wf.runId,
        windows: o.windows.length,
        model,
        label: label.column,
        best: best.container_id,
        oos_sharpe: Number.isFinite(m.sharpe_ratio) ? Number(m.sharpe_ratio.toFixed(3)) : 'n/a',
        oos_total_return: `${(100 * m.total_return).toFixed(2)}%`,
        oos_max_drawdown: `${(100 * m.max_drawdown).toFixed(2)}%`,
        ...(sel ? { selection: sel.line } : {}),
      },
      metrics,
      charts,
      tables: [
        { title: 'Walk-forward windows', frame: windowTable },
        ...(points.length > 1 ? [portfolioTable(entries, 'Portfolios, out of sample')] : []),
      ],
      warnings,
      run: { id: wf.runId, dir: wf.runDir, kind: 'backtest' },
      value,
    });
  } catch (e) {
    await wf.fail(e instanceof Error ? e.message : String(e)).catch(() => undefined);
    throw e;
  }
}

export const walkForwardPhase: PhaseSpec<WalkForwardConfig> = {
  ...walkForwardSchema,
  volatile: true,
  run,
};

registerPhase(walkForwardPhase);
