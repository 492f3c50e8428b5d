/**
 * `monte_carlo`: resamples the returns (or trades) of an upstream `backtest` / `walk_forward`
 * cell, N simulations in batches; each batch is a container written when it finishes
 * ({phase}/batch_{k}_results.json). The phase folder gets bands.json (equity percentile bands
 * per step) and the aggregate: percentiles of total return, max drawdown and Sharpe.
 */
import { join } from 'node:path';
import { UserError } from '../errors';
import { monteCarloBandsOutput } from '../backtest/charts';
import { bandSteps, distribution, percentileBands, simulate, type SimulationMetrics } from '../backtest/montecarlo';
import { resultsNaming } from '../backtest/phaseKeys';
import { resultsSettingsFor } from '../backtest/resultsSettings';
import { StageDirWriter } from '../backtest/results/stageDir';
import { beginWorkflowStage } from '../backtest/results/workflowRun';
import { isBacktestValue } from '../backtest/value';
import { writeFileAtomic } from '../runs/atomicWrite';
import type { ConfigOf } from '../base/schema';
import { registerPhase, type CommonConfig } from '../spec/registry';
import { monteCarloSchema } from './specs/monte_carlo';
import { emptyResult, type PhaseContext, type PhaseResult, type PhaseSpec } from '../spec/types';

/** The config of a `monteCarlo` cell, read off its key specs. */
export type MonteCarloConfig = ConfigOf<typeof monteCarloSchema.keys> & CommonConfig;

export const BANDS_FILE = 'bands.json';
const DEFAULT_PERCENTILES = [5, 25, 50, 75, 95];

const batchId = (k: number) => `batch_${String(k + 1).padStart(3, '0')}`;

