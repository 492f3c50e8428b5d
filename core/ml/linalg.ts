/**
 * Dense linear algebra for small symmetric systems (p up to a few hundred): Gram accumulation
 * over row blocks, Cholesky with singularity detection, and an equilibrated solve.
 * Matrices are row-major Float64Arrays of n*n entries.
 */

/** Rows handed to `accumulateGram` at a time: big enough to amortise calls, small enough for cache. */
export const BLOCK_ROWS = 256;

/**
 * Fills `out` (row-major, (end - start) rows of `width` values) with the design rows [start, end).
 * Lets a caller stream a design that is never materialised whole (e.g. a polynomial expansion).
 */
export type RowFiller = (start: number, end: number, out: Float64Array) => void;

/** Per-column means of a streamed design, one pass. */
export function designMeans(rows: number, width: number, fill: RowFiller): Float64Array {
  const sums = new Float64Array(width);
  const block = new Float64Array(BLOCK_ROWS * width);
  for (let start = 0; start < rows; start += BLOCK_ROWS) {
    const end = Math.min(rows, start + BLOCK_ROWS);
    fill(start, end, block);
    for (let r = 0, m = end - start; r < m; r++) {
      const o = r * width;
      for (let j = 0; j < width; j++) sums[j] += block[o + j];
    }
  }
  for (let j = 0; j < width; j++) sums[j] /= rows;
  return sums;
}

/**
 * Centred cross-products of a streamed design B (rows x width) and targets Y (rows x t):
 * gram = (B - mean)^T (B - mean) (full symmetric), cross[t][j] = sum_i (B_ij - mean_j)(Y_it - yMean_t).
 * Each row block is transposed to columns, then column pairs are multiplied two by two (four
 * running sums in registers): about 3x faster than rank-one row updates.
 */
export function accumulateGram(
  rows: number,
  width: number,
  fill: RowFiller,
  means: Float64Array,
  targets: readonly Float64Array[] = [],
  targetMeans: readonly number[] = [],
): { gram: Float64Array; cross: Float64Array[] } {
  const q = width;
  const B = BLOCK_ROWS;
  const gram = new Float64Array(q * q);
  const cross = targets.map(() => new Float64Array(q));
  const block = new Float64Array(B * q);
  const T = new Float64Array(B * q);
  const yc = new Float64Array(B);
  for (let start = 0; start < rows; start += B) {
    const end = Math.min(rows, start + B);
    const m = end - start;
    fill(start, end, block);
    for (let r = 0; r < m; r++) {
      const o = r * q;
      for (let j = 0; j < q; j++) T[j * B + r] = block[o + j] - means[j];
    }
    for (let j = 0; j < q; j += 2) {
      const j1 = Math.min(j + 1, q - 1);
      const oj = j * B;
      const oj1 = j1 * B;
      for (let k = 0; k <= j1; k += 2) {
        const k1 = Math.min(k + 1, q - 1);
        const ok = k * B;
        const ok1 = k1 * B;
        let a00 = 0,
          a01 = 0,
          a10 = 0,
          a11 = 0;
        for (let r = 0; r < m; r++) {
          const x0 = T[oj + r],
            x1 = T[oj1 + r],
            y0 = T[ok + r],
            y1 = T[ok1 + r];
          a00 += x0 * y0;
          a01 += x0 * y1;
          a10 += x1 * y0;
          a11 += x1 * y1;
        }
        // Lower triangle only (k <= j); the clamps above repeat the last column when q is odd.
        gram[j * q + k] += a00;
        if (k1 !== k && k1 <= j) gram[j * q + k1] += a01;
        if (j1 !== j) {
          gram[j1 * q + k] += a10;
          if (k1 !== k) gram[j1 * q + k1] += a11;
        }
      }
    }
    for (let t = 0; t < targets.length; t++) {
      const y = targets[t];
      const ym = targetMeans[t];
      for (let r = 0; r < m; r++) yc[r] = y[start + r] - ym;
      const c = cross[t];
      for (let j = 0; j < q; j++) {
        const oj = j * B;
        let acc = 0;
        for (let r = 0; r < m; r++) acc += T[oj + r] * yc[r];
        c[j] += acc;
      }
    }
  }
  for (let j = 0; j < q; j++) for (let k = 0; k < j; k++) gram[k * q + j] = gram[j * q + k];
  return { gram, cross };
}

/**
 * In-place Cholesky A = L L^T (lower triangle of `a` overwritten with L; the upper part is left
 * as is). Fails at the first pivot that is not clearly positive relative to that diagonal entry
 * (`relTol`), which is how a singular or near-singular system shows itself.
 */
export function choleskyInPlace(
  a: Float64Array,
  n: number,
  relTol = 1e-11,
): { ok: true } | { ok: false; index: number } {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    const original = a[rj + j];
    let d = original;
    for (let k = 0; k < j; k++) d -= a[rj + k] * a[rj + k];
    if (!(d > relTol * Math.max(Math.abs(original), Number.MIN_VALUE)) || !Number.isFinite(d))
      return { ok: false, index: j };
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= a[ri + k] * a[rj + k];
      a[ri + j] = s / ljj;
    }
  }
  return { ok: true };
}

/** Solves L L^T x = b in place (b becomes x), with L from `choleskyInPlace`. */
export function choleskySolveInPlace(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[ri + k] * b[k];
    b[i] = s / l[ri + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * b[k];
    b[i] = s / l[i * n + i];
  }
}

/**
 * Solves the symmetric positive definite system A x = b for each right-hand side, after
 * equilibrating A to unit diagonal (D^-1 A D^-1), which makes the singularity test scale-free
 * (a duplicated or constant column shows as a vanishing pivot whatever the units).
 * `a` is not modified. Returns the index of the offending row when A is (numerically) singular.
 */
export function solveSpd(
  a: Float64Array,
  n: number,
  rhs: readonly Float64Array[],
  relTol = 1e-11,
): { ok: true; x: Float64Array[] } | { ok: false; index: number } {
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = a[i * n + i];
    d[i] = v > 0 && Number.isFinite(v) ? Math.sqrt(v) : 1;
  }
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = a[i * n + j] / (d[i] * d[j]);
  const f = choleskyInPlace(m, n, relTol);
  if (!f.ok) return f;
  const x = rhs.map((b) => {
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = b[i] / d[i];
    choleskySolveInPlace(m, n, y);
    for (let i = 0; i < n; i++) y[i] /= d[i];
    return y;
  });
  return { ok: true, x };
}

/** Copies column-major columns into one row-major array (rows x columns.length). */
export function toRowMajor(columns: readonly Float64Array[], rows: number): Float64Array {
  const p = columns.length;
  const out = new Float64Array(rows * p);
  for (let j = 0; j < p; j++) {
    const c = columns[j];
    for (let i = 0; i < rows; i++) out[i * p + j] = c[i];
  }
  return out;
}
