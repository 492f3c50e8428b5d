/** split: one bar per symbol and segment (train / embargo / val / test) along time. */
import type { ChartColumns, ChartSpec } from '../types';
import { chart } from './common';

export const SPLIT_COLORS: Record<string, string> = {
  train: '#4c78a8',
  embargo: '#bab0ac',
  val: '#f58518',
  test: '#54a24b',
};

/** `segments` has symbol, split, start, end (epoch ms or datetimes) and rows. */
export function splitTimelineChart(segments: ChartColumns): ChartSpec {
  return chart(
    'split-timeline',
    'Train / val / test per symbol (embargo between)',
    {
      data: { name: 'segments' },
      mark: { type: 'bar', height: { band: 0.7 } },
      encoding: {
        y: { field: 'symbol', type: 'nominal', title: null },
        x: { field: 'start', type: 'temporal', title: null },
        x2: { field: 'end' },
        color: {
          field: 'split',
          type: 'nominal',
          scale: { domain: Object.keys(SPLIT_COLORS), range: Object.values(SPLIT_COLORS) },
        },
        tooltip: [
          { field: 'symbol' },
          { field: 'split' },
          { field: 'start', type: 'temporal' },
          { field: 'end', type: 'temporal' },
          { field: 'rows', format: ',' },
        ],
      },
    },
    { segments },
  );
}