function mean(values: readonly (number | null)[]): number | null {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

async function run(c: MonteCarloConfig, inputs: PhaseResult[], ctx: PhaseContext): Promise<PhaseResult> {
  const cell = ctx.cell.name;
  const bt = inputs.map((i) => i.value).find(isBacktestValue);
  if (!bt)
    throw new UserError('monte_carlo needs an upstream `backtest` or `walk_forward` cell', { cell, key: 'from' });
  const resample = c.resample ?? 'returns';
  const source = resample === 'returns' ? bt.returns : bt.tradeReturns;
  if (source.length < 2)
    throw new UserError(
      `the upstream backtest has ${source.length} ${resample === 'returns' ? 'bars' : 'trades'}: nothing to resample`,
      { cell, key: 'resample' },
    );
  const sims = c.simulations ?? 1000;
  const batch = c.batch_size ?? 100;
  const percentiles = [...new Set(c.percentiles ?? DEFAULT_PERCENTILES)].sort((a, b) => a - b);
  if (percentiles.some((p) => !(p >= 0 && p <= 100)))
    throw new UserError('percentiles must be between 0 and 100', { cell, key: 'percentiles' });
  // Backtest returns are time-ordered (positions are held for bars on end): blocks by default, iid when asked by name.
  const method = c.method ?? 'block_bootstrap';
  const blockSize = c.block_size ?? Math.max(2, Math.round(Math.sqrt(source.length)));
  const opts = {
    method,
    blockSize,
    seed: c.seed ?? ctx.seed,
    initialCapital: bt.initialCapital,
    periodsPerYear: bt.periodsPerYear,
    resample,
  };
  const steps = bandSteps(source.length, c.band_points ?? 200);
  const naming = resultsNaming(c, ctx);
  const results = resultsSettingsFor({ [naming.phase]: 'monte_carlo' }, c, cell)[naming.phase];

  const wf = await beginWorkflowStage({
    resultsRoot: ctx.roots.results,
    resultsDir: naming.resultsDir,
    workflow: naming.workflow,
    phase: naming.phase,
    owner: naming.owner,
    config: c as Record<string, unknown>,
    seed: opts.seed,
    source: ctx.source,
    baseDir: ctx.baseDir,
    cell,
  });
  const writer = await StageDirWriter.open(wf.stageDir, results.results_storage);
  try {
    const bands = new Float64Array(sims * steps.length);
    const all: SimulationMetrics[] = [];
    const batches = Math.ceil(sims / batch);
    for (let k = 0; k < batches; k++) {
      if (ctx.signal.aborted) throw new Error('cancelled');
      const from = k * batch;
      const to = Math.min(sims, from + batch);
      const got = simulate(source, opts, from, to, steps, bands.subarray(from * steps.length, to * steps.length));
      await writer.writeContainer({
        container_id: batchId(k),
        simulations: got,
        metrics: {
          total_return: mean(got.map((g) => g.total_return)),
          max_drawdown: mean(got.map((g) => g.max_drawdown)),
          sharpe_ratio: mean(got.map((g) => g.sharpe_ratio)),
        },
      });
      all.push(...got);
      ctx.progress((k + 1) / batches, `batch ${k + 1}/${batches}`);
    }
    const band = percentileBands(bands, sims, steps.length, percentiles);
    const dist = {
      total_return: distribution(
        all.map((s) => s.total_return),
        percentiles,
      ),
      max_drawdown: distribution(
        all.map((s) => s.max_drawdown),
        percentiles,
      ),
      sharpe_ratio: distribution(
        all.map((s) => s.sharpe_ratio),
        percentiles,
      ),
    };
    const aggregate = {
      simulations: sims,
      batches,
      method,
      ...(method === 'block_bootstrap' ? { block_size: blockSize } : {}),
      resample,
      original_total_return: bt.best.metrics.total_return,
      prob_loss: dist.total_return.share_below_zero,
      ...Object.fromEntries(
        Object.entries(dist).flatMap(([m, d]) =>
          Object.entries(d)
            .filter(([k]) => k !== 'share_below_zero')
            .map(([k, v]) => [`${m}_${k}`, v]),
        ),
      ),
    };
    const stepX = Float64Array.from(steps, (s) => s + 1);
    await writeFileAtomic(
      join(wf.stageDir, BANDS_FILE),
      JSON.stringify({
        x: resample === 'returns' ? 'bar' : 'trade',
        step: Array.from(stepX),
        percentiles,
        bands: Object.fromEntries(Object.entries(band).map(([k, v]) => [k, Array.from(v)])),
      }) + '\n',
    );
    await writer.finish(aggregate, {
      phase: naming.phase,
      config: {
        results_storage: results.results_storage,
        source: `${bt.runId}/${bt.phase} ${bt.best.container_id}`,
        method,
        resample,
        simulations: sims,
        batch_size: batch,
      },
    });
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(aggregate)) if (typeof v === 'number' && Number.isFinite(v)) metrics[k] = v;
    await wf.complete(metrics, {
      files: [
        `${naming.phase}/${BANDS_FILE}`,
        `${naming.phase}/aggregate_results.json`,
        `${naming.phase}/phase_summary.json`,
      ],
    });
    const pct = (v: number | undefined) => (v === undefined ? 'n/a' : `${(100 * v).toFixed(2)}%`);
    const lo = percentiles[0];
    const hi = percentiles[percentiles.length - 1];
    return emptyResult({
      summary: {
        run: wf.runId,
        simulations: sims,
        method: method === 'block_bootstrap' ? `block bootstrap (${blockSize})` : 'bootstrap',
        resample,
        [`total_return_p${lo}_p${hi}`]: `${pct(dist.total_return[`p${lo}`])} .. ${pct(dist.total_return[`p${hi}`])}`,
        prob_loss: pct(dist.total_return.share_below_zero),
        seed: opts.seed,
      },
      metrics,
      seed: opts.seed,
      charts: [monteCarloBandsOutput(stepX, band, resample === 'returns' ? 'bars' : 'trades')],
      run: { id: wf.runId, dir: wf.runDir, kind: 'backtest' },
      value: { kind: 'monte_carlo', simulations: all, bands: band, steps: stepX },
    });
  } catch (e) {
    await writer.abort();
    await wf.fail(e instanceof Error ? e.message : String(e)).catch(() => undefined);
    throw e;
  }
}

export const monteCarloPhase: PhaseSpec<MonteCarloConfig> = {
  ...monteCarloSchema,
  volatile: true,
  run,
};

registerPhase(monteCarloPhase);
