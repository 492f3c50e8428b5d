/** Column statistics for the grid's stats row: computed on demand, one pass (plus a sort for quantiles). */
import { Type, type Vector } from 'apache-arrow';
import { isNumericType, isTemporalType, numericColumn, textColumn } from '../chart/arrowData';

export type ColumnStats =
  | {
      kind: 'number';
      count: number;
      nulls: number;
      min: number;
      max: number;
      mean: number;
      std: number;
      median: number;
      nan: number;
    }
  | { kind: 'temporal'; count: number; nulls: number; min: number; max: number }
  | { kind: 'bool'; count: number; nulls: number; trues: number; falses: number }
  | { kind: 'text'; count: number; nulls: number; distinct: number; top: [string, number][] };

function quantileSorted(s: Float64Array, q: number): number {
  if (!s.length) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export function columnStats(v: Vector): ColumnStats {
  const n = v.length;
  const nulls = v.nullCount;
  if (isTemporalType(v.type)) {
    const x = numericColumn(v);
    let min = Infinity;
    let max = -Infinity;
    for (const t of x) {
      if (Number.isNaN(t)) continue;
      if (t < min) min = t;
      if (t > max) max = t;
    }
    return { kind: 'temporal', count: n, nulls, min, max };
  }
  if (isNumericType(v.type)) {
    const x = numericColumn(v);
    let count = 0;
    let nan = 0;
    let mean = 0;
    let m2 = 0;
    let min = Infinity;
    let max = -Infinity;
    const finite = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const t = x[i];
      if (!v.isValid(i)) continue;
      if (!Number.isFinite(t)) {
        nan++;
        continue;
      }
      finite[count++] = t;
      // Welford: stable mean and variance in one pass.
      const d = t - mean;
      mean += d / count;
      m2 += d * (t - mean);
      if (t < min) min = t;
      if (t > max) max = t;
    }
    const s = finite.subarray(0, count).sort();
    return {
      kind: 'number',
      count: n,
      nulls,
      nan,
      min,
      max,
      mean: count ? mean : NaN,
      std: count > 1 ? Math.sqrt(m2 / (count - 1)) : NaN,
      median: quantileSorted(s, 0.5),
    };
  }
  if (v.type.typeId === Type.Bool) {
    let trues = 0;
    let falses = 0;
    for (let i = 0; i < n; i++) {
      const b = v.get(i);
      if (b === true) trues++;
      else if (b === false) falses++;
    }
    return { kind: 'bool', count: n, nulls, trues, falses };
  }
  const counts = new Map<string, number>();
  const text = textColumn(v);
  for (let i = 0; i < n; i++) {
    const k = text[i];
    if (k !== null) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3);
  return { kind: 'text', count: n, nulls, distinct: counts.size, top };
}
