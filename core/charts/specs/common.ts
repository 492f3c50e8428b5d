/** Small helpers shared by the spec builders. */
import { VEGA_LITE_SCHEMA, type ChartColumns, type ChartSpec, type VegaLiteSpec } from '../types';

/** A chart whose top-level spec gets the schema and the title. */
export function chart(id: string, title: string, spec: VegaLiteSpec, data: Record<string, ChartColumns>): ChartSpec {
  return { id, title, spec: { $schema: VEGA_LITE_SCHEMA, ...spec }, data };
}

/** Min and max of the finite values of several arrays, or undefined. */
export function extent(...arrays: ArrayLike<number>[]): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** Keeps only the rows where every listed numeric column is finite (typed arrays out). */
export function finiteRows(cols: Record<string, ArrayLike<number>>): Record<string, Float64Array> {
  const names = Object.keys(cols);
  const n = Math.min(...names.map((k) => cols[k].length));
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (names.every((k) => Number.isFinite(cols[k][i]))) keep.push(i);
  return Object.fromEntries(names.map((k) => [k, Float64Array.from(keep, (i) => cols[k][i])]));
}
