/**
 * Tree-structured Parzen Estimator suggestion step. Observed trials are sorted by loss (lower
 * is better; failed trials count as worst) and split: the best ceil(gamma * n) (at most 25) are
 * "good", the rest "bad". Per parameter, l(x) is fitted to the good values and g(x) to the bad;
 * `nCandidates` values are drawn from l and the one maximising log l(x) - log g(x) is kept.
 * Parameters are independent (the score is a sum over parameters, so the per-parameter argmax
 * is the joint argmax over independently drawn candidates).
 */
import type { Params } from '../model';
import type { SeededRng as Rng } from '../rng';
import {
  fitCategoricalParzen,
  fitNumericParzen,
  logPdfNumericParzen,
  sampleCategorical,
  sampleNumericParzen,
} from './parzen';
import { fromInternal, internalBounds, isNumericDomain, toInternal, type Choice, type SearchSpace } from './space';

export interface Observation {
  params: Params;
  /** Lower is better; NaN or Infinity for a failed trial. */
  loss: number;
}

export interface TpeOptions {
  gamma: number;
  nCandidates: number;
}

export const TPE_DEFAULTS: TpeOptions = { gamma: 0.1, nCandidates: 24 };

/** Split sizes: how many of n observations count as good. */
export function goodCount(n: number, gamma: number): number {
  return Math.max(1, Math.min(25, Math.ceil(gamma * n)));
}

export function suggestTpe(
  space: SearchSpace,
  history: readonly Observation[],
  rng: Rng,
  opts: TpeOptions = TPE_DEFAULTS,
): Params {
  const ranked = [...history].sort((a, b) => compareLoss(a.loss, b.loss));
  const nGood = goodCount(ranked.length, opts.gamma);
  const good = ranked.slice(0, nGood);
  const bad = ranked.slice(nGood);
  const out: Params = {};
  for (const [name, d] of Object.entries(space)) {
    if (isNumericDomain(d)) {
      const [lo, hi] = internalBounds(d);
      const values = (obs: readonly Observation[]): number[] => obs.map((o) => toInternal(d, Number(o.params[name])));
      const l = fitNumericParzen(values(good), lo, hi);
      const g = fitNumericParzen(values(bad), lo, hi);
      let best = NaN;
      let bestScore = -Infinity;
      for (let c = 0; c < opts.nCandidates; c++) {
        const x = sampleNumericParzen(l, rng);
        const score = logPdfNumericParzen(l, x) - logPdfNumericParzen(g, x);
        if (score > bestScore) {
          bestScore = score;
          best = x;
        }
      }
      out[name] = fromInternal(d, best);
    } else {
      const choices = d as readonly Choice[];
      const index = (obs: readonly Observation[]): number[] =>
        obs.map((o) => choices.indexOf(o.params[name])).filter((i) => i >= 0);
      const l = fitCategoricalParzen(index(good), choices.length);
      const g = fitCategoricalParzen(index(bad), choices.length);
      let best = 0;
      let bestScore = -Infinity;
      for (let c = 0; c < opts.nCandidates; c++) {
        const i = sampleCategorical(l, rng);
        const score = Math.log(l[i]) - Math.log(g[i]);
        if (score > bestScore) {
          bestScore = score;
          best = i;
        }
      }
      out[name] = choices[best];
    }
  }
  return out;
}

/** Ascending loss; failed trials (NaN, +-Infinity) last; ties keep trial order. */
function compareLoss(a: number, b: number): number {
  const x = Number.isFinite(a) ? a : Infinity;
  const y = Number.isFinite(b) ? b : Infinity;
  return x === y ? 0 : x < y ? -1 : 1;
}
