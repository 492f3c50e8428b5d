/**
 * Target positions from predictions, one per row, in [-1, 1]:
 *   sign         +1 above `center`, -1 below, 0 at it
 *   threshold    +1 above center + threshold, -1 below center - threshold, else 0 (flat)
 *   probability  2p - 1: sized by the confidence of P(up) = p (0.5 -> flat, 1 -> fully long)
 * then limited by `direction` (long_only drops shorts, short_only drops longs). A missing (NaN)
 * prediction means flat.
 */
import type { PortfolioSettings } from './types';

export function targetPosition(
  signal: number,
  s: Pick<PortfolioSettings, 'mode' | 'center' | 'threshold' | 'direction'>,
): number {
  if (!(signal === signal)) return 0; // NaN
  let p: number;
  switch (s.mode) {
    case 'sign':
      p = signal > s.center ? 1 : signal < s.center ? -1 : 0;
      break;
    case 'threshold':
      p = signal > s.center + s.threshold ? 1 : signal < s.center - s.threshold ? -1 : 0;
      break;
    case 'probability':
      p = 2 * signal - 1;
      p = p > 1 ? 1 : p < -1 ? -1 : p;
      break;
  }
  if (s.direction === 'long_only' && p < 0) return 0;
  if (s.direction === 'short_only' && p > 0) return 0;
  return p;
}

/** Target positions for every row (what a trader would hold from the next bar on); one tight loop per mode. */
export function targetPositions(
  signal: Float64Array,
  s: Pick<PortfolioSettings, 'mode' | 'center' | 'threshold' | 'direction'>,
): Float64Array {
  const n = signal.length;
  const out = new Float64Array(n);
  const hi = s.direction === 'short_only' ? 0 : 1;
  const lo = s.direction === 'long_only' ? 0 : -1;
  if (s.mode === 'probability') {
    for (let i = 0; i < n; i++) {
      const p = 2 * signal[i] - 1;
      out[i] = p > hi ? hi : p < lo ? lo : p === p ? p : 0;
    }
    return out;
  }
  const up = s.mode === 'threshold' ? s.center + s.threshold : s.center;
  const down = s.mode === 'threshold' ? s.center - s.threshold : s.center;
  for (let i = 0; i < n; i++) {
    const v = signal[i];
    out[i] = v > up ? hi : v < down ? lo : 0; // NaN compares false both ways: flat
  }
  return out;
}

/** First row whose value is not a probability (finite and outside [0, 1]), or -1. */
export function firstNonProbability(signal: Float64Array): number {
  for (let i = 0; i < signal.length; i++) {
    const v = signal[i];
    if (v < 0 || v > 1) return i;
  }
  return -1;
}
