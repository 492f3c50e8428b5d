/**
 * The random draws splitters and tuning need, over the project's seeded generator
 * (core/ml/rng.ts, mulberry32): the same seed gives the same folds and trials everywhere.
 */
import { mulberry32 } from '../rng';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
}

export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  return {
    next,
    int: (n: number): number => Math.floor(next() * n),
    normal: (): number => {
      let u = next();
      while (u === 0) u = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
  };
}
