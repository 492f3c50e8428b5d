/**
 * A stacking run's own section: stack vs the best base model on the same rows, weights, conditioning, how intervals
 * were drawn.
 */
import type { RunPayload } from '../../extension/dashboard/protocol';
import { el, formatNumber } from '../dom';
import { section } from './sections';

interface Comparison {
  metric?: string;
  best_base?: string;
  stack?: number;
  best?: number;
  difference?: { value?: number; low?: number; high?: number };
  per_fold?: { mean?: number; sd?: number };
  rows?: number;
}

/** run.json's `holdout`: the stack on the held-out test split (absent unless `holdout: true`). */
interface Holdout {
  split?: string;
  rows?: number;
  train_rows?: number;
  metrics?: Record<string, { value?: number; low?: number; high?: number }>;
  comparison?: {
    metric?: string;
    bestBase?: string;
    stack?: number;
    best?: number;
    difference?: { value?: number; low?: number; high?: number };
  };
}

interface Record_ {
  method?: string;
  block?: number;
  unit?: string;
  units?: number;
  n?: number;
  seed?: number;
}

/** Differences as the CLI prints them: signed, 4 decimals (never 1e-4 notation for a small gap). */
const signed = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v) ? '—' : `${v >= 0 ? '+' : ''}${v.toFixed(4)}`;

function row(name: string, value: string): HTMLElement {
  return el('tr', undefined, el('th', undefined, name), el('td', undefined, value));
}

/** Undefined for runs that are not stacking runs or carry no comparison (older runs). */
export function stackingSection(run: RunPayload): HTMLElement | undefined {
  if (run.kind !== 'stacking') return undefined;
  const c = run.meta.stack_vs_best_base as Comparison | undefined;
  const b = run.meta.bootstrap as Record_ | undefined;
  const cond = run.meta.condition_number;
  const warnings = Array.isArray(run.meta.warnings)
    ? (run.meta.warnings as unknown[]).filter((w): w is string => typeof w === 'string')
    : [];
  if (!c && !b && cond === undefined) return undefined;
  const rows: HTMLElement[] = [];
  if (c) {
    rows.push(
      row(`stack ${c.metric ?? ''} (pooled)`, formatNumber(c.stack)),
      row(`best base: ${c.best_base ?? '?'}`, formatNumber(c.best)),
      row(
        'stack − best base (pooled)',
        `${signed(c.difference?.value)}  [${signed(c.difference?.low)}, ${signed(c.difference?.high)}]`,
      ),
      row('stack − best base (per fold)', `${signed(c.per_fold?.mean)} ± ${formatNumber(c.per_fold?.sd)}`),
      row('same rows', c.rows !== undefined ? c.rows.toLocaleString('en-US') : '—'),
    );
  }
  const h = run.meta.holdout as Holdout | undefined;
  if (h) {
    const hc = h.comparison;
    const metric = hc?.metric ?? Object.keys(h.metrics ?? {})[0];
    const m = metric ? h.metrics?.[metric] : undefined;
    rows.push(
      row(
        `holdout: stack ${metric ?? ''} (${h.split ?? 'test'} split, ${h.rows?.toLocaleString('en-US') ?? '?'} rows)`,
        m ? `${formatNumber(m.value)}  [${formatNumber(m.low)}, ${formatNumber(m.high)}]` : '—',
      ),
    );
    if (hc) {
      rows.push(
        row(
          `holdout: ${hc.bestBase ?? '?'} (refitted on ${h.train_rows?.toLocaleString('en-US') ?? '?'} ` +
            `development rows)`,
          formatNumber(hc.best),
        ),
        row(
          'holdout: stack − best base',
          `${signed(hc.difference?.value)}  [${signed(hc.difference?.low)}, ${signed(hc.difference?.high)}]`,
        ),
      );
    }
  }
  if (run.metaWeights)
    rows.push(
      row(
        'weights',
        Object.entries(run.metaWeights)
          .map(([k, v]) => `${k} ${formatNumber(v)}`)
          .join(', '),
      ),
    );
  if (cond !== undefined)
    rows.push(row('condition number', typeof cond === 'number' ? formatNumber(cond) : String(cond)));
  if (b)
    rows.push(
      row(
        'intervals',
        b.method === 'iid'
          ? `iid bootstrap, ${b.n} resamples, seed ${b.seed}`
          : `moving-block bootstrap, ${b.block}-${b.unit === 'bars' ? 'bar' : 'row'} blocks over ` +
              `${b.units?.toLocaleString('en-US')} ${b.unit}, ${b.n} resamples, seed ${b.seed}`,
      ),
    );
  const table = el('table', 'pb-kv pb-stack-comparison', el('tbody', undefined, ...rows));
  return section(
    'Stacking',
    table,
    warnings.length ? el('ul', 'pb-notes', ...warnings.map((w) => el('li', undefined, w))) : undefined,
  );
}
