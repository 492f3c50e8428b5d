/**
 * Quantile binning: per-feature cut points from a row sample, and the binned matrix as uint8,
 * column-major (feature j occupies bytes [j*rows, (j+1)*rows)). Value bins are 0..nBins-1 with
 * nBins <= 255; NaN goes to the reserved bin MISSING_BIN. A value v falls in the first bin b
 * with v <= cuts[b] (the last bin takes everything above the last cut), so "bin <= b" and
 * "v <= cuts[b]" route a row the same way: trees trained on bins predict on raw values.
 */
import { GbdtRng } from './rng';

export const MISSING_BIN = 255;
/** Histogram slots per feature: 255 value bins at most + the missing bin. */
export const HIST_BINS = 256;
/** Rows used to find cut points; more rows change the quantiles very little. */
export const CUT_SAMPLE_ROWS = 200_000;

export interface BinnedMatrix {
  rows: number;
  nFeatures: number;
  /** Column-major bins, length rows * nFeatures (backed by a SharedArrayBuffer when shared). */
  data: Uint8Array;
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
  return new GbdtRng(seed ^ 0x5bd1e995).choose(rows, limit);
}

export function computeAllCuts(columns: readonly Float64Array[], maxBin: number, sample: Int32Array | undefined): Float64Array[] {
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

export function binColumn(col: Float64Array, cuts: Float64Array, out: Uint8Array, offset: number): void {
  const n = col.length;
  const k = cuts.length;
  for (let i = 0; i < n; i++) {
    const v = col[i];
    if (v !== v) {
      out[offset + i] = MISSING_BIN;
      continue;
    }
    let lo = 0;
    let hi = k;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cuts[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    out[offset + i] = lo;
  }
}

/** Bin every column with the given cuts, into shared memory when `shared` is set. */
export function binMatrix(columns: readonly Float64Array[], rows: number, cuts: readonly Float64Array[], shared: boolean): BinnedMatrix {
  const bytes = rows * columns.length;
  const data = shared ? new Uint8Array(new SharedArrayBuffer(Math.max(1, bytes))) : new Uint8Array(bytes);
  for (let j = 0; j < columns.length; j++) binColumn(columns[j], cuts[j], data, j * rows);
  return { rows, nFeatures: columns.length, data };
}
