/**
 * How a bootstrap resamples time-ordered rows. The default is the moving-block bootstrap over
 * bars (distinct timestamps): every row of one timestamp (one per symbol) is drawn together, and
 * blocks of `block` consecutive bars are drawn from uniform starts until as many bars as the data
 * has are drawn (the last block cut short; Künsch 1989). The block defaults to
 * max(label horizon, ceil(bars^(1/3))): labels that look `h` bars ahead overlap for h - 1 bars, so
 * shorter blocks would cut that dependence; bars^(1/3) is the rate of the MSE-optimal block for
 * variance estimation (Hall, Horowitz & Jing 1995) when the horizon is short. `iid` (rows drawn
 * one by one, independently) is there when asked for by name.
 *
 * A resample is a vector of counts per row (how often each row was drawn), which the weighted
 * metrics of ../metrics evaluate without copying rows.
 */
import { UserError, type ErrorLocation } from '../../errors';
import type { BootstrapMethod, Resampling } from '../../base/resampling';
export type { BootstrapMethod, Resampling } from '../../base/resampling';
import { indexTimes } from '../cv/timeIndex';
import { mulberry32 } from '../rng';

export interface ResamplingOptions {
  /** 'moving_block' (default) or 'iid'. */
  method?: BootstrapMethod;
  /** Block length in bars (moving_block only); default max(horizon, ceil(bars^(1/3))). */
  block?: number;
  /** The label horizon in bars: the default block is at least this. */
  horizon?: number;
  /**
   * Timestamp per row: rows sharing a timestamp are one bar and resample together. Without it each row is a bar, in the
   * order given.
   */
  times?: Float64Array;
  /** Where a bad option is reported (its key is filled in). */
  location?: ErrorLocation;
}

/** What metrics.json records about a resampling (with n, alpha and seed beside it). */

export interface Sampler {
  info: Resampling;
  /** Fills `counts` (one per row) with a fresh resample, advancing the stream. */
  draw(counts: Uint32Array): void;
  /**
   * Over bars: the bar of each row, and a fresh resample as counts per bar (the same stream as `draw`; a row's count
   * is its bar's). Statistics that can read bar counts skip the expansion to rows.
   */
  bars?: { barOf: Uint32Array; draw(): Uint32Array };
}

/** max(horizon, ceil(units^(1/3))), at most `units`. */
export function defaultBlock(units: number, horizon = 1): number {
  const rate = Math.ceil(Math.cbrt(units) - 1e-9);
  return Math.max(1, Math.min(units, Math.max(horizon, rate)));
}

function fail(message: string, o: ResamplingOptions, key: string): never {
  throw new UserError(message, { ...o.location, key });
}

/** Bar number per row (bars in time order) and the bar count; rows themselves without times. */
function unitsOf(rows: number, times?: Float64Array): { barOf?: Uint32Array; units: number } {
  if (!times) return { units: rows };
  if (times.length !== rows) throw new Error(`times has ${times.length} rows but there are ${rows} predictions`);
  const ix = indexTimes(times);
  return { barOf: ix.barOf, units: ix.bars.length };
}

export function describeResampling(rows: number, o: ResamplingOptions = {}): { info: Resampling; barOf?: Uint32Array } {
  const method = o.method ?? 'moving_block';
  if (method !== 'moving_block' && method !== 'iid')
    fail(`bootstrap method must be moving_block or iid, got ${JSON.stringify(method)}`, o, 'bootstrap_method');
  if (o.horizon !== undefined && (!Number.isInteger(o.horizon) || o.horizon < 0))
    fail(`horizon must be a whole number of bars, got ${o.horizon}`, o, 'horizon');
  if (method === 'iid') {
    if (o.block !== undefined && o.block !== 1)
      fail(`block ${o.block} is for the moving-block bootstrap; drop it or drop bootstrap_method: iid`, o, 'block');
    return { info: { method, block: 1, unit: 'rows', units: rows, rows } };
  }
  const { barOf, units } = unitsOf(rows, o.times);
  const unit = barOf ? 'bars' : 'rows';
  if (o.block !== undefined) {
    if (!Number.isInteger(o.block) || o.block < 1 || o.block > units) {
      fail(`block must be an integer between 1 and the number of ${unit} (${units}), got ${o.block}`, o, 'block');
    }
    return { info: { method, block: o.block, unit, units, rows }, barOf };
  }
  const block = defaultBlock(units, o.horizon ?? 1);
  const rate = Math.ceil(Math.cbrt(units) - 1e-9);
  const blockRule =
    `max(horizon ${o.horizon ?? 1}, ceil(${units}^(1/3)) = ` +
    `${rate})${block < Math.max(o.horizon ?? 1, rate) ? `, capped at ${units}` : ''}`;
  return { info: { method, block, unit, units, rows, blockRule }, barOf };
}

/**
 * The resampling stream: xoshiro128+ (four 32-bit words, no multiplications), seeded from
 * mulberry32(seed). Only its high bits are used (index = floor(u32 * n / 2^32)), where
 * xoshiro128+ is strong. The same seed gives the same resamples on every platform.
 */
function seedState(seed: number): Int32Array {
  const init = mulberry32(seed);
  const s = new Int32Array(4);
  for (let i = 0; i < 4; i++) s[i] = (init() * 4294967296) | 0;
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  return s;
}

/**
 * Adds runs of `span` consecutive indices from uniform starts in [0, range) to `counts` until `total` are drawn (the
 * last run cut short).
 */
function drawRuns(counts: Uint32Array, total: number, range: number, span: number, st: Int32Array): void {
  let s0 = st[0],
    s1 = st[1],
    s2 = st[2],
    s3 = st[3];
  const f = range / 4294967296;
  for (let drawn = 0; drawn < total;) {
    const u = (s0 + s3) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    const start = (u * f) | 0;
    const len = Math.min(span, total - drawn);
    for (let i = start, e = start + len; i < e; i++) counts[i]++;
    drawn += len;
  }
  st[0] = s0;
  st[1] = s1;
  st[2] = s2;
  st[3] = s3;
}

export function makeSampler(rows: number, seed: number, o: ResamplingOptions = {}): Sampler {
  const { info, barOf } = describeResampling(rows, o);
  const st = seedState(seed);
  const { units, block } = info;
  if (!barOf) {
    return {
      info,
      draw: (counts) => {
        counts.fill(0);
        drawRuns(counts, units, units - block + 1, block, st);
      },
    };
  }
  const unitCounts = new Uint32Array(units);
  const drawBars = (): Uint32Array => {
    unitCounts.fill(0);
    drawRuns(unitCounts, units, units - block + 1, block, st);
    return unitCounts;
  };
  return {
    info,
    draw(counts) {
      drawBars();
      for (let i = 0; i < rows; i++) counts[i] = unitCounts[barOf[i]];
    },
    bars: { barOf, draw: drawBars },
  };
}
