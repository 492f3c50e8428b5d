/** cv with scheme cpcv: per split, which bars train, are tested, purged or embargoed, along time. */
import type { ChartColumns, ChartSpec } from '../types';
import { chart } from './common';

export const CPCV_COLORS: Record<string, string> = {
  train: '#4c78a8',
  test: '#54a24b',
  purged: '#e45756',
  embargoed: '#bab0ac',
};

/** `segments` has split (1-based), role, start, end (epoch ms) and rows; `groups` has group, start, end. */
export function cpcvTimelineChart(
  segments: ChartColumns,
  nGroups: number,
  nTestGroups: number,
  paths: number,
): ChartSpec {
  return chart(
    'cv-cpcv-timeline',
    `CPCV: ${nGroups} groups, ${nTestGroups} tested per split — roles per split (${paths} paths)`,
    {
      data: { name: 'segments' },
      mark: { type: 'bar', height: { band: 0.8 } },
      encoding: {
        y: { field: 'split', type: 'ordinal', title: 'split' },
        x: { field: 'start', type: 'temporal', title: null },
        x2: { field: 'end' },
        color: {
          field: 'role',
          type: 'nominal',
          title: null,
          scale: { domain: Object.keys(CPCV_COLORS), range: Object.values(CPCV_COLORS) },
        },
        tooltip: [
          { field: 'split' },
          { field: 'role' },
          { field: 'groups', title: 'test groups' },
          { field: 'start', type: 'temporal' },
          { field: 'end', type: 'temporal' },
          { field: 'rows', format: ',' },
        ],
      },
    },
    { segments },
  );
}
