/**
 * The hot loops, shared by the main thread and the workers: histogram building over a leaf's
 * rows, histogram subtraction (sibling = parent - built child) and best-split search.
 * Every function works on an explicit feature list, so the caller decides how the features are
 * shared out between threads. Each feature's histogram is summed in row order whatever the
 * split between threads, so the trained model does not depend on the thread count.
 *
 * Histogram pool layout: slot s, feature f, bin b -> hist[((s * nFeatures + f) * 256 + b) * 2]
 * holds the gradient sum and the next element the hessian sum.
 */
import { HIST_BINS, MISSING_BIN } from './binning';

export const SLOT_STRIDE_PER_FEATURE = HIST_BINS * 2;
/** Fields per split candidate in a packed result: gain, feature, bin, defaultLeft, leftG, leftH. */
export const CANDIDATE_FIELDS = 6;

/** Per-position data; two sets exist and `SharedArrays.current[0]` says which one is live. */
export interface RowSet {
  /**
   * Packed bins (see binning.ts): feature j at position p is byte j % 4 of bins[p * ceil(nFeatures / 4) + (j >> 2)].
   */
  bins: Uint32Array;
  /** Interleaved gradient / hessian in float32 (as xgboost); histogram sums are float64. */
  gh: Float32Array;
  /** rowOf[p] = original row at position p. */
  rowOf: Uint32Array;
  /** Single-output models keep each row's margin and label here too; empty otherwise. */
  margin: Float64Array;
  label: Float64Array;
}

export interface SharedArrays {
  rows: number;
  nFeatures: number;
  /** Rows in position order (see rows.ts): every tree node owns a contiguous range. */
  sets: [RowSet, RowSet];
  /** current[0] = index of the live set (0 or 1); flipped by each partition. */
  current: Int32Array;
  /** Histogram slots. */
  hist: Float64Array;
  /** Value bins per feature. */
  nBins: Int32Array;
}

export function rowsNow(a: SharedArrays): RowSet {
  return a.sets[a.current[0]];
}

export interface SplitRules {
  lambda: number;
  minChildWeight: number;
}

/**
 * Build the histogram of positions [start, end) into `slot` for the given features (sorted).
 * Per row: one gradient pair, and one packed word per group of four features; groups whose
 * four features are all wanted take the unrolled path.
 */
export function buildHistogram(a: SharedArrays, slot: number, start: number, end: number, features: Int32Array): void {
  const { hist, nFeatures } = a;
  const full: number[] = [];
  const partWord: number[] = [];
  const partShift: number[] = [];
  const partOff: number[] = [];
  for (let k = 0; k < features.length;) {
    const g = features[k] >> 2;
    let e = k;
    while (e < features.length && features[e] >> 2 === g) e++;
    if (e - k === 4) full.push(g);
    else {
      for (let q = k; q < e; q++) {
        partWord.push(g);
        partShift.push((features[q] & 3) << 3);
        partOff.push((slot * nFeatures + features[q]) * SLOT_STRIDE_PER_FEATURE);
      }
    }
    k = e;
  }
  for (let k = 0; k < features.length; k++) {
    const o = (slot * nFeatures + features[k]) * SLOT_STRIDE_PER_FEATURE;
    hist.fill(0, o, o + SLOT_STRIDE_PER_FEATURE);
  }
  const fullWords = Int32Array.from(full);
  const fullOffs = Int32Array.from(full, (g) => (slot * nFeatures + 4 * g) * SLOT_STRIDE_PER_FEATURE);
  if (fullWords.length) buildFull(a, start, end, fullWords, fullOffs);
  if (partWord.length)
    buildLanes(a, start, end, Int32Array.from(partWord), Int32Array.from(partShift), Int32Array.from(partOff));
}

function buildFull(a: SharedArrays, start: number, end: number, words: Int32Array, offs: Int32Array): void {
  const { bins, gh } = rowsNow(a);
  const hist = a.hist;
  const stride = Math.ceil(a.nFeatures / 4);
  const nWords = words.length;
  const S = SLOT_STRIDE_PER_FEATURE;
  for (let p = start; p < end; p++) {
    const g = gh[2 * p];
    const h = gh[2 * p + 1];
    const row = p * stride;
    for (let k = 0; k < nWords; k++) {
      const w = bins[row + words[k]];
      const h0 = offs[k];
      let b = h0 + ((w & 255) << 1);
      hist[b] += g;
      hist[b + 1] += h;
      b = h0 + S + ((w >>> 7) & 510);
      hist[b] += g;
      hist[b + 1] += h;
      b = h0 + 2 * S + ((w >>> 15) & 510);
      hist[b] += g;
      hist[b + 1] += h;
      b = h0 + 3 * S + ((w >>> 23) & 510);
      hist[b] += g;
      hist[b + 1] += h;
    }
  }
}

