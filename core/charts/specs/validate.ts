/** validate: null rate per column (against max_null_rate) and anomalies per column and check. */
import type { ChartSpec } from '../types';
import { chart } from './common';

export interface NullRateRow {
  column: string;
  nulls: number;
  null_rate: number;
  /** The limit that applies to the column, or null when none. */
  max_null_rate: number | null;
}

export function nullRateChart(rows: readonly NullRateRow[]): ChartSpec {
  return chart(
    'null-rate',
    'Null rate per column',
    {
      data: { name: 'null_rates' },
      mark: 'bar',
      encoding: {
        x: { field: 'column', type: 'nominal', sort: null, title: 'column' },
        y: { field: 'null_rate', type: 'quantitative', axis: { format: '%' }, title: 'null rate' },
        color: {
          field: 'over_limit',
          type: 'nominal',
          title: 'over max_null_rate',
          scale: { domain: [false, true], range: ['#4c78a8', '#e45756'] },
        },
        tooltip: [
          { field: 'column' },
          { field: 'nulls' },
          { field: 'null_rate', format: '.2%' },
          { field: 'max_null_rate' },
        ],
      },
    },
    {
      null_rates: {
        column: rows.map((r) => r.column),
        nulls: rows.map((r) => r.nulls),
        null_rate: rows.map((r) => r.null_rate),
        max_null_rate: rows.map((r) => r.max_null_rate ?? NaN),
        over_limit: rows.map((r) => r.max_null_rate !== null && r.null_rate > r.max_null_rate),
      },
    },
  );
}

export interface AnomalyRow {
  column: string;
  /** The check that flagged it (`ranges`, `ohlc`, `duplicates`...). */
  check: string;
  count: number;
}

/** Offending rows per column, stacked by check. */
export function anomalyChart(rows: readonly AnomalyRow[]): ChartSpec {
  return chart(
    'validate-anomalies',
    'Anomalies per column',
    {
      data: { name: 'anomalies' },
      mark: 'bar',
      encoding: {
        y: { field: 'column', type: 'nominal', sort: '-x', title: null },
        x: { field: 'count', type: 'quantitative', stack: 'zero', title: 'offending rows' },
        color: { field: 'check', type: 'nominal', title: 'check' },
        tooltip: [{ field: 'column' }, { field: 'check' }, { field: 'count', format: ',' }],
      },
    },
    {
      anomalies: {
        column: rows.map((r) => r.column),
        check: rows.map((r) => r.check),
        count: rows.map((r) => r.count),
      },
    },
  );
}
