/**
 * Kernel side: a ChartSpec (columns) as the phases' ChartOutput (polars frames, sent as Arrow
 * IPC), so phases can use the builders in core/charts without building frames by hand.
 */
import pl from 'nodejs-polars';
import type { ChartOutput } from '../phases/types';
import type { ChartColumns, ChartSpec } from './types';

export function columnsToFrame(cols: ChartColumns): pl.DataFrame {
  const series = Object.entries(cols).map(([name, col]) => {
    if (col instanceof Float64Array) return pl.Series(name, col, pl.Float64);
    if (ArrayBuffer.isView(col)) return pl.Series(name, Float64Array.from(col as ArrayLike<number>), pl.Float64);
    const arr = col as readonly unknown[];
    if (arr.every((v) => typeof v === 'number')) return pl.Series(name, Float64Array.from(arr as number[]), pl.Float64);
    if (arr.every((v) => typeof v === 'boolean')) return pl.Series(name, [...(arr as boolean[])], pl.Bool);
    return pl.Series(name, arr.map((v) => (v === null || v === undefined ? null : String(v))), pl.Utf8);
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
