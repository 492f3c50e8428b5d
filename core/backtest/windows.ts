/**
 * Walk-forward windows over bars (distinct timestamps): train on [a, b), test on [b, c).
 *   rolling    a = b - train_bars (a fixed-length training window)
 *   expanding  a = 0 (all history so far)
 * The first test starts at b = train_bars; each next one `step_bars` later (default test_bars);
 * the last test window is cut at the end of the data. Training rows within `purge_bars` of b are
 * left out (their labels look into the test window): training uses [a, b - purge_bars).
 */
import { UserError } from '../errors';

export type WindowKind = 'rolling' | 'expanding';

export interface WindowOptions {
  train_bars: number;
  test_bars: number;
  step_bars?: number;
  window?: WindowKind;
  purge_bars?: number;
}

export interface WalkForwardWindow {
  id: string;
  index: number;
  trainStart: number;
  /** Exclusive; already purged. */
  trainEnd: number;
  testStart: number;
  /** Exclusive. */
  testEnd: number;
}

export const windowId = (i: number): string => `window_${String(i).padStart(3, '0')}`;

export function walkForwardWindows(bars: number, o: WindowOptions, cell?: string): WalkForwardWindow[] {
  const step = o.step_bars ?? o.test_bars;
  const purge = o.purge_bars ?? 0;
  const where = (key: string) => ({ cell, key });
  for (const [k, v, min] of [
    ['train_bars', o.train_bars, 1],
    ['test_bars', o.test_bars, 1],
    ['step_bars', step, 1],
    ['purge_bars', purge, 0],
  ] as const) {
    if (!Number.isInteger(v) || v < min)
      throw new UserError(`${k} must be a whole number >= ${min}, got ${v}`, where(k));
  }
  if (purge >= o.train_bars)
    throw new UserError(
      `purge_bars (${purge}) leaves no training bars out of train_bars ${o.train_bars}`,
      where('purge_bars'),
    );
  if (o.train_bars + 2 > bars) {
    throw new UserError(
      `train_bars ${o.train_bars} leaves no test window: the data has ${bars} bars`,
      where('train_bars'),
      ['lower train_bars or load more data'],
    );
  }
  const out: WalkForwardWindow[] = [];
  for (let b = o.train_bars; b < bars; b += step) {
    const a = o.window === 'expanding' ? 0 : b - o.train_bars;
    out.push({
      id: windowId(out.length),
      index: out.length,
      trainStart: a,
      trainEnd: b - purge,
      testStart: b,
      testEnd: Math.min(b + o.test_bars, bars),
    });
  }
  return out;
}
