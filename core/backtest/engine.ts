/**
 * The backtest engine: one pass over typed arrays, no look-ahead.
 *
 * For each symbol's run of rows: the position held during row i is the target decided from the
 * prediction of row i-1 (the first row of a symbol holds nothing), so a prediction is executed
 * on the next bar and never earns the return of its own bar. A change of position costs
 * |change| * (fee_bps + slippage_bps) / 1e4 of the symbol's capital slice, charged on the bar it
 * happens. Symbols share capital equally (weight 1/k); the portfolio's return per bar is the sum
 * of its symbols' weighted net returns at that timestamp.
 *
 * A trade is a run of rows held on one side (long or short). Resizing within a side stays in the
 * trade; a flip closes one trade and opens another (the exit cost goes to the old trade, the entry
 * cost to the new one). A position still open when the data ends is closed there, marked to
 * market without an exit cost, and flagged `openAtEnd`.
 */
import { targetPositions } from './positions';
import { TradeTableBuilder } from './trades';
import type { BacktestRun, BarSeries, PortfolioSettings } from './types';

export function runBacktest(series: BarSeries, s: PortfolioSettings): BacktestRun {
  const { signal, ret, starts, bar } = series;
  const n = signal.length;
  if (ret.length !== n || bar.length !== n)
    throw new Error(`runBacktest: signal (${n}), ret (${ret.length}) and bar (${bar.length}) differ in length`);
  const bars = series.barTimes.length;
  const k = Math.max(1, starts.length);
  const w = 1 / k;
  const rate = (s.fee_bps + s.slippage_bps) / 1e4;
  const held = new Float64Array(n);
  const net = new Float64Array(n);
  const cost = new Float64Array(n);
  const pnl = new Float64Array(bars);
  const exposure = new Float64Array(bars);
  const turnover = new Float64Array(bars);
  const trades = new TradeTableBuilder(Math.max(64, n >>> 6));
  const target = targetPositions(signal, s);

  for (let seg = 0; seg < starts.length; seg++) {
    const start = starts[seg];
    const end = seg + 1 < starts.length ? starts[seg + 1] : n;
    let prevHeld = 0;
    let side = 0;
    let entry = start;
    let growth = 1;
    for (let i = start; i < end; i++) {
      const h = i === start ? 0 : target[i - 1];
      const r0 = ret[i];
      const r = r0 === r0 ? r0 : 0; // a missing return earns nothing
      const absH = h < 0 ? -h : h;
      const d = h - prevHeld;
      const absD = d < 0 ? -d : d;
      const c = absD * rate;
      const x = h * r - c;
      held[i] = h;
      cost[i] = c;
      net[i] = x;
      const b = bar[i];
      pnl[b] += x * w;
      exposure[b] += absH * w;
      turnover[b] += absD * w;

      const sideNow = h > 0 ? 1 : h < 0 ? -1 : 0;
      if (side !== 0 && sideNow !== side) {
        growth *= 1 - (prevHeld < 0 ? -prevHeld : prevHeld) * rate;
        trades.push(seg, side, entry, i, growth - 1, false);
        side = 0;
      }
      if (sideNow !== 0) {
        if (side === 0) {
          side = sideNow;
          entry = i;
          growth = 1 + h * r - absH * rate;
        } else {
          growth *= 1 + x;
        }
      }
      prevHeld = h;
    }
    if (side !== 0) trades.push(seg, side, entry, end, growth - 1, true);
  }

  const equity = new Float64Array(bars);
  let e = s.initial_capital;
  for (let t = 0; t < bars; t++) {
    e *= 1 + pnl[t];
    equity[t] = e;
  }
  return { settings: s, held, net, cost, portfolio: { pnl, exposure, turnover, equity }, trades: trades.build() };
}
