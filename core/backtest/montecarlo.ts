/**
 * Monte Carlo of a backtest: resample its per-bar returns (or its trade returns) with the iid
 * bootstrap or the moving-block bootstrap (blocks of `blockSize` consecutive values, uniform
 * starts, the last block cut short), compound each simulated path, and keep per simulation only
 * its metrics and its equity at `bandPoints` evenly spaced steps, so memory is
 * O(simulations * bandPoints) whatever the path length. Simulation i draws from its own seeded
 * stream, so results do not depend on how simulations are cut into batches.
 */
import { quantileSorted } from '../ml/bootstrap';
import { mulberry32, seedToUint32 } from '../ml/rng';

export type McMethod = 'bootstrap' | 'block_bootstrap';
export type McResample = 'returns' | 'trades';

export interface MonteCarloOptions {
  method: McMethod;
  blockSize: number;
  seed: number;
  initialCapital: number;
  /** Bars per year, for the Sharpe ratio of resampled returns (NaN for trades). */
  periodsPerYear: number;
  resample: McResample;
}

export interface SimulationMetrics {
  sim: number;
  total_return: number;
  max_drawdown: number;
  sharpe_ratio: number | null;
  final_equity: number;
}

/** `count` step indices spread evenly over 0..length-1, first and last included. */
export function bandSteps(length: number, count: number): Int32Array {
  const k = Math.max(1, Math.min(length, count));
  if (k === 1) return Int32Array.of(Math.max(0, length - 1));
  return Int32Array.from({ length: k }, (_, j) => Math.round((j * (length - 1)) / (k - 1)));
}

function simSeed(seed: number, sim: number): number {
  return (seedToUint32(seed) ^ Math.imul(sim + 1, 0x9e3779b1)) >>> 0;
}

/**
 * Runs simulations [from, to) of `source`, writing equity at `steps` into `bands` (row-major,
 * row = simulation - from) and returning each simulation's metrics.
 */
export function simulate(
  source: Float64Array,
  o: MonteCarloOptions,
  from: number,
  to: number,
  steps: Int32Array,
  bands: Float64Array,
): SimulationMetrics[] {
  const m = source.length;
  const out: SimulationMetrics[] = [];
  const block = o.method === 'block_bootstrap' ? Math.max(1, Math.min(o.blockSize, m)) : 1;
  const starts = m - block + 1;
  for (let sim = from; sim < to; sim++) {
    const rng = mulberry32(simSeed(o.seed, sim));
    let equity = o.initialCapital;
    let peak = equity;
    let maxDd = 0;
    let sum = 0;
    let sumSq = 0;
    let step = 0;
    const row = (sim - from) * steps.length;
    let i = 0;
    while (i < m) {
      const s = block === 1 ? Math.floor(rng() * m) : Math.floor(rng() * starts);
      const len = Math.min(block, m - i);
      for (let j = 0; j < len; j++, i++) {
        const r = source[s + j];
        sum += r;
        sumSq += r * r;
        equity *= 1 + r;
        if (equity > peak) peak = equity;
        else if (equity / peak - 1 < maxDd) maxDd = equity / peak - 1;
        while (step < steps.length && steps[step] === i) bands[row + step++] = equity;
      }
    }
    const mean = sum / m;
    const variance = m > 1 ? (sumSq - m * mean * mean) / (m - 1) : NaN;
    const sharpe =
      o.resample === 'returns' && variance > 0 ? (mean / Math.sqrt(variance)) * Math.sqrt(o.periodsPerYear) : NaN;
    out.push({
      sim,
      total_return: equity / o.initialCapital - 1,
      max_drawdown: maxDd,
      sharpe_ratio: Number.isFinite(sharpe) ? sharpe : null,
      final_equity: equity,
    });
  }
  return out;
}

/** Percentile `p` (0..100) per step over simulations: `bands` row-major (sims x steps). */
export function percentileBands(
  bands: Float64Array,
  sims: number,
  steps: number,
  percentiles: readonly number[],
): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = Object.fromEntries(
    percentiles.map((p) => [`p${p}`, new Float64Array(steps)]),
  );
  const col = new Float64Array(sims);
  for (let j = 0; j < steps; j++) {
    for (let i = 0; i < sims; i++) col[i] = bands[i * steps + j];
    col.sort();
    for (const p of percentiles) out[`p${p}`][j] = quantileSorted(col, p / 100);
  }
  return out;
}

/** Percentiles, mean and the share below zero of one metric over all simulations. */
export function distribution(
  values: readonly (number | null)[],
  percentiles: readonly number[],
): Record<string, number> {
  const v = Float64Array.from(values.filter((x): x is number => x !== null && Number.isFinite(x))).sort();
  const out: Record<string, number> = {};
  if (!v.length) return out;
  for (const p of percentiles) out[`p${p}`] = quantileSorted(v, p / 100);
  out.mean = v.reduce((a, b) => a + b, 0) / v.length;
  out.share_below_zero = v.filter((x) => x < 0).length / v.length;
  return out;
}
