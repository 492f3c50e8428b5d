/**
 * Kernel side: a ChartSpec (columns) as the phases' ChartOutput (polars frames, sent as Arrow
 * IPC), so phases can use the builders in core/charts without building frames by hand; and the
 * way back, for phases that aggregate in polars before handing columns to a builder.
 */
import pl from 'nodejs-polars';
import type { ChartOutput } from '../base/outputs';
import type { ChartColumn, ChartColumns, ChartSpec } from './types';

export function columnsToFrame(cols: ChartColumns): pl.DataFrame {
  const series = Object.entries(cols).map(([name, col]) => {
    if (col instanceof Float64Array) return pl.Series(name, col, pl.Float64);
    if (ArrayBuffer.isView(col)) return pl.Series(name, Float64Array.from(col as ArrayLike<number>), pl.Float64);
    const arr = col as readonly unknown[];
    if (arr.every((v) => typeof v === 'number')) return pl.Series(name, Float64Array.from(arr as number[]), pl.Float64);
    if (arr.every((v) => typeof v === 'boolean')) return pl.Series(name, [...(arr as boolean[])], pl.Bool);
    return pl.Series(
      name,
      arr.map((v) => (v === null || v === undefined ? null : String(v))),
      pl.Utf8,
    );
  });
  return pl.DataFrame(series);
}

export function chartToOutput(chart: ChartSpec): ChartOutput {
  return {
    id: chart.id,
    title: chart.title,
    spec: chart.spec,
    data: Object.fromEntries(Object.entries(chart.data).map(([name, cols]) => [name, columnsToFrame(cols)])),
  };
}

const NUMERIC = new Set([
  'Int8',
  'Int16',
  'Int32',
  'Int64',
  'UInt8',
  'UInt16',
  'UInt32',
  'UInt64',
  'Float32',
  'Float64',
]);

/**
 * A polars frame as chart columns: numbers as Float64Array (null -> NaN), datetimes and dates as
 * epoch ms in a Float64Array, booleans without nulls as boolean[], anything else as text (null
 * kept).
 */
export function frameToColumns(frame: pl.DataFrame): ChartColumns {
  const out: ChartColumns = {};
  frame.columns.forEach((name, i) => {
    const variant = frame.dtypes[i].variant;
    const c = pl.col(name);
    let col: ChartColumn;
    if (NUMERIC.has(variant)) col = floats(frame.select(c.cast(pl.Float64).fillNull(pl.lit(NaN))));
    else if (variant === 'Datetime' || variant === 'Date')
      col = floats(frame.select(c.cast(pl.Datetime('ms')).cast(pl.Int64).cast(pl.Float64).fillNull(pl.lit(NaN))));
    else if (variant === 'Bool' && frame.getColumn(name).nullCount() === 0)
      col = frame.getColumn(name).toArray() as boolean[];
    else col = frame.select(c.cast(pl.Utf8)).getColumn(name).toArray() as (string | null)[];
    out[name] = col;
  });
  return out;
}

function floats(one: pl.DataFrame): Float64Array {
  return one.toSeries(0).toTypedArray() as Float64Array;
}
