/**
 * Arrow IPC to chart columns: numbers and times as Float64Array (NaN for null; times in epoch
 * ms), booleans and text as arrays. Reads whole columns through toArray(), never row objects.
 */
import { tableFromIPC, Type, TimeUnit, type DataType, type Table, type Vector } from 'apache-arrow';
import type { ChartColumn, ChartColumns } from '../../core/charts/types';

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const NUMERIC = new Set<Type>([Type.Int, Type.Float, Type.Decimal]);

export function isNumericType(t: DataType): boolean {
  return NUMERIC.has(t.typeId);
}

export function isTemporalType(t: DataType): boolean {
  return t.typeId === Type.Timestamp || t.typeId === Type.Date;
}

/** Milliseconds per raw unit of a timestamp/date type. */
function msPerUnit(t: DataType): number {
  if (t.typeId === Type.Date) return (t as unknown as { unit: number }).unit === 0 ? 86_400_000 : 1;
  switch ((t as unknown as { unit: TimeUnit }).unit) {
    case TimeUnit.SECOND:
      return 1000;
    case TimeUnit.MILLISECOND:
      return 1;
    case TimeUnit.MICROSECOND:
      return 1e-3;
    default:
      return 1e-6;
  }
}

/** A numeric or temporal vector as Float64Array (epoch ms for times), NaN where null. */
export function numericColumn(v: Vector): Float64Array {
  const raw = v.toArray() as ArrayLike<number | bigint>;
  const scale = isTemporalType(v.type) ? msPerUnit(v.type) : 1;
  let out: Float64Array;
  if (raw instanceof Float64Array && scale === 1)
    out = raw.byteOffset % 8 === 0 ? new Float64Array(raw) : Float64Array.from(raw);
  else if (typeof raw[0] === 'bigint' || raw instanceof BigInt64Array || raw instanceof BigUint64Array) {
    out = new Float64Array(raw.length);
    const r = raw as ArrayLike<bigint>;
    for (let i = 0; i < r.length; i++) out[i] = Number(r[i]) * scale;
  } else {
    out = new Float64Array(raw.length);
    const r = raw as ArrayLike<number>;
    for (let i = 0; i < r.length; i++) out[i] = r[i] * scale;
  }
  if (v.nullCount > 0) for (let i = 0; i < out.length; i++) if (!v.isValid(i)) out[i] = NaN;
  return out;
}

const utf8 = new TextDecoder();

/**
 * Text values of a string vector. Reads each chunk's offsets and bytes directly: an ASCII chunk
 * is decoded once and sliced (byte offsets equal character offsets), ~10x faster than get(i)
 * per row at 1M rows; other chunks decode value by value.
 */
export function textColumn(v: Vector): (string | null)[] {
  const out = new Array<string | null>(v.length);
  const fast = v.type.typeId === Type.Utf8 || v.type.typeId === Type.LargeUtf8;
  let base = 0;
  for (const d of v.data) {
    const offsets = d.valueOffsets as unknown as ArrayLike<number | bigint> | undefined;
    const bytes = d.values as unknown as Uint8Array | undefined;
    if (!fast || !offsets || !bytes) {
      for (let i = 0; i < d.length; i++) {
        const x = v.get(base + i);
        out[base + i] = x === null || x === undefined ? null : String(x);
      }
      base += d.length;
      continue;
    }
    const at = (i: number): number => Number(offsets[d.offset + i]);
    const start = at(0);
    const end = at(d.length);
    let ascii = true;
    for (let k = start; k < end; k++)
      if (bytes[k] > 0x7f) {
        ascii = false;
        break;
      }
    const nulls = d.nullCount > 0 ? d.nullBitmap : undefined;
    const isNull = (i: number): boolean => !!nulls && ((nulls[(d.offset + i) >> 3] >> ((d.offset + i) & 7)) & 1) === 0;
    if (ascii) {
      const text = utf8.decode(bytes.subarray(start, end));
      let lo = start;
      for (let i = 0; i < d.length; i++) {
        const hi = at(i + 1);
        out[base + i] = isNull(i) ? null : text.slice(lo - start, hi - start);
        lo = hi;
      }
    } else {
      for (let i = 0; i < d.length; i++)
        out[base + i] = isNull(i) ? null : utf8.decode(bytes.subarray(at(i), at(i + 1)));
    }
    base += d.length;
  }
  return out;
}

export function vectorToColumn(v: Vector): ChartColumn {
  if (isNumericType(v.type) || isTemporalType(v.type)) return numericColumn(v);
  const n = v.length;
  if (v.type.typeId === Type.Bool) {
    const out = new Array<boolean>(n);
    for (let i = 0; i < n; i++) out[i] = v.get(i) === true;
    return out;
  }
  if (v.type.typeId === Type.Utf8 || v.type.typeId === Type.LargeUtf8) return textColumn(v);
  const out = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const x = v.get(i);
    out[i] =
      x === null || x === undefined
        ? null
        : typeof x === 'string'
          ? x
          : typeof x === 'object'
            ? JSON.stringify(x)
            : String(x);
  }
  return out;
}

export function tableToColumns(table: Table, names?: readonly string[]): ChartColumns {
  const out: ChartColumns = {};
  for (const f of table.schema.fields) {
    if (names && !names.includes(f.name)) continue;
    const v = table.getChild(f.name);
    if (v) out[f.name] = vectorToColumn(v);
  }
  return out;
}

export function ipcToColumns(bytes: Uint8Array): ChartColumns {
  return tableToColumns(tableFromIPC(bytes));
}
