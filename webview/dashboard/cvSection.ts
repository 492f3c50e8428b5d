/**
 * A CV run's models (issue 18 item 5): per horizon and model, every metric as mean ± sd over folds
 * with the pooled out-of-fold score [CI] beneath; then every fold's scores. From the run's
 * cv_results (core/runs/cvTables computes the rows, as the notebook's cv cell shows them).
 */
import { summarizeFolds } from '../../core/runs/cvResults';
import { cvFoldRows, cvModelRows } from '../../core/runs/cvTables';
import type { RunPayload } from '../../extension/dashboard/protocol';
import { el, formatNumber } from '../dom';
import { section } from './sections';

const head = (...names: string[]): HTMLElement =>
  el('thead', undefined, el('tr', undefined, ...names.map((n) => el('th', undefined, n))));

export function cvSection(run: RunPayload): HTMLElement | undefined {
  const cv = run.cv;
  if (!cv?.folds.length) return undefined;
  const rows = cvModelRows({
    folds: cv.folds,
    summary: summarizeFolds(cv.folds),
    pooled: cv.pooled,
    models: cv.models,
    horizons: cv.horizons,
  });
  const metrics = [...new Set(rows.map((r) => r.metric))];
  const keys = [...new Set(rows.map((r) => `${r.horizon}\u0000${r.model}`))];
  const body = keys.map((key) => {
    const [h, model] = key.split('\u0000') as [string, string];
    const cells = metrics.map((m) => {
      const r = rows.find((x) => String(x.horizon) === h && x.model === model && x.metric === m);
      if (!r) return el('td', undefined, '—');
      const ci =
        r.pooled_ci_low !== null && r.pooled_ci_high !== null
          ? ` [${formatNumber(r.pooled_ci_low)}, ${formatNumber(r.pooled_ci_high)}]`
          : '';
      const td = el(
        'td',
        undefined,
        el('div', undefined, `${formatNumber(r.fold_mean)} ± ${formatNumber(r.fold_sd)}`),
        r.pooled !== null ? el('div', 'pb-muted', `pooled ${formatNumber(r.pooled)}${ci}`) : undefined,
      );
      td.dataset.metric = m;
      return td;
    });
    const tr = el('tr', undefined, el('th', undefined, `h${h}`), el('th', undefined, model), ...cells);
    tr.dataset.model = model;
    tr.dataset.horizon = h;
    return tr;
  });
  const models = el(
    'table',
    'pb-table pb-cv-models',
    head('horizon', 'model', ...metrics),
    el('tbody', undefined, ...body),
  );
  const foldRows = cvFoldRows({ folds: cv.folds });
  const foldCols = foldRows.length ? Object.keys(foldRows[0]!) : [];
  const folds = el(
    'table',
    'pb-table pb-cv-folds',
    head(...foldCols),
    el(
      'tbody',
      undefined,
      ...foldRows.map((r) =>
        el(
          'tr',
          undefined,
          ...foldCols.map((c) =>
            el('td', undefined, typeof r[c] === 'number' ? formatNumber(r[c] as number) : String(r[c] ?? '—')),
          ),
        ),
      ),
    ),
  );
  const note = el(
    'p',
    'pb-notes',
    `mean ± sd over ${cv.n_splits ?? 'the'} folds; pooled: one score over all out-of-fold ` +
      `rows${cv.pooled ? ' [bootstrap CI]' : ''}.`,
  );
  return section(
    'Models',
    note,
    models,
    el('details', undefined, el('summary', undefined, `Scores per fold (${foldRows.length})`), folds),
  );
}
