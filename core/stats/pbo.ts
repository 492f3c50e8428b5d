/**
 * Probability of Backtest Overfitting by combinatorially symmetric cross-validation (CSCV; Bailey,
 * Borwein, López de Prado & Zhu, "The Probability of Backtest Overfitting", J. Computational
 * Finance 2017, SSRN 2326253, 2015). Definitions, also in docs/design.md §6.10:
 *   M      T periods × N trials of per-period returns (aligned on the same periods)
 *   groups S contiguous blocks of rows, block g = rows [⌊gT/S⌋, ⌊(g+1)T/S⌋); S even
 *   splits  every choice of S/2 blocks as in-sample (IS), the other S/2 out-of-sample (OOS), in
 *          lexicographic order of the IS block indices: C(S, S/2) splits
 *   per split  n* = argmax over trials of the IS Sharpe (first on ties); its OOS rank r among N
 *          trials (1 = worst, ties averaged); ω = r / (N + 1); λ = ln(ω / (1 − ω))
 *   PBO    share of splits with λ ≤ 0 (the IS winner is at or below the OOS median)
 * Sharpe is the per-period mean / std (ddof = 1), 0 for a constant block.
 */
import { UserError } from '../errors';

export interface PboOptions {
  /** Number of blocks S (even, at least 2; default 16, reduced to the largest even S ≤ T / 2 when T is short). */
  groups?: number;
}

export interface PboResult {
  pbo: number;
  trials: number;
  periods: number;
  groups: number;
  /** λ per split, in split order. */
  logits: number[];
  /** IS Sharpe of the IS winner and its OOS Sharpe, per split (performance degradation). */
  isSharpe: number[];
  oosSharpe: number[];
  /** Trial index of the IS winner per split. */
  winner: number[];
  /** Share of splits whose IS winner has an OOS Sharpe below 0. */
  probOosLoss: number;
}

/** All k-subsets of 0..n-1 in lexicographic order. */
export function combinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  const c = Array.from({ length: k }, (_, i) => i);
  if (k > n || k < 0) return out;
  for (;;) {
    out.push(c.slice());
    let i = k - 1;
    while (i >= 0 && c[i] === n - k + i) i--;
    if (i < 0) return out;
    c[i]++;
    for (let j = i + 1; j < k; j++) c[j] = c[j - 1] + 1;
  }
}

/** Default S: 16, or the largest even number with at least two periods per block. */
export function defaultPboGroups(periods: number): number {
  const cap = Math.floor(periods / 2);
  return Math.max(2, Math.min(16, cap - (cap % 2)));
}

/** Average 1-based rank of values[i] among values (ascending; ties share the mean rank). */
function averageRank(values: Float64Array, i: number): number {
  let below = 0;
  let equal = 0;
  for (let j = 0; j < values.length; j++) {
    if (values[j] < values[i]) below++;
    else if (values[j] === values[i]) equal++;
  }
  return below + (equal + 1) / 2;
}

export function probabilityOfBacktestOverfitting(
  trials: readonly ArrayLike<number>[],
  opts: PboOptions = {},
): PboResult {
  const N = trials.length;
  if (N < 2) throw new UserError(`PBO needs at least 2 trials to choose from, got ${N}`, { key: 'trials' });
  const T = trials[0].length;
  for (let n = 1; n < N; n++) {
    if (trials[n].length !== T)
      throw new UserError(
        `PBO needs every trial's returns on the same periods: trial 1 has ${T}, trial ${n + 1} has ${trials[n].length}`,
        { key: 'trials' },
      );
  }
  const S = opts.groups ?? defaultPboGroups(T);
  if (!Number.isInteger(S) || S < 2 || S % 2 !== 0)
    throw new UserError(`PBO groups must be an even whole number >= 2, got ${S}`, { key: 'groups' });
  if (S * 2 > T)
    throw new UserError(`PBO with ${S} groups needs at least ${S * 2} periods, the trials have ${T}`, {
      key: 'groups',
    });

  // Per trial and block: count, sum and sum of squares of returns shifted by the trial's mean.
  const bounds = Array.from({ length: S + 1 }, (_, g) => Math.floor((g * T) / S));
  const sums = new Float64Array(N * S);
  const sq = new Float64Array(N * S);
  const shifts = trials.map((r) => {
    let t = 0;
    for (let i = 0; i < T; i++) t += r[i];
    return t / T;
  });
  for (let n = 0; n < N; n++) {
    const r = trials[n];
    const shift = shifts[n];
    for (let g = 0; g < S; g++) {
      let s = 0;
      let q = 0;
      for (let i = bounds[g]; i < bounds[g + 1]; i++) {
        const d = r[i] - shift;
        s += d;
        q += d * d;
      }
      sums[n * S + g] = s;
      sq[n * S + g] = q;
    }
  }
  const sharpe = (n: number, blocks: readonly number[], shift: number): number => {
    let s = 0;
    let q = 0;
    let c = 0;
    for (const g of blocks) {
      s += sums[n * S + g];
      q += sq[n * S + g];
      c += bounds[g + 1] - bounds[g];
    }
    const mean = s / c;
    const v = (q - c * mean * mean) / (c - 1);
    return v > 1e-300 ? (mean + shift) / Math.sqrt(v) : 0;
  };

  const logits: number[] = [];
  const isSharpe: number[] = [];
  const oosSharpe: number[] = [];
  const winner: number[] = [];
  const oos = new Float64Array(N);
  for (const is of combinations(S, S / 2)) {
    const inIs = new Set(is);
    const out = Array.from({ length: S }, (_, g) => g).filter((g) => !inIs.has(g));
    let best = 0;
    let bestIs = -Infinity;
    for (let n = 0; n < N; n++) {
      const v = sharpe(n, is, shifts[n]);
      if (v > bestIs) {
        bestIs = v;
        best = n;
      }
      oos[n] = sharpe(n, out, shifts[n]);
    }
    const w = averageRank(oos, best) / (N + 1);
    logits.push(Math.log(w / (1 - w)));
    isSharpe.push(bestIs);
    oosSharpe.push(oos[best]);
    winner.push(best);
  }
  const k = logits.length;
  return {
    pbo: logits.filter((l) => l <= 0).length / k,
    trials: N,
    periods: T,
    groups: S,
    logits,
    isSharpe,
    oosSharpe,
    winner,
    probOosLoss: oosSharpe.filter((s) => s < 0).length / k,
  };
}
