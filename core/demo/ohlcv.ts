/**
 * Seeded, realistic multi-symbol OHLCV bars for the demo and benchmarks (no download needed).
 *
 * The process, per bar and symbol:
 *  - a per-symbol latent trend (AR(1) drift, half-life ~140 bars) that momentum can pick up;
 *  - a market regime (bull / calm / bear) shared by all symbols, switching as a Markov chain
 *    (about every 400 bars), sets the drift and scales volatility;
 *  - GARCH(1,1) volatility per symbol (alpha 0.06, beta 0.92): volatility clusters;
 *  - shocks mix a market factor and an idiosyncratic one (correlation rho 0.35..0.8 with the
 *    market), with rare jumps (fat tails) and an intraday volatility / volume cycle;
 *  - open = previous close, high/low beyond open/close by a half-normal
 *    multiple of the bar's volatility; volume grows with the size of the move.
 * Prices are rounded to a tick that suits their current level (2 decimals above 100, more below).
 *
 * Imperfections, at documented places (see `demoDefects`):
 *  - gaps: each symbol with >= 200 bars loses up to 3 short runs (1-3 bars) of bars;
 *  - with `badRows`: 3 rows with high < low (first symbol, at 25%, 50%, 75% of its bars),
 *    1 row with negative volume (last symbol, at 40%), and 2 duplicated timestamps (second
 *    symbol, a re-sent bar inserted right after the bars at 60% and 80%).
 * Rows are ordered by symbol, then time. Same options and seed => byte-identical CSV.
 */
import pl from 'nodejs-polars';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Xoshiro128 } from './prng';

export interface OhlcvOptions {
  /** A number of symbols (named BTCUSDT, ETHUSDT, ...) or the names. */
  symbols: number | string[];
  /** Bars per symbol, before gaps are cut out. */
  bars: number;
  /** First bar, ISO date-time (UTC). Default 2024-01-01T00:00:00Z. */
  start?: string;
  /** Bar size in minutes. Default 60. */
  barMinutes?: number;
  seed: number;
  /** Plant a few rows that validation must report. Needs bars >= 20. */
  badRows?: boolean;
}

export type DefectKind = 'high_below_low' | 'negative_volume' | 'duplicate_timestamp' | 'gap';

export interface Defect {
  kind: DefectKind;
  symbol: string;
  /** ISO timestamp of the bad row (for a gap: of the first missing bar). */
  timestamp: string;
  /** 1-based data row in the output (header not counted); for a gap, the row after it. */
  row: number;
  /** For a gap: how many bars are missing. */
  bars?: number;
}

export interface OhlcvResult {
  frame: pl.DataFrame;
  defects: Defect[];
}

const NAMES = [
  'BTC',
  'ETH',
  'SOL',
  'BNB',
  'XRP',
  'ADA',
  'DOGE',
  'AVAX',
  'DOT',
  'LINK',
  'LTC',
  'ATOM',
  'UNI',
  'XLM',
  'ETC',
  'FIL',
  'APT',
  'ARB',
  'NEAR',
  'OP',
];
const START_PRICES = [
  42000, 2300, 100, 310, 0.62, 0.59, 0.09, 38, 8.1, 15, 72, 10, 6.3, 0.13, 22, 5.9, 9.4, 1.9, 3.6, 3.7,
];

export function demoSymbols(n: number): string[] {
  return Array.from({ length: n }, (_, i) =>
    i < NAMES.length ? `${NAMES[i]}USDT` : `SYM${String(i + 1).padStart(3, '0')}USDT`,
  );
}

/** Decimals of the price tick: 2 for prices >= 100, more for smaller ones (max 8). */
function priceDecimals(p: number): number {
  return Math.min(8, Math.max(2, 4 - Math.floor(Math.log10(p))));
}

/** Rounds to `d` decimals; k / 10^d is the double nearest the decimal, so CSV text stays clean. */
function roundTo(x: number, pow10: number): number {
  return Math.round(x * pow10) / pow10;
}

const REGIMES = [
  { drift: 0.00012, vol: 0.9 }, // bull
  { drift: 0.0, vol: 0.8 }, // calm
  { drift: -0.00016, vol: 1.35 }, // bear
];

