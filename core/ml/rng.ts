/**
 * Small seeded pseudo-random numbers for ML code (bootstrap, shuffles, subsampling).
 * mulberry32: 32-bit state, fast, good enough for resampling; the same seed gives the same
 * stream on every platform (integer arithmetic only until the final division).
 */

/** A uniform draw in [0, 1). */
export type Rng = () => number;

/** Normalises any number (negative, float, > 2^32) to a 32-bit unsigned seed. */
export function seedToUint32(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const s = Math.trunc(seed);
  // Fold the high bits in so that seeds differing only above 2^32 still differ.
  const hi = Math.floor(s / 4294967296);
  return ((s >>> 0) ^ Math.imul(hi | 0, 0x9e3779b1)) >>> 0;
}

export function mulberry32(seed: number): Rng {
  let a = seedToUint32(seed);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates shuffle in place; returns the same array. */
export function shuffle<T extends { length: number; [i: number]: unknown }>(arr: T, rng: Rng): T {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const tmp = arr[i];
    arr[i] = arr[j];
    arr[j] = tmp;
  }
  return arr;
}

/** 0..n-1 in a random order. */
export function permutation(n: number, rng: Rng): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return shuffle(out, rng);
}

/**
 * k distinct indices from 0..n-1, in increasing order (so that a subsample keeps time order).
 * Floyd's algorithm when k is small next to n, a partial shuffle otherwise.
 */
export function sampleWithoutReplacement(n: number, k: number, rng: Rng): Uint32Array {
  if (!Number.isInteger(n) || !Number.isInteger(k) || k < 0 || n < 0)
    throw new RangeError(`bad sample size k=${k} of n=${n}`);
  if (k > n) throw new RangeError(`cannot draw ${k} distinct indices from ${n}`);
  let out: Uint32Array;
  if (k * 4 < n) {
    const chosen = new Set<number>();
    for (let j = n - k; j < n; j++) {
      const t = Math.floor(rng() * (j + 1));
      chosen.add(chosen.has(t) ? j : t);
    }
    out = Uint32Array.from(chosen);
  } else {
    const all = new Uint32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(rng() * (n - i));
      const tmp = all[i];
      all[i] = all[j];
      all[j] = tmp;
    }
    out = all.slice(0, k);
  }
  return out.sort();
}

/**
 * The seeded random source of splitters, tuning and the tree learners: `next`, `int`, `normal` and
 * `choose` over one mulberry32 stream, so the same seed gives the same folds, trials and trees.
 */
export class SeededRng {
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

  /** Standard normal (Box-Muller). */
  normal(): number {
    let u = this.next();
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
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
