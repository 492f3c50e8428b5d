/**
 * Quantile binning: per-feature cut points from a row sample, and the binned matrix: one uint8
 * per value, packed four features to a uint32, row-major (feature j of row r is byte j % 4 of
 * data[r * nGroups + (j >> 2)]): one load serves four histograms and a row's bins share a
 * cache line, which matters when a deep node gathers scattered rows. Value bins are 0..nBins-1 with
 * nBins <= 255; NaN goes to the reserved bin MISSING_BIN. A value v falls in the first bin b
 * with v <= cuts[b] (the last bin takes everything above the last cut), so "bin <= b" and
 * "v <= cuts[b]" route a row the same way: trees trained on bins predict on raw values.
 */
import { SeededRng } from '../rng';

export const MISSING_BIN = 255;
/** Histogram slots per feature: 255 value bins at most + the missing bin. */
export const HIST_BINS = 256;
/** Rows used to find cut points; more rows change the quantiles very little. */
export const CUT_SAMPLE_ROWS = 200_000;

export interface BinnedMatrix {
  rows: number;
  nFeatures: number;
  /** Feature groups of four: ceil(nFeatures / 4). */
  nGroups: number;
  /** Packed bins, length nGroups * rows (backed by a SharedArrayBuffer when shared). */
  data: Uint32Array;
}

/** Cut points of one feature from the given (sampled) values. NaNs are ignored. */
export function computeCuts(values: Float64Array, maxBin: number): Float64Array {
  let m = 0;
  const sorted = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) sorted[m++] = values[i];
  const vals = sorted.subarray(0, m).sort();
  if (m === 0) return new Float64Array(0);
  let unique = 1;
  for (let i = 1; i < m; i++) if (vals[i] !== vals[i - 1]) unique++;
  const cuts: number[] = [];
  if (unique <= maxBin) {
    // One bin per distinct value; cut halfway so unseen values in between split evenly.
    let prev = vals[0];
    for (let i = 1; i < m; i++) {
      if (vals[i] !== prev) {
        cuts.push(prev / 2 + vals[i] / 2);
        prev = vals[i];
      }
    }
  } else {
    for (let i = 1; i < maxBin; i++) {
      const c = vals[Math.max(0, Math.round((i * m) / maxBin) - 1)];
      if (c < vals[m - 1] && (cuts.length === 0 || c > cuts[cuts.length - 1])) cuts.push(c);
    }
  }
  return Float64Array.from(cuts);
}

/** Row indices for cut finding: all rows when few, else a seeded sample (sorted). */
export function cutSampleRows(rows: number, seed: number, limit = CUT_SAMPLE_ROWS): Int32Array | undefined {
  if (rows <= limit) return undefined;
  return new SeededRng(seed ^ 0x5bd1e995).choose(rows, limit);
}

export function computeAllCuts(
  columns: readonly Float64Array[],
  maxBin: number,
  sample: Int32Array | undefined,
): Float64Array[] {
  return columns.map((col) => {
    if (!sample) return computeCuts(col, maxBin);
    const picked = new Float64Array(sample.length);
    for (let i = 0; i < sample.length; i++) picked[i] = col[sample[i]];
    return computeCuts(picked, maxBin);
  });
}

/** The bin of one value: binary search for the first cut >= v. */
export function binOf(v: number, cuts: Float64Array): number {
  if (v !== v) return MISSING_BIN;
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cuts[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Bin one column into out[offset + i]. */
export function binColumn(col: Float64Array, cuts: Float64Array, out: Uint8Array, offset: number): void {
  // Branch-free binary search over the cuts padded to 256 with +Infinity: b = #cuts < v.
  const p = new Float64Array(256).fill(Infinity);
  p.set(cuts.subarray(0, 255));
  const n = col.length;
  for (let i = 0; i < n; i++) {
    const v = col[i];
    // `+(x < v)` compiles to a flag move, not a branch: 5x faster than `?:` on random data.
    let b = 128 * +(p[127] < v);
    b += 64 * +(p[b + 63] < v);
    b += 32 * +(p[b + 31] < v);
    b += 16 * +(p[b + 15] < v);
    b += 8 * +(p[b + 7] < v);
    b += 4 * +(p[b + 3] < v);
    b += 2 * +(p[b + 1] < v);
    b += +(p[b] < v);
    out[offset + i] = v !== v ? MISSING_BIN : b;
  }
}

/** Bin every column with the given cuts, into shared memory when `shared` is set. */
export function binMatrix(
  columns: readonly Float64Array[],
  rows: number,
  cuts: readonly Float64Array[],
  shared: boolean,
): BinnedMatrix {
  const nGroups = Math.ceil(columns.length / 4);
  const words = nGroups * rows;
  const data = shared ? new Uint32Array(new SharedArrayBuffer(Math.max(4, words * 4))) : new Uint32Array(words);
  const byColumn = new Uint8Array(rows * columns.length);
  const zeros = new Uint8Array(rows);
  for (let j = 0; j < columns.length; j++) binColumn(columns[j], cuts[j], byColumn, j * rows);
  const lane = (j: number): Uint8Array => (j < columns.length ? byColumn.subarray(j * rows, (j + 1) * rows) : zeros);
  for (let g = 0; g < nGroups; g++) {
    const [b0, b1, b2, b3] = [lane(4 * g), lane(4 * g + 1), lane(4 * g + 2), lane(4 * g + 3)];
    for (let i = 0; i < rows; i++) data[i * nGroups + g] = b0[i] | (b1[i] << 8) | (b2[i] << 16) | (b3[i] << 24);
  }
  return { rows, nFeatures: columns.length, nGroups, data };
}
