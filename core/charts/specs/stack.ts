/** stack: the meta-learner's weight per input column (base-model prediction), by size. */
import type { ChartSpec } from '../types';
import { chart } from './common';

export function metaWeightsChart(
  weights: Record<string, number>,
  title = 'Meta-learner weights',
): ChartSpec | undefined {
  const entries = Object.entries(weights).filter(([, w]) => typeof w === 'number' && Number.isFinite(w));
  if (!entries.length) return undefined;
  entries.sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
  return chart(
    'stack-meta-weights',
    title,
    {
      data: { name: 'weights' },
      mark: 'bar',
      encoding: {
        y: { field: 'input', type: 'nominal', sort: null, title: null },
        x: { field: 'weight', type: 'quantitative', title: 'weight' },
        color: {
          field: 'sign',
          type: 'nominal',
          scale: { domain: ['positive', 'negative'], range: ['#4c78a8', '#e45756'] },
          legend: null,
        },
        tooltip: [{ field: 'input' }, { field: 'weight', format: '.4f' }],
      },
    },
    {
      weights: {
        input: entries.map(([k]) => k),
        weight: Float64Array.from(entries, ([, w]) => w),
        sign: entries.map(([, w]) => (w < 0 ? 'negative' : 'positive')),
      },
    },
  );
}
