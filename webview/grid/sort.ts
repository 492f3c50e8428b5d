/**
 * Row orders for the grid: an argsort by one column, stable, nulls (and NaN) last in both
 * directions. Numbers and times sort by their bits (a 64-bit key, LSD radix sort in four 16-bit
 * passes: ~O(n), about 10x faster than a comparator sort at 1M rows); text sorts by the rank of
 * each distinct value (code-unit order), then radix on the ranks.
 */
import { Type, type Vector } from 'apache-arrow';
import { isNumericType, isTemporalType, numericColumn, textColumn } from '../chart/arrowData';

export type SortDirection = 'asc' | 'desc';

function radixPass(src: Uint32Array, dst: Uint32Array, key: Uint32Array, shift: number, counts: Uint32Array): boolean {
  counts.fill(0);
  const n = src.length;
  for (let i = 0; i < n; i++) counts[((key[src[i]] >>> shift) & 0xffff) + 1]++;
  // All keys share this digit: the pass would not move anything.
  for (let d = 1; d < counts.length; d++) if (counts[d] === n) return false;
  for (let d = 1; d < counts.length; d++) counts[d] += counts[d - 1];
  for (let i = 0; i < n; i++) {
    const r = src[i];
    dst[counts[(key[r] >>> shift) & 0xffff]++] = r;
  }
  return true;
}

/** Stable ascending order of `rows` by (hi, lo) unsigned 32-bit key halves. */
function radixOrder(rows: Uint32Array, hi: Uint32Array, lo: Uint32Array | undefined): Uint32Array {
  let a: Uint32Array = rows;
  let b: Uint32Array = new Uint32Array(rows.length);
  const counts = new Uint32Array(0x10001);
  const passes: [Uint32Array, number][] = [
    ...(lo
      ? ([
          [lo, 0],
          [lo, 16],
        ] as [Uint32Array, number][])
      : []),
    [hi, 0],
    [hi, 16],
  ];
  for (const [key, shift] of passes) if (radixPass(a, b, key, shift, counts)) [a, b] = [b, a];
  return a;
}

/** Argsort of float keys (NaN last). */
export function argsortFloat(keys: Float64Array, direction: SortDirection = 'asc'): Uint32Array {
  const n = keys.length;
  const bits = new Uint32Array(keys.buffer, keys.byteOffset, n * 2);
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  const valid = new Uint32Array(n);
  const nulls: number[] = [];
  let nv = 0;
  const flip = direction === 'desc';
  for (let i = 0; i < n; i++) {
    if (keys[i] !== keys[i]) {
      nulls.push(i);
      continue;
    }
    valid[nv++] = i;
    let h = bits[2 * i + 1];
    let l = bits[2 * i];
    // IEEE-754 to an unsigned order: negative numbers flip all bits, positive ones the sign bit.
    if (h & 0x80000000) {
      h = ~h;
      l = ~l;
    } else h |= 0x80000000;
    if (flip) {
      h = ~h;
      l = ~l;
    }
    hi[i] = h >>> 0;
    lo[i] = l >>> 0;
  }
  const order = radixOrder(valid.subarray(0, nv), hi, lo);
  const out = new Uint32Array(n);
  out.set(order);
  out.set(nulls, nv);
  return out;
}

/** Argsort of text values by code-unit order (null last). */
export function argsortText(values: readonly (string | null)[], direction: SortDirection = 'asc'): Uint32Array {
  const n = values.length;
  const distinct = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== null && !distinct.has(v)) distinct.set(v, 0);
  }
  const sorted = [...distinct.keys()].sort();
  sorted.forEach((v, i) => distinct.set(v, direction === 'asc' ? i : sorted.length - 1 - i));
  const rank = new Uint32Array(n);
  const valid = new Uint32Array(n);
  const nulls: number[] = [];
  let nv = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null) nulls.push(i);
    else {
      rank[i] = distinct.get(v)!;
      valid[nv++] = i;
    }
  }
  const order = radixOrder(valid.subarray(0, nv), rank, undefined);
  const out = new Uint32Array(n);
  out.set(order);
  out.set(nulls, nv);
  return out;
}

/** The keys a column sorts by: numbers (NaN = null) for numeric, temporal and boolean columns, else text. */
export function sortKeys(v: Vector): Float64Array | (string | null)[] {
  if (isNumericType(v.type) || isTemporalType(v.type)) return numericColumn(v);
  const n = v.length;
  if (v.type.typeId === Type.Bool) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = v.get(i);
      out[i] = x === null || x === undefined ? NaN : x ? 1 : 0;
    }
    return out;
  }
  if (v.type.typeId === Type.Utf8 || v.type.typeId === Type.LargeUtf8) return textColumn(v);
  const out = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const x = v.get(i);
    out[i] = x === null || x === undefined ? null : typeof x === 'string' ? x : String(x);
  }
  return out;
}

export function argsortVector(v: Vector, direction: SortDirection): Uint32Array {
  const keys = sortKeys(v);
  return keys instanceof Float64Array ? argsortFloat(keys, direction) : argsortText(keys, direction);
}
