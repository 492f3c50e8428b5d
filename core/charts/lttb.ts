/**
 * Largest-Triangle-Three-Buckets downsampling (Steinarsson 2013): keeps the first and last point
 * and, per bucket, the point forming the largest triangle with the previously kept point and the
 * mean of the next bucket. O(n), visually faithful for line charts (peaks and troughs survive).
 * Points with a non-finite x or y are skipped. Input must be ordered by x (per group).
 */
import type { ChartColumns } from './types';

/** Indices (ascending, into `x`/`y`) of at most `threshold` points of the series. */
export function lttbIndices(x: ArrayLike<number>, y: ArrayLike<number>, threshold: number): Uint32Array {
  const n = Math.min(x.length, y.length);
  const finite = new Uint32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) if (Number.isFinite(x[i]) && Number.isFinite(y[i])) finite[m++] = i;
  return lttbOf(finite.subarray(0, m), x, y, threshold);
}

/** LTTB over a subset of points given by ascending `idx` (all finite). */
export function lttbOf(idx: Uint32Array, x: ArrayLike<number>, y: ArrayLike<number>, threshold: number): Uint32Array {
  const n = idx.length;
  const keep = Math.max(0, Math.floor(threshold));
  if (keep >= n || n <= 2) return idx.slice();
  if (keep === 0) return new Uint32Array(0);
  if (keep === 1) return Uint32Array.of(idx[0]);
  if (keep === 2) return Uint32Array.of(idx[0], idx[n - 1]);
  const out = new Uint32Array(keep);
  const every = (n - 2) / (keep - 2);
  let a = 0;
  out[0] = idx[0];
  for (let b = 0; b < keep - 2; b++) {
    // Mean of the next bucket (the last point for the final bucket).
    let avgStart = Math.floor((b + 1) * every) + 1;
    let avgEnd = Math.min(Math.floor((b + 2) * every) + 1, n);
    if (avgStart >= n) {
      avgStart = n - 1;
      avgEnd = n;
    }
    let ax = 0;
    let ay = 0;
    for (let j = avgStart; j < avgEnd; j++) {
      ax += x[idx[j]];
      ay += y[idx[j]];
    }
    const len = avgEnd - avgStart;
    ax /= len;
    ay /= len;
    const start = Math.floor(b * every) + 1;
    const end = Math.floor((b + 1) * every) + 1;
    const px = x[idx[a]];
    const py = y[idx[a]];
    let best = -1;
    let chosen = start;
    for (let j = start; j < end; j++) {
      const area = Math.abs((px - ax) * (y[idx[j]] - py) - (px - x[idx[j]]) * (ay - py));
      if (area > best) {
        best = area;
        chosen = j;
      }
    }
    out[b + 1] = idx[chosen];
    a = chosen;
  }
  out[keep - 1] = idx[n - 1];
  return out;
}

/**
 * LTTB per group (e.g. per symbol or per run): at most `threshold` points of each group, indices
 * ascending over the whole input. Groups keep their order of first appearance.
 */
export function lttbByGroup(
  groups: ArrayLike<unknown>,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  threshold: number,
): Uint32Array {
  const n = Math.min(groups.length, x.length, y.length);
  const members = new Map<unknown, number[]>();
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) continue;
    const g = groups[i];
    let list = members.get(g);
    if (!list) members.set(g, (list = []));
    list.push(i);
  }
  const parts: Uint32Array[] = [];
  let total = 0;
  for (const list of members.values()) {
    const kept = lttbOf(Uint32Array.from(list), x, y, threshold);
    parts.push(kept);
    total += kept.length;
  }
  const out = new Uint32Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out.sort();
}

/** Picks `indices` out of every column (numeric typed arrays come back as Float64Array). */
export function takeRows(cols: ChartColumns, indices: Uint32Array): ChartColumns {
  const out: ChartColumns = {};
  for (const [name, col] of Object.entries(cols)) {
    if (ArrayBuffer.isView(col)) {
      const t = new Float64Array(indices.length);
      for (let i = 0; i < indices.length; i++) t[i] = col[indices[i]];
      out[name] = t;
    } else {
      const src = col as readonly unknown[];
      const t = new Array<unknown>(indices.length);
      for (let i = 0; i < indices.length; i++) t[i] = src[indices[i]];
      out[name] = t as ChartColumns[string];
    }
  }
  return out;
}