export function generateOhlcvWithDefects(opts: OhlcvOptions): OhlcvResult {
  const symbols = typeof opts.symbols === 'number' ? demoSymbols(opts.symbols) : [...opts.symbols];
  const n = symbols.length;
  const bars = opts.bars;
  if (!Number.isInteger(bars) || bars < 1) throw new RangeError(`bars must be a whole number >= 1, got ${bars}`);
  if (n < 1) throw new RangeError('at least one symbol is needed');
  if (opts.badRows && bars < 20) throw new RangeError(`badRows needs at least 20 bars per symbol, got ${bars}`);
  const barMs = (opts.barMinutes ?? 60) * 60_000;
  const t0 = Date.parse(opts.start ?? '2024-01-01T00:00:00Z');
  if (Number.isNaN(t0)) throw new RangeError(`start '${opts.start}' is not a date`);
  const rng = new Xoshiro128(opts.seed);

  // Per-symbol parameters.
  const p0 = symbols.map((_, i) => (i < START_PRICES.length ? START_PRICES[i] : 10 ** (rng.next() * 4 - 1)));
  const baseVol = symbols.map(() => 0.005 + 0.007 * rng.next()); // hourly sd 0.5%..1.2%
  const rho = symbols.map(() => 0.35 + 0.45 * rng.next());
  const beta = symbols.map(() => 0.6 + 0.8 * rng.next());
  const baseVolume = symbols.map((_, i) => (1e6 / p0[i]) * (0.3 + rng.next()) * Math.sqrt(barMs / 3_600_000));
  const alpha = 0.06;
  const garchBeta = 0.92;

  // Planted defects (bar indices per symbol).
  const highLow = new Set<number>();
  const negVol = new Set<number>();
  const dupes = new Set<number>();
  const hlSym = 0;
  const nvSym = n - 1;
  const dupSym = n > 1 ? 1 : 0;
  if (opts.badRows) {
    for (const f of [0.25, 0.5, 0.75]) highLow.add(Math.floor(bars * f));
    negVol.add(Math.floor(bars * 0.4));
    for (const f of [0.6, 0.8]) dupes.add(Math.floor(bars * f));
  }
  const protectedBars = [...highLow, ...negVol, ...dupes];
  // gapAt[i][t] = length of the run of missing bars starting at bar t of symbol i (0: none)
  const gapAt: Uint8Array[] = symbols.map(() => {
    const g = new Uint8Array(bars);
    const taken: [number, number][] = [];
    const count = Math.min(3, Math.floor(bars / 200));
    for (let k = 0; k < count; k++) {
      const len = rng.int(1, 4);
      const at = rng.int(Math.floor(bars * 0.1), Math.floor(bars * 0.9) - len);
      const clash =
        protectedBars.some((b) => b >= at - 2 && b <= at + len + 1) ||
        taken.some(([s0, l0]) => at <= s0 + l0 + 1 && s0 <= at + len + 1);
      if (!clash) {
        g[at] = len;
        taken.push([at, len]);
      }
    }
    return g;
  });
  // flags of the planted bad rows, on their symbols only
  const HL = 1;
  const NV = 2;
  const DUP = 4;
  const flags = symbols.map(() => new Uint8Array(bars));
  for (const b of highLow) flags[hlSym][b] |= HL;
  for (const b of negVol) flags[nvSym][b] |= NV;
  for (const b of dupes) flags[dupSym][b] |= DUP;

  // Output arrays per symbol (room for the duplicated rows).
  const cap = bars + 2;
  const out: Columns[] = symbols.map(() => ({
    ts: new Float64Array(cap),
    o: new Float64Array(cap),
    h: new Float64Array(cap),
    l: new Float64Array(cap),
    c: new Float64Array(cap),
    v: new Float64Array(cap),
    len: 0,
  }));
  const h2 = baseVol.map((v) => v * v); // GARCH variance
  const lastEps = new Float64Array(n);
  const close = Float64Array.from(p0);
  const skip = symbols.map(() => 0);
  const defects: Defect[] = [];
  let regime = 1;
  // Each symbol's own slowly varying trend (AR(1), half-life ~140 bars): what momentum features
  // can learn. Stationary sd TREND_SD per bar — a modest, realistic edge over a 20-bar horizon.
  const TREND_RHO = 0.995;
  const TREND_SD = 0.0008;
  const REVERSION = 0.0005;
  const trend = symbols.map(() => TREND_SD * rng.normal());

  for (let t = 0; t < bars; t++) {
    if (rng.next() < 1 / 400) regime = (regime + 1 + rng.int(0, 2)) % 3;
    const R = REGIMES[regime];
    const zm = rng.normal();
    const ts = t0 + t * barMs;
    const hour = Math.floor(ts / 3_600_000) % 24;
    const season = 1 + 0.25 * Math.sin((2 * Math.PI * (hour - 8)) / 24); // busier in the US/EU overlap
    for (let i = 0; i < n; i++) {
      trend[i] = TREND_RHO * trend[i] + TREND_SD * Math.sqrt(1 - TREND_RHO * TREND_RHO) * rng.normal();
      const longVar = baseVol[i] * baseVol[i];
      h2[i] = longVar * (1 - alpha - garchBeta) + alpha * lastEps[i] * lastEps[i] + garchBeta * h2[i];
      let z = rho[i] * zm + Math.sqrt(1 - rho[i] * rho[i]) * rng.normal();
      if (rng.next() < 0.003) z *= 4; // jump
      const sigma = Math.sqrt(h2[i]) * R.vol * season;
      const eps = sigma * z;
      lastEps[i] = eps / (R.vol * season);
      const open = close[i]; // 24/7 market: a bar opens at the previous close
      // Slow pull of log price back to its start level (half-life ~1,400 bars) keeps long series
      // (100k bars) from drifting to 0 or infinity under the persistent trend.
      const c =
        open * Math.exp(beta[i] * R.drift + (trend[i] * baseVol[i]) / 0.007 - REVERSION * Math.log(open / p0[i]) + eps);
      const hi = Math.max(open, c) * Math.exp(Math.abs(rng.normal()) * sigma * 0.6);
      const lo = Math.min(open, c) * Math.exp(-Math.abs(rng.normal()) * sigma * 0.6);
      const vol = baseVolume[i] * season * Math.exp(0.45 * rng.normal()) * (1 + (3 * Math.abs(eps)) / baseVol[i]);
      close[i] = c;

      if (skip[i] > 0) {
        skip[i]--;
        continue;
      }
      const gapLen = gapAt[i][t];
      if (gapLen > 0) {
        skip[i] = gapLen - 1;
        defects.push({ kind: 'gap', symbol: symbols[i], timestamp: new Date(ts).toISOString(), row: -1, bars: gapLen });
        continue;
      }
      const o = out[i];
      const P = 10 ** priceDecimals(Math.min(open, c, lo));
      let H = roundTo(hi, P);
      let L = roundTo(lo, P);
      let V = roundTo(vol, 1000);
      const flag = flags[i][t];
      if (flag & HL) {
        [H, L] = [L - 1 / P, H + 1 / P]; // high strictly below low
        defects.push({ kind: 'high_below_low', symbol: symbols[i], timestamp: new Date(ts).toISOString(), row: o.len });
      }
      if (flag & NV) {
        V = -V;
        defects.push({
          kind: 'negative_volume',
          symbol: symbols[i],
          timestamp: new Date(ts).toISOString(),
          row: o.len,
        });
      }
      writeRow(o, ts, roundTo(open, P), H, L, roundTo(c, P), V);
      if (flag & DUP) {
        defects.push({
          kind: 'duplicate_timestamp',
          symbol: symbols[i],
          timestamp: new Date(ts).toISOString(),
          row: o.len,
        });
        // the bar re-sent with a slightly different close (kept inside its high/low)
        writeRow(
          o,
          ts,
          roundTo(open, P),
          H,
          L,
          roundTo(Math.min(Math.max(c * (1 + 0.0001 * rng.normal()), lo), hi), P),
          V,
        );
      }
    }
  }

  // Rows are symbol-major: turn per-symbol positions into 1-based data rows.
  const offset: number[] = [];
  let acc = 0;
  for (const o of out) {
    offset.push(acc);
    acc += o.len;
  }
  const symIndex = new Map(symbols.map((s, i) => [s, i]));
  for (const d of defects) {
    const i = symIndex.get(d.symbol)!;
    if (d.kind === 'gap') {
      const at = Date.parse(d.timestamp);
      const ts = out[i].ts;
      let k = 0;
      while (k < out[i].len && ts[k] < at) k++;
      d.row = offset[i] + k + 1;
    } else {
      d.row = offset[i] + d.row + 1;
    }
  }
  defects.sort((a, b) => a.row - b.row || a.kind.localeCompare(b.kind));

  const frames = out.map((o, i) => {
    const len = o.len;
    return pl
      .DataFrame([
        pl.Series('timestamp', o.ts.subarray(0, len)).cast(pl.Int64).cast(pl.Datetime('ms', 'UTC')),
        pl.Series('open', o.o.subarray(0, len)),
        pl.Series('high', o.h.subarray(0, len)),
        pl.Series('low', o.l.subarray(0, len)),
        pl.Series('close', o.c.subarray(0, len)),
        pl.Series('volume', o.v.subarray(0, len)),
      ])
      .withColumn(pl.lit(symbols[i]).alias('symbol'))
      .select('timestamp', 'symbol', 'open', 'high', 'low', 'close', 'volume');
  });
  return { frame: pl.concat(frames, { how: 'vertical', rechunk: true }), defects };
}

