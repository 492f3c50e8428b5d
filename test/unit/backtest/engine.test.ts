import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBacktest } from '../../../core/backtest/engine';
import { emitEvents, type BacktestEvent, type EventType } from '../../../core/backtest/events';
import { targetPosition } from '../../../core/backtest/positions';
import { prepareFrame, seriesFromFrame } from '../../../core/backtest/series';
import { DEFAULT_PORTFOLIO, type BarSeries, type PortfolioSettings } from '../../../core/backtest/types';
import { daily, frameOf } from './helpers';

/** One symbol, no times needed: bar i = row i. */
function series(signal: number[], ret: number[]): BarSeries {
  const n = signal.length;
  return {
    signal: Float64Array.from(signal),
    ret: Float64Array.from(ret),
    starts: Int32Array.of(0),
    symbols: ['AAA'],
    bar: Int32Array.from({ length: n }, (_, i) => i),
    barTimes: new Float64Array(n).fill(NaN),
  };
}
const S = (p: Partial<PortfolioSettings> = {}): PortfolioSettings => ({
  ...DEFAULT_PORTFOLIO,
  initial_capital: 1,
  ...p,
});

test('a planted signal that knows its own bar earns nothing: positions start on the next bar', () => {
  // Bar 5 jumps +50%; the signal of bar 5 "knows" it. Bar 6 is flat. A look-ahead engine would earn the jump.
  const ret = [0, 0, 0, 0, 0, 0.5, 0, 0, 0, 0];
  const signal = [0, 0, 0, 0, 0, 1, 0, 0, 0, 0];
  const run = runBacktest(series(signal, ret), S({ direction: 'long_only' }));
  assert.equal(run.portfolio.equity[9], 1, 'no profit from the future');
  assert.deepEqual(Array.from(run.held), [0, 0, 0, 0, 0, 0, 1, 0, 0, 0], 'held from bar 6, decided at bar 5');
  // The same signal one bar earlier is a legitimate forecast and earns the jump.
  const early = runBacktest(series([0, 0, 0, 0, 1, 0, 0, 0, 0, 0], ret), S({ direction: 'long_only' }));
  assert.equal(early.portfolio.equity[9], 1.5);
});

test('fees and slippage are charged in bps on each unit of position change, flips cost twice', () => {
  const ret = new Array(6).fill(0);
  const run = runBacktest(series([1, 1, -1, -1, 0, 0], ret), S({ fee_bps: 7, slippage_bps: 3 }));
  // held: 0, +1, +1, -1, -1, 0 -> changes 1, 0, 2, 0, 1 at bars 1..5
  assert.deepEqual(Array.from(run.held), [0, 1, 1, -1, -1, 0]);
  assert.deepEqual(
    Array.from(run.cost, (c) => Math.round(c * 1e6) / 1e6),
    [0, 0.001, 0, 0.002, 0, 0.001],
  );
  assert.ok(Math.abs(run.portfolio.equity[5] - 0.999 * 0.998 * 0.999) < 1e-15);
  assert.equal(run.trades.count, 2);
  assert.deepEqual(Array.from(run.trades.side), [1, -1]);
  // The long pays its entry and its half of the flip; the short the other half and its exit.
  assert.ok(Math.abs(run.trades.ret[0] - (0.999 * 0.999 - 1)) < 1e-15);
  assert.ok(Math.abs(run.trades.ret[1] - (0.999 * 0.999 - 1)) < 1e-15);
});