/** Single features out of partly wanted groups: word, bit shift and histogram offset each. */
function buildLanes(
  a: SharedArrays,
  start: number,
  end: number,
  words: Int32Array,
  shifts: Int32Array,
  offs: Int32Array,
): void {
  const { bins, gh } = rowsNow(a);
  const hist = a.hist;
  const stride = Math.ceil(a.nFeatures / 4);
  const n = words.length;
  for (let p = start; p < end; p++) {
    const g = gh[2 * p];
    const h = gh[2 * p + 1];
    const row = p * stride;
    for (let k = 0; k < n; k++) {
      const b = offs[k] + (((bins[row + words[k]] >>> shifts[k]) & 255) << 1);
      hist[b] += g;
      hist[b + 1] += h;
    }
  }
}

/** hist[parentSlot] -= hist[childSlot] for the given features: the parent slot now holds the sibling. */
export function subtractHistogram(a: SharedArrays, parentSlot: number, childSlot: number, features: Int32Array): void {
  const { hist, nFeatures } = a;
  for (let k = 0; k < features.length; k++) {
    const p = (parentSlot * nFeatures + features[k]) * SLOT_STRIDE_PER_FEATURE;
    const c = (childSlot * nFeatures + features[k]) * SLOT_STRIDE_PER_FEATURE;
    for (let b = 0; b < SLOT_STRIDE_PER_FEATURE; b++) hist[p + b] -= hist[c + b];
  }
}

/**
 * Best split of a node over the given features (optionally restricted by a per-node mask),
 * written into out[at .. at+CANDIDATE_FIELDS). Gain is the xgboost loss change
 * GL^2/(HL+l) + GR^2/(HR+l) - G^2/(H+l); -Infinity when no split satisfies min_child_weight.
 * Ties keep the earlier feature, the lower bin, and "missing right" before "missing left".
 */
export function bestSplit(
  a: SharedArrays,
  rules: SplitRules,
  slot: number,
  sumG: number,
  sumH: number,
  features: Int32Array,
  mask: Uint8Array | undefined,
  out: Float64Array,
  at: number,
): void {
  const { hist, nFeatures, nBins } = a;
  const { lambda, minChildWeight } = rules;
  const minH = minChildWeight > 0 ? minChildWeight : 1e-300;
  const parent = (sumG * sumG) / (sumH + lambda);
  let bestGain = -Infinity;
  let bestFeature = -1;
  let bestBin = -1;
  let bestDefaultLeft = 0;
  let bestGL = 0;
  let bestHL = 0;
  for (let k = 0; k < features.length; k++) {
    const f = features[k];
    if (mask && !mask[f]) continue;
    const base = (slot * nFeatures + f) * SLOT_STRIDE_PER_FEATURE;
    const gm = hist[base + 2 * MISSING_BIN];
    const hm = hist[base + 2 * MISSING_BIN + 1];
    const hasMissing = hm > 0;
    const last = nBins[f] - 1;
    let gl = 0;
    let hl = 0;
    for (let b = 0; b < last; b++) {
      gl += hist[base + 2 * b];
      hl += hist[base + 2 * b + 1];
      // Missing values go right.
      let hr = sumH - hl;
      if (hl >= minH && hr >= minH) {
        const gr = sumG - gl;
        const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parent;
        if (gain > bestGain || (gain === bestGain && f < bestFeature)) {
          bestGain = gain;
          bestFeature = f;
          bestBin = b;
          // Without missing values in the node, unseen NaNs follow the heavier side.
          bestDefaultLeft = !hasMissing && hl > hr ? 1 : 0;
          bestGL = gl;
          bestHL = hl;
        }
      }
      if (!hasMissing) continue;
      // Missing values go left.
      const gl2 = gl + gm;
      const hl2 = hl + hm;
      hr = sumH - hl2;
      if (hl2 >= minH && hr >= minH) {
        const gr = sumG - gl2;
        const gain = (gl2 * gl2) / (hl2 + lambda) + (gr * gr) / (hr + lambda) - parent;
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = f;
          bestBin = b;
          bestDefaultLeft = 1;
          bestGL = gl2;
          bestHL = hl2;
        }
      }
    }
    // All present values left, missing right: only meaningful when the node has missing values.
    if (hasMissing && last >= 0) {
      const hl2 = sumH - hm;
      if (hl2 >= minH && hm >= minH) {
        const gl2 = sumG - gm;
        const gain = (gl2 * gl2) / (hl2 + lambda) + (gm * gm) / (hm + lambda) - parent;
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = f;
          bestBin = last;
          bestDefaultLeft = 0;
          bestGL = gl2;
          bestHL = hl2;
        }
      }
    }
  }
  out[at] = bestGain;
  out[at + 1] = bestFeature;
  out[at + 2] = bestBin;
  out[at + 3] = bestDefaultLeft;
  out[at + 4] = bestGL;
  out[at + 5] = bestHL;
}