interface Columns {
  ts: Float64Array;
  o: Float64Array;
  h: Float64Array;
  l: Float64Array;
  c: Float64Array;
  v: Float64Array;
  len: number;
}

function writeRow(col: Columns, ts: number, o: number, h: number, l: number, c: number, v: number): void {
  const k = col.len++;
  col.ts[k] = ts;
  col.o[k] = o;
  col.h[k] = h;
  col.l[k] = l;
  col.c[k] = c;
  col.v[k] = v;
}

export function generateOhlcv(opts: OhlcvOptions): pl.DataFrame {
  return generateOhlcvWithDefects(opts).frame;
}

/** Where the planted defects are, without generating the data twice. */
export function demoDefects(opts: OhlcvOptions): Defect[] {
  return generateOhlcvWithDefects(opts).defects;
}

/** Writes the bars as CSV (timestamps as 2024-01-01T00:00:00Z) and returns what was planted. */
export function writeDemoCsv(path: string, opts: OhlcvOptions): { rows: number; defects: Defect[] } {
  if (!path.endsWith('.csv')) throw new RangeError(`demo CSV path must end in .csv: ${path}`);
  const { frame, defects } = generateOhlcvWithDefects(opts);
  mkdirSync(dirname(path), { recursive: true });
  frame.writeCSV(path, { datetimeFormat: '%Y-%m-%dT%H:%M:%SZ' });
  return { rows: frame.height, defects };
}
