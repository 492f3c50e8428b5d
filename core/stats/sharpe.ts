/**
 * Probabilistic and Deflated Sharpe Ratio (Bailey & López de Prado, "The Deflated Sharpe Ratio:
 * Correcting for Selection Bias, Backtest Overfitting and Non-Normality", J. Portfolio Management
 * 2014) and the Minimum Backtest Length (Bailey, Borwein, López de Prado & Zhu, "Pseudo-Mathematics
 * and Financial Charlatanism", Notices of the AMS 2014). Sharpe ratios here are per period (not
 * annualised): T is the number of periods. Definitions, also in docs/design.md §6.10:
 *   SR      mean(r) / std(r, ddof=1)                      (0 when std = 0)
 *   γ3      m3 / m2^1.5,  γ4 = m4 / m2²  with m_k = Σ(r − mean)^k / T  (skew; kurtosis, not excess)
 *   PSR(SR*) = Φ( (SR − SR*) √(T − 1) / √(1 − γ3·SR + (γ4 − 1)/4 · SR²) )
 *   E[max SR of N] = √V · ((1 − γ)Φ⁻¹(1 − 1/N) + γ Φ⁻¹(1 − 1/(N e)))    γ = Euler–Mascheroni,
 *                    V = variance (ddof=1) of the N trials' SR; 0 when N = 1
 *   DSR     PSR(E[max SR of N])
 *   MinBTL  (((1 − γ)Φ⁻¹(1 − 1/N) + γ Φ⁻¹(1 − 1/(N e))) / SR_annual)²  years, for N ≥ 2
 */
import { normalCdf, normalQuantile } from './normal';

export const EULER_GAMMA = 0.5772156649015329;

export interface ReturnMoments {
  /** Number of periods. */
  n: number;
  mean: number;
  /** Sample standard deviation (ddof = 1). */
  std: number;
  /** Per-period Sharpe ratio mean / std (0 when std is 0 or undefined). */
  sharpe: number;
  skew: number;
  /** Kurtosis (3 for a normal distribution, not excess). */
  kurtosis: number;
}

/** Moments of a return series; non-finite values are a caller error. */
export function returnMoments(r: ArrayLike<number>): ReturnMoments {
  const n = r.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += r[i];
  const mean = n ? sum / n : NaN;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = r[i] - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const std = n > 1 ? Math.sqrt(m2 / (n - 1)) : NaN;
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return {
    n,
    mean,
    std,
    sharpe: std > 0 ? mean / std : 0,
    skew: m2 > 0 ? m3 / Math.pow(m2, 1.5) : 0,
    kurtosis: m2 > 0 ? m4 / (m2 * m2) : 3,
  };
}

/** Per-period Sharpe ratio of a series (0 for a constant series). */
export function sharpeOf(r: ArrayLike<number>): number {
  return returnMoments(r).sharpe;
}

/** PSR: probability that the true Sharpe exceeds `benchmark` given the observed moments. */
export function probabilisticSharpe(
  m: Pick<ReturnMoments, 'n' | 'sharpe' | 'skew' | 'kurtosis'>,
  benchmark = 0,
): number {
  if (m.n < 2) return NaN;
  const v = 1 - m.skew * m.sharpe + ((m.kurtosis - 1) / 4) * m.sharpe * m.sharpe;
  if (!(v > 0)) return NaN;
  return normalCdf(((m.sharpe - benchmark) * Math.sqrt(m.n - 1)) / Math.sqrt(v));
}

/** (1 − γ)Φ⁻¹(1 − 1/N) + γΦ⁻¹(1 − 1/(Ne)): E[max of N iid standard normals], approximately (0 for N = 1). */
export function expectedMaxStandardNormal(nTrials: number): number {
  if (!(nTrials >= 1)) return NaN;
  if (nTrials === 1) return 0;
  return (1 - EULER_GAMMA) * normalQuantile(1 - 1 / nTrials) + EULER_GAMMA * normalQuantile(1 - 1 / (nTrials * Math.E));
}

/** Sample variance (ddof = 1); 0 for fewer than two values. */
export function sampleVariance(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  return xs.reduce((a, b) => a + (b - mean) * (b - mean), 0) / (n - 1);
}

/** Expected maximum per-period Sharpe of N unskilled trials whose Sharpes vary as observed. */
export function expectedMaxSharpe(trialSharpes: readonly number[]): number {
  return Math.sqrt(sampleVariance(trialSharpes)) * expectedMaxStandardNormal(trialSharpes.length);
}

export interface DeflatedSharpe {
  /** Trials counted (N). */
  trials: number;
  /** Variance of the trials' per-period Sharpes. */
  sharpeVariance: number;
  /** E[max SR] over N trials: the benchmark SR0 the selected Sharpe is deflated against. */
  expectedMax: number;
  /** Selected trial's moments. */
  selected: ReturnMoments;
  /** PSR against 0. */
  psr: number;
  /** PSR against SR0. */
  dsr: number;
}

/** DSR of the selected trial's returns, deflated by the Sharpes of all N trials (the selected one included). */
export function deflatedSharpe(selected: ArrayLike<number>, trialSharpes: readonly number[]): DeflatedSharpe {
  const m = returnMoments(selected);
  const expectedMax = expectedMaxSharpe(trialSharpes);
  return {
    trials: trialSharpes.length,
    sharpeVariance: sampleVariance(trialSharpes),
    expectedMax,
    selected: m,
    psr: probabilisticSharpe(m, 0),
    dsr: probabilisticSharpe(m, expectedMax),
  };
}

/**
 * Minimum Backtest Length in years: below it, the best of N unskilled trials is expected to reach
 * an annualised Sharpe of `annualSharpe` by chance alone. NaN for N < 2 or a Sharpe <= 0.
 */
export function minBacktestYears(nTrials: number, annualSharpe: number): number {
  if (!(nTrials >= 2) || !(annualSharpe > 0)) return NaN;
  const z = expectedMaxStandardNormal(nTrials);
  return (z / annualSharpe) ** 2;
}
