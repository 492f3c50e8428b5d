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

export interface SharedArrays {
  rows: number;
  nFeatures: number;
  /** Column-major bins. */
  bins: Uint8Array;
  /** Interleaved gradient / hessian per row. */
  gh: Float64Array;
  /** Row indices, partitioned so that each tree node owns a contiguous range. */
  index: Uint32Array;
  /** Histogram slots. */
  hist: Float64Array;
  /** Value bins per feature. */
  nBins: Int32Array;
}

export interface SplitRules {
  lambda: number;
  minChildWeight: number;
}

/** Build the histogram of rows index[start, end) into `slot`, for the given features. */
export function buildHistogram(a: SharedArrays, slot: number, start: number, end: number, features: Int32Array): void {
  const { hist, nFeatures } = a;
  let k = 0;
  for (; k + 4 <= features.length; k += 4) {
    const f0 = features[k];
    const f1 = features[k + 1];
    const f2 = features[k + 2];
    const f3 = features[k + 3];
    for (const f of [f0, f1, f2, f3]) {
      const base = (slot * nFeatures + f) * SLOT_STRIDE_PER_FEATURE;
      hist.fill(0, base, base + SLOT_STRIDE_PER_FEATURE);
    }
    build4(a, slot, start, end, f0, f1, f2, f3);
  }
  for (; k < features.length; k++) {
    const base = (slot * nFeatures + features[k]) * SLOT_STRIDE_PER_FEATURE;
    hist.fill(0, base, base + SLOT_STRIDE_PER_FEATURE);
    build1(a, slot, start, end, features[k]);
  }
}

function build4(a: SharedArrays, slot: number, start: number, end: number, f0: number, f1: number, f2: number, f3: number): void {
  const { bins, gh, index, hist, rows, nFeatures } = a;
  const h0 = (slot * nFeatures + f0) * SLOT_STRIDE_PER_FEATURE;
  const h1 = (slot * nFeatures + f1) * SLOT_STRIDE_PER_FEATURE;
  const h2 = (slot * nFeatures + f2) * SLOT_STRIDE_PER_FEATURE;
  const h3 = (slot * nFeatures + f3) * SLOT_STRIDE_PER_FEATURE;
  const o0 = f0 * rows;
  const o1 = f1 * rows;
  const o2 = f2 * rows;
  const o3 = f3 * rows;
  for (let i = start; i < end; i++) {
    const r = index[i];
    const g = gh[2 * r];
    const h = gh[2 * r + 1];
    const b0 = h0 + 2 * bins[o0 + r];
    hist[b0] += g;
    hist[b0 + 1] += h;
    const b1 = h1 + 2 * bins[o1 + r];
    hist[b1] += g;
    hist[b1 + 1] += h;
    const b2 = h2 + 2 * bins[o2 + r];
    hist[b2] += g;
    hist[b2 + 1] += h;
    const b3 = h3 + 2 * bins[o3 + r];
    hist[b3] += g;
    hist[b3 + 1] += h;
  }
}

function build1(a: SharedArrays, slot: number, start: number, end: number, f: number): void {
  const { bins, gh, index, hist, rows, nFeatures } = a;
  const h0 = (slot * nFeatures + f) * SLOT_STRIDE_PER_FEATURE;
  const o0 = f * rows;
  for (let i = start; i < end; i++) {
    const r = index[i];
    const b0 = h0 + 2 * bins[o0 + r];
    hist[b0] += gh[2 * r];
    hist[b0 + 1] += gh[2 * r + 1];
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

/** Stable in-place partition of index[start, end) by a split; returns the number of rows sent left. */
export function partitionRows(
  a: Pick<SharedArrays, 'bins' | 'index' | 'rows'>,
  start: number,
  end: number,
  feature: number,
  bin: number,
  defaultLeft: boolean,
  scratch: Uint32Array,
): number {
  const { bins, index } = a;
  const off = feature * a.rows;
  let l = start;
  let r = 0;
  for (let i = start; i < end; i++) {
    const row = index[i];
    const b = bins[off + row];
    const left = b === MISSING_BIN ? defaultLeft : b <= bin;
    if (left) index[l++] = row;
    else scratch[r++] = row;
  }
  index.set(scratch.subarray(0, r), l);
  return l - start;
}
