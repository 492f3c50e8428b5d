/** features: a histogram per feature (faceted) and the Pearson correlation matrix. */
import type { ChartColumns, ChartSpec } from '../types';
import { chart } from './common';

/**
 * `histograms` is the long frame (feature, bin_start, bin_end, count); `total` the number of
 * features in the set when only some are charted.
 */
export function featureDistributionsChart(histograms: ChartColumns, shown: number, total = shown): ChartSpec {
  return chart(
    'feature-distributions',
    `Feature distributions${total > shown ? ` (first ${shown} of ${total})` : ''}`,
    {
      data: { name: 'histograms' },
      facet: { field: 'feature', type: 'nominal', title: null },
      columns: 4,
      resolve: { scale: { x: 'independent', y: 'independent' } },
      spec: {
        width: 160,
        height: 90,
        mark: 'bar',
        encoding: {
          x: { field: 'bin_start', type: 'quantitative', bin: { binned: true }, title: null },
          x2: { field: 'bin_end' },
          y: { field: 'count', type: 'quantitative', title: 'rows' },
          tooltip: [
            { field: 'feature' },
            { field: 'bin_start', format: '.4g' },
            { field: 'bin_end', format: '.4g' },
            { field: 'count', format: ',' },
          ],
        },
      },
    },
    { histograms },
  );
}

/** `correlation` is the long frame (a, b, r); `order` the features in axis order. */
export function featureCorrelationChart(correlation: ChartColumns, order: readonly string[]): ChartSpec {
  return chart(
    'feature-correlation',
    'Feature correlation (Pearson)',
    {
      data: { name: 'correlation' },
      mark: 'rect',
      encoding: {
        x: { field: 'a', type: 'nominal', sort: [...order], title: null },
        y: { field: 'b', type: 'nominal', sort: [...order], title: null },
        color: { field: 'r', type: 'quantitative', scale: { domain: [-1, 1], scheme: 'redblue', reverse: true } },
        tooltip: [{ field: 'a' }, { field: 'b' }, { field: 'r', format: '.3f' }],
      },
    },
    { correlation },
  );
}
