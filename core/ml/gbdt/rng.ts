/**
 * Seeded randomness of the tree learners (row and column sampling), on the project's PRNG
 * (core/ml/rng.ts): same seed, same stream, on every platform.
 */
import { mulberry32, type Rng } from '../rng';

export class GbdtRng {
  private readonly draw: Rng;

  constructor(seed: number) {
    this.draw = mulberry32(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.draw();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.draw() * n);
  }

  /** `k` distinct indices out of [0, n), sorted ascending (partial Fisher-Yates). */
  choose(n: number, k: number): Int32Array {
    const all = new Int32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    for (let i = 0; i < k; i++) {
      const j = i + this.int(n - i);
      const t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    return all.slice(0, k).sort();
  }
}
