/**
 * Backtest events, produced from a finished run in time order (bar by bar; within a bar, symbol
 * by symbol: FILL, POSITION_CLOSE, POSITION_OPEN; then the bar's PORTFOLIO_UPDATE). Only the
 * traced types are built, so an untraced backtest pays nothing for events.
 */
import { isoTime } from './isoTime';
import type { BacktestRun, BarSeries } from './types';

export const EVENT_TYPES = ['POSITION_OPEN', 'POSITION_CLOSE', 'FILL', 'PORTFOLIO_UPDATE'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

interface EventBase {
  /** Portfolio bar index. */
  bar: number;
  /** ISO-8601 UTC, when the bars have times. */
  time?: string;
}

export interface PositionOpenEvent extends EventBase {
  type: 'POSITION_OPEN';
  trade_id: number;
  symbol: string;
  side: 'long' | 'short';
  size: number;
}

export interface PositionCloseEvent extends EventBase {
  type: 'POSITION_CLOSE';
  trade_id: number;
  symbol: string;
  side: 'long' | 'short';
  return: number;
  bars_held: number;
  open_at_end: boolean;
}

export interface FillEvent extends EventBase {
  type: 'FILL';
  /** The trade this fill opens or resizes, else the one it closes. */
  trade_id: number;
  symbol: string;
  from: number;
  to: number;
  quantity: number;
  cost: number;
}

export interface PortfolioUpdateEvent extends EventBase {
  type: 'PORTFOLIO_UPDATE';
  equity: number;
  pnl: number;
  exposure: number;
}

export type BacktestEvent = PositionOpenEvent | PositionCloseEvent | FillEvent | PortfolioUpdateEvent;

/** Rows in bar order (stable: symbol order within a bar), by counting sort. */
function rowsByBar(bar: Int32Array, bars: number): Int32Array {
  const count = new Int32Array(bars + 1);
  for (let i = 0; i < bar.length; i++) count[bar[i] + 1]++;
  for (let b = 0; b < bars; b++) count[b + 1] += count[b];
  const out = new Int32Array(bar.length);
  for (let i = 0; i < bar.length; i++) out[count[bar[i]]++] = i;
  return out;
}

/**
 * Feeds the run's events of the wanted types to `sink`, in time order. `onPosition` hears every
 * position open and close from the portfolio's own trades, whatever is traced (retention needs
 * to know positions even when the user traces no POSITION_CLOSE): an open before the traced
 * events of its row, a close after them (on a flip, before the open).
 */
export function emitEvents(
  run: BacktestRun,
  series: BarSeries,
  wanted: ReadonlySet<EventType>,
  sink: (e: BacktestEvent) => void,
  onPosition?: (e: PositionOpenEvent | PositionCloseEvent) => void,
): void {
  if (!wanted.size && !onPosition) return;
  const { bar, barTimes, symbols } = series;
  const n = bar.length;
  const bars = barTimes.length;
  const t = run.trades;
  const wantOpen = wanted.has('POSITION_OPEN');
  const wantClose = wanted.has('POSITION_CLOSE');
  const wantFill = wanted.has('FILL');
  const wantUpdate = wanted.has('PORTFOLIO_UPDATE');
  // Per row: the trade opening there, the trade closed there by a change, the trade ending there with the data.
  const needTrades = wantOpen || wantClose || wantFill || onPosition !== undefined;
  const openAt = needTrades ? new Int32Array(n).fill(-1) : undefined;
  const closeAt = needTrades ? new Int32Array(n).fill(-1) : undefined;
  const endAt = needTrades ? new Int32Array(n).fill(-1) : undefined;
  const symOf = needTrades ? new Int32Array(n) : undefined;
  const tradeOf = wantFill ? new Int32Array(n).fill(-1) : undefined;
  if (needTrades) {
    for (let k = 0; k < t.count; k++) {
      openAt![t.entryRow[k]] = k;
      tradeOf?.fill(k, t.entryRow[k], t.exitRow[k]);
      if (t.openAtEnd[k]) endAt![t.exitRow[k] - 1] = k;
      else closeAt![t.exitRow[k]] = k;
    }
    for (let s = 0; s < series.starts.length; s++) {
      const end = s + 1 < series.starts.length ? series.starts[s + 1] : n;
      symOf!.fill(s, series.starts[s], end);
    }
  }
  const closeEvent = (k: number, b: number, time: string | undefined): PositionCloseEvent => ({
    type: 'POSITION_CLOSE',
    bar: b,
    time,
    trade_id: k,
    symbol: symbols[t.symbol[k]],
    side: t.side[k] > 0 ? 'long' : 'short',
    return: t.ret[k],
    bars_held: t.exitRow[k] - t.entryRow[k],
    open_at_end: t.openAtEnd[k] === 1,
  });

  const order = series.starts.length > 1 ? rowsByBar(bar, bars) : undefined;
  let j = 0;
  let timeBar = -1;
  let timeText: string | undefined;
  const timeOf = (b: number): string | undefined => {
    if (b !== timeBar) {
      timeBar = b;
      timeText = isoTime(barTimes[b]);
    }
    return timeText;
  };
  for (let b = 0; b < bars; b++) {
    if (needTrades) {
      for (; j < n; j++) {
        const i = order ? order[j] : j;
        if (bar[i] !== b) break;
        const closing = closeAt![i];
        const opening = openAt![i];
        const openEvent: PositionOpenEvent | undefined =
          opening >= 0 && (wantOpen || onPosition)
            ? {
                type: 'POSITION_OPEN',
                bar: b,
                time: timeOf(b),
                trade_id: opening,
                symbol: symbols[t.symbol[opening]],
                side: t.side[opening] > 0 ? 'long' : 'short',
                size: Math.abs(run.held[i]),
              }
            : undefined;
        const closeEv = closing >= 0 && (wantClose || onPosition) ? closeEvent(closing, b, timeOf(b)) : undefined;
        // A position exists before its opening fill is traced, and a closed one until after its
        // closing fill — except on a flip, where the row's fill opens the new trade.
        if (openEvent) {
          if (closeEv) onPosition?.(closeEv);
          onPosition?.(openEvent);
        }
        if (wantFill) {
          const from = i > 0 && symOf![i - 1] === symOf![i] ? run.held[i - 1] : 0;
          const to = run.held[i];
          if (to !== from) {
            const trade = opening >= 0 ? opening : to !== 0 ? tradeOf![i] : closing;
            sink({
              type: 'FILL',
              bar: b,
              time: timeOf(b),
              trade_id: trade,
              symbol: symbols[symOf![i]],
              from,
              to,
              quantity: to - from,
              cost: run.cost[i],
            });
          }
        }
        if (closeEv) {
          if (wantClose) sink(closeEv);
          if (!openEvent) onPosition?.(closeEv);
        }
        if (openEvent && wantOpen) sink(openEvent);
        if (endAt![i] >= 0 && (wantClose || onPosition)) {
          const e = closeEvent(endAt![i], b, timeOf(b));
          if (wantClose) sink(e);
          onPosition?.(e);
        }
      }
    }
    if (wantUpdate) {
      sink({
        type: 'PORTFOLIO_UPDATE',
        bar: b,
        time: timeOf(b),
        equity: run.portfolio.equity[b],
        pnl: run.portfolio.pnl[b],
        exposure: run.portfolio.exposure[b],
      });
    }
  }
}
