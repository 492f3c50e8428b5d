/** Cell text and dtype badges for the grid. Pure. */
import { DataType, Type, TimeUnit } from 'apache-arrow';
import { formatNumber } from '../dom';
import type { ColumnStats } from './stats';

const UNIT = ['s', 'ms', 'us', 'ns'];

/** A short dtype label in polars' vocabulary (f64, i64, str, datetime[ms, UTC], bool...). */
export function dtypeLabel(t: DataType): string {
  if (DataType.isFloat(t)) return `f${[16, 32, 64][t.precision] ?? 64}`;
  if (DataType.isInt(t)) return `${t.isSigned ? 'i' : 'u'}${t.bitWidth}`;
  if (DataType.isUtf8(t) || DataType.isLargeUtf8(t)) return 'str';
  if (DataType.isBool(t)) return 'bool';
  if (DataType.isTimestamp(t))
    return `datetime[${UNIT[t.unit as TimeUnit] ?? '?'}${t.timezone ? `, ${t.timezone}` : ''}]`;
  if (DataType.isDate(t)) return 'date';
  if (DataType.isDictionary(t)) return 'cat';
  if (DataType.isList(t)) return 'list';
  if (DataType.isStruct(t)) return 'struct';
  if (DataType.isDecimal(t)) return 'decimal';
  return String(t).toLowerCase();
}

export function isRightAligned(t: DataType): boolean {
  return DataType.isFloat(t) || DataType.isInt(t) || DataType.isDecimal(t);
}

export function formatTime(ms: number): string {
  if (!Number.isFinite(ms)) return 'null';
  const iso = new Date(ms).toISOString();
  return iso
    .replace('T', ' ')
    .replace(/\.000Z$/, '')
    .replace(/Z$/, '')
    .replace(/ 00:00:00$/, '');
}

export function formatCell(value: unknown, t: DataType): string {
  if (value === null || value === undefined) return 'null';
  if (t.typeId === Type.Timestamp || t.typeId === Type.Date)
    return typeof value === 'number' ? formatTime(value) : String(value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
    return formatNumber(value, 6);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && 'toJSON' in (value as object))
    return JSON.stringify((value as { toJSON(): unknown }).toJSON());
  return String(value);
}

/** Statistics of a column, one fact group per line. */
export function formatStats(s: ColumnStats): string {
  const nulls = s.nulls ? `\n${s.nulls.toLocaleString('en-US')} null` : '';
  switch (s.kind) {
    case 'number':
      return (
        `${formatNumber(s.min)} … ${formatNumber(s.max)}\nμ ${formatNumber(s.mean)} · σ ` +
        `${formatNumber(s.std)}\nmedian ${formatNumber(s.median)}${s.nan ? ` · ${s.nan} NaN` : ''}${nulls}`
      );
    case 'temporal':
      return `${formatTime(s.min)} …\n${formatTime(s.max)}${nulls}`;
    case 'bool':
      return `${s.trues.toLocaleString('en-US')} true · ${s.falses.toLocaleString('en-US')} false${nulls}`;
    default:
      return (
        `${s.distinct.toLocaleString('en-US')} distinct` +
        `${s.top
          .map(([v, c]) => `\n` + `${v.length > 16 ? `${v.slice(0, 15)}…` : v}` + ` (${c.toLocaleString('en-US')})`)
          .join('')}` +
        `${nulls}`
      );
  }
}
