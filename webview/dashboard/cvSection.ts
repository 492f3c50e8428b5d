/** A CV run's scores, labelled both ways: per fold (mean ± sd, as the CV headline) and pooled (one score over every out-of-fold row, with its interval). */
import type { RunPayload } from '../../extension/dashboard/protocol';
import { el } from '../dom';
import { section } from './sections';

const f4 = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(4));

/** The metric shown: the run's primary metric, else the one the pooled scores carry an interval on. */
function metricOf(cv: NonNullable<RunPayload['cv']>): string | undefined {
  if (cv.primary_metric) return cv.primary_metric;
  for (const byH of Object.values(cv.pooled ?? {})) for (const byM of Object.values(byH)) for (const [m, s] of Object.entries(byM)) if (s.low !== undefined) return m;
  return cv.folds[0] ? Object.keys(cv.folds[0].scores)[0] : undefined;
}

/** Undefined unless the run is a CV run with pooled scores (older runs carry fold scores only: their chart says it all). */
export function cvScoresSection(run: RunPayload): HTMLElement | undefined {
  const cv = run.cv;
  if (!cv?.pooled) return undefined;
  const metric = metricOf(cv);
  if (!metric) return undefined;
  const rows: HTMLElement[] = [];
  for (const h of cv.horizons) {
    for (const model of cv.models) {
      const s = cv.summary?.[model]?.[String(h)]?.[metric];
      const p = cv.pooled[model]?.[String(h)]?.[metric];
      const n = cv.folds.filter((f) => f.model === model && f.horizon === h).length;
      rows.push(el('tr', undefined,
        el('th', undefined, `${model} h${h}`),
        el('td', 'pb-per-fold', s ? `${f4(s.mean)} ± ${f4(s.std)}${n ? ` (${n} folds)` : ''}` : '—'),
        el('td', 'pb-pooled', p ? `${f4(p.value)}${p.low !== undefined ? `  [${f4(p.low)}, ${f4(p.high)}]` : ''}` : '—'),
      ));
    }
  }
  const head = el('thead', undefined, el('tr', undefined, el('th', undefined, metric), el('th', undefined, 'per fold (mean ± sd)'), el('th', undefined, 'pooled [95% interval]')));
  return section('CV scores', el('table', 'pb-kv pb-cv-scores', head, el('tbody', undefined, ...rows)));
}
