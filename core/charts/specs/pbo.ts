/**
 * PBO by CSCV: the distribution of the logits λ of the in-sample winner's out-of-sample rank; the mass at λ ≤ 0 is the
 * PBO.
 */
import type { ChartSpec } from '../types';
import { chart } from './common';

export function pboLogitChart(logits: readonly number[], pbo: number, trials: number): ChartSpec {
  return chart(
    'selection-pbo-logits',
    `PBO ${pbo.toFixed(2)}: logit of the in-sample best trial's out-of-sample rank (${logits.length} CSCV ` +
      `splits, ${trials} trials)`,
    {
      layer: [
        {
          data: { name: 'logits' },
          mark: { type: 'bar', tooltip: true },
          encoding: {
            x: {
              field: 'logit',
              type: 'quantitative',
              bin: { maxbins: 30 },
              title: 'λ = ln(ω / (1 − ω)) — left of 0: the in-sample best is below the out-of-sample median',
            },
            y: { aggregate: 'count', type: 'quantitative', title: 'splits' },
            color: {
              field: 'side',
              type: 'nominal',
              title: null,
              scale: { domain: ['overfit (λ ≤ 0)', 'held up (λ > 0)'], range: ['#e45756', '#4c78a8'] },
            },
          },
        },
        {
          data: { name: 'zero' },
          mark: { type: 'rule', strokeDash: [4, 3] },
          encoding: { x: { field: 'x', type: 'quantitative' } },
        },
      ],
    },
    {
      logits: { logit: logits, side: logits.map((l) => (l <= 0 ? 'overfit (λ ≤ 0)' : 'held up (λ > 0)')) },
      zero: { x: [0] },
    },
  );
}