test('position modes and directions', () => {
  const s = (p: Partial<PortfolioSettings>) => ({ ...DEFAULT_PORTFOLIO, ...p });
  assert.deepEqual(
    [-0.2, 0, 0.3].map((v) => targetPosition(v, s({}))),
    [-1, 0, 1],
  );
  assert.deepEqual(
    [0.45, 0.5, 0.58, 0.62, 0.3].map((v) => targetPosition(v, s({ mode: 'threshold', center: 0.5, threshold: 0.1 }))),
    [0, 0, 0, 1, -1],
  );
  assert.deepEqual(
    [0, 0.25, 0.5, 0.9, 1].map((v) => Math.round(targetPosition(v, s({ mode: 'probability' })) * 100) / 100),
    [-1, -0.5, 0, 0.8, 1],
  );
  assert.equal(targetPosition(-1, s({ direction: 'long_only' })), 0);
  assert.equal(targetPosition(1, s({ direction: 'short_only' })), 0);
  assert.equal(targetPosition(NaN, s({})), 0, 'a missing prediction is flat');
});

test('symbols never pass positions to each other, and share capital equally', () => {
  // AAA signals long on its last row; BBB's first row must not inherit it.
  const f = frameOf([
    daily([100, 100, 100, 100], [0, 0, 0, 1], 'AAA'),
    daily([100, 200, 200, 200], [0, 0, 0, 0], 'BBB'),
  ]);
  const sr = seriesFromFrame(prepareFrame(f, {}), 'pred');
  assert.deepEqual(sr.symbols, ['AAA', 'BBB']);
  const run = runBacktest(sr, S({ direction: 'long_only' }));
  assert.deepEqual(Array.from(run.held), [0, 0, 0, 0, 0, 0, 0, 0]);
  // Long BBB from bar 1 on (decided at bar 0) earns its +100% on half the capital.
  const f2 = frameOf([
    daily([100, 100, 100, 100], [0, 0, 0, 0], 'AAA'),
    daily([100, 200, 200, 200], [1, 0, 0, 0], 'BBB'),
  ]);
  const run2 = runBacktest(seriesFromFrame(prepareFrame(f2, {}), 'pred'), S({ direction: 'long_only' }));
  assert.equal(run2.portfolio.equity[3], 1.5);
  assert.equal(run2.portfolio.equity.length, 4, 'one portfolio bar per timestamp');
});

test('events come in time order with trade ids; only traced types are built', () => {
  const run = runBacktest(series([1, 1, -1, 0, 0], [0, 0.1, 0.1, -0.1, 0]), S());
  const sr = series([1, 1, -1, 0, 0], [0, 0.1, 0.1, -0.1, 0]);
  const all: BacktestEvent[] = [];
  emitEvents(run, sr, new Set<EventType>(['POSITION_OPEN', 'POSITION_CLOSE', 'FILL', 'PORTFOLIO_UPDATE']), (e) =>
    all.push(e),
  );
  const brief = all.map((e) => `${e.bar}:${e.type}${'trade_id' in e ? `#${e.trade_id}` : ''}`);
  assert.deepEqual(brief, [
    '0:PORTFOLIO_UPDATE',
    '1:FILL#0',
    '1:POSITION_OPEN#0',
    '1:PORTFOLIO_UPDATE',
    '2:PORTFOLIO_UPDATE',
    '3:FILL#1',
    '3:POSITION_CLOSE#0',
    '3:POSITION_OPEN#1',
    '3:PORTFOLIO_UPDATE',
    '4:FILL#1',
    '4:POSITION_CLOSE#1',
    '4:PORTFOLIO_UPDATE',
  ]);
  const fills: BacktestEvent[] = [];
  emitEvents(run, sr, new Set<EventType>(['FILL']), (e) => fills.push(e));
  assert.deepEqual(
    fills.map((e) => e.type === 'FILL' && [e.from, e.to]),
    [
      [0, 1],
      [1, -1],
      [-1, 0],
    ],
  );
});

test('isoTime formats like Date#toISOString', async () => {
  const { isoTime } = await import('../../../core/backtest/isoTime');
  for (const ms of [
    0,
    1_700_000_000_123,
    Date.UTC(2024, 1, 29, 23, 59, 59, 999),
    Date.UTC(1969, 11, 31, 12),
    Date.UTC(2024, 0, 1) + 5,
  ]) {
    assert.equal(isoTime(ms), new Date(ms).toISOString());
  }
  assert.equal(isoTime(NaN), undefined);
});
