/**
 * Scenario x model comparison (docs/design.md §4.8): side-by-side metrics with their bootstrap CIs,
 * ranked by one metric in its direction, as a table (CSV) and a Markdown summary. Pure.
 */
import { metricDirection, type MetricDirection } from '../ml/metrics';
import { foldMetrics, type MetricRow } from '../orchestrate/metricsDb';

export interface CompareInput {
  /** `{ scenario: 'median_impute', model: 'ridge' }`, or `{ cell: 'evaluate_2' }`. */
  labels: Record<string, string>;
  /** Flat metrics as phases report them (`rmse`, `rmse_ci_low`, `rmse_ci_high`, ...). */
  metrics: Record<string, number>;
}

export interface ComparisonRow {
  labels: Record<string, string>;
  metrics: Record<string, MetricRow>;
  rank: number;
  /** True when this row's CI of the ranking metric overlaps the best row's. */
  tiedWithBest: boolean;
}

export interface Comparison {
  labelKeys: string[];
  metrics: string[];
  rankBy: string;
  direction: MetricDirection;
  /** Ranked best first; rows without the ranking metric last, in input order. */
  rows: ComparisonRow[];
}

function directionOf(metric: string): MetricDirection {
  try {
    return metricDirection(metric);
  } catch {
    return /loss|error|mse|mae|rmse|brier/.test(metric) ? 'min' : 'max';
  }
}

const DEFAULT_RANKING = ['rmse', 'roc_auc', 'mae', 'log_loss', 'r2', 'accuracy'];

export function buildComparison(
  inputs: readonly CompareInput[],
  opts: { metrics?: string[]; rankBy?: string } = {},
): Comparison {
  const labelKeys = [...new Set(inputs.flatMap((i) => Object.keys(i.labels)))];
  const folded = inputs.map((i) => Object.fromEntries(foldMetrics(i.metrics).map((m) => [m.metric, m])));
  const present = [...new Set(folded.flatMap((f) => Object.keys(f)))];
  const metrics = opts.metrics ?? present;
  const rankBy = opts.rankBy ?? DEFAULT_RANKING.find((m) => present.includes(m)) ?? metrics[0] ?? '';
  const direction = directionOf(rankBy);
  const rows: ComparisonRow[] = inputs.map((i, j) => ({
    labels: Object.fromEntries(labelKeys.map((k) => [k, i.labels[k] ?? ''])),
    metrics: Object.fromEntries(metrics.filter((m) => folded[j][m]).map((m) => [m, folded[j][m]])),
    rank: 0,
    tiedWithBest: false,
  }));
  const score = (r: ComparisonRow): number | undefined => {
    const v = r.metrics[rankBy]?.value;
    return v === undefined || !Number.isFinite(v) ? undefined : v;
  };
  const order = rows
    .map((r, j) => ({ r, j }))
    .sort((a, b) => {
      const sa = score(a.r);
      const sb = score(b.r);
      if (sa === undefined || sb === undefined)
        return (sa === undefined ? 1 : 0) - (sb === undefined ? 1 : 0) || a.j - b.j;
      return (direction === 'min' ? sa - sb : sb - sa) || a.j - b.j;
    })
    .map((x) => x.r);
  const best = order[0]?.metrics[rankBy];
  order.forEach((r, k) => {
    r.rank = score(r) === undefined ? 0 : k + 1;
    const m = r.metrics[rankBy];
    r.tiedWithBest =
      !!best &&
      !!m &&
      m.ciLow !== null &&
      m.ciHigh !== null &&
      best.ciLow !== null &&
      best.ciHigh !== null &&
      m.ciLow <= best.ciHigh &&
      best.ciLow <= m.ciHigh;
  });
  return { labelKeys, metrics, rankBy, direction, rows: order };
}

function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** reports/scenario_table.csv: one row per branch, value and CI bounds per metric. */
export function comparisonCsv(c: Comparison): string {
  const head = [...c.labelKeys, 'rank', ...c.metrics.flatMap((m) => [m, `${m}_ci_low`, `${m}_ci_high`])];
  const lines = [head.map(csvField).join(',')];
  for (const r of c.rows) {
    const cells: (string | number | null)[] = [...c.labelKeys.map((k) => r.labels[k]), r.rank || null];
    for (const m of c.metrics) {
      const x = r.metrics[m];
      cells.push(x && Number.isFinite(x.value) ? x.value : null, x?.ciLow ?? null, x?.ciHigh ?? null);
    }
    lines.push(cells.map(csvField).join(','));
  }
  return lines.join('\n') + '\n';
}

export function formatCI(m: MetricRow | undefined, digits = 4): string {
  if (!m || !Number.isFinite(m.value)) return '–';
  const ci = m.ciLow !== null && m.ciHigh !== null ? ` [${m.ciLow.toFixed(digits)}, ${m.ciHigh.toFixed(digits)}]` : '';
  return `${m.value.toFixed(digits)}${ci}`;
}

export function branchTitle(labels: Record<string, string>): string {
  return Object.values(labels).filter(Boolean).join(' / ') || '(input)';
}

/** reports/scenario_summary.md. */
export function comparisonMarkdown(c: Comparison, notes: { bootstrap?: string; title?: string } = {}): string {
  const out: string[] = [`# ${notes.title ?? 'Scenario comparison'}`, ''];
  const best = c.rows[0];
  if (best && best.rank) {
    const ties = c.rows.filter((r) => r !== best && r.tiedWithBest);
    out.push(
      `Best by **${c.rankBy}** (${c.direction === 'min' ? 'lower' : 'higher'} is better): ` +
        `**${branchTitle(best.labels)}**, ${formatCI(best.metrics[c.rankBy])}.`,
    );
    out.push(
      ties.length
        ? `Its interval overlaps ${ties.length} other branch${ties.length === 1 ? '' : 'es'} ` +
            `(${ties.map((r) => branchTitle(r.labels)).join(', ')}): the data do not separate them.`
        : "No other branch's interval overlaps it.",
    );
    out.push('');
  }
  if (notes.bootstrap) out.push(`Intervals: ${notes.bootstrap}.`, '');
  out.push(`| rank | ${[...c.labelKeys, ...c.metrics].join(' | ')} |`);
  out.push(`|---:|${[...c.labelKeys.map(() => '---'), ...c.metrics.map(() => '---:')].join('|')}|`);
  for (const r of c.rows) {
    const mark = (m: string, s: string) => (r === best && m === c.rankBy ? `**${s}**` : s);
    const fields = [...c.labelKeys.map((k) => r.labels[k]), ...c.metrics.map((m) => mark(m, formatCI(r.metrics[m])))];
    out.push(`| ${r.rank || '–'}${r.tiedWithBest && r !== best ? ' ≈' : ''} | ${fields.join(' | ')} |`);
  }
  out.push('', "≈: the interval of the ranking metric overlaps the best branch's.", '');
  for (const key of c.labelKeys) {
    const groups = [...new Set(c.rows.map((r) => r.labels[key]))];
    if (groups.length < 2 || c.labelKeys.length < 2) continue;
    out.push(`## Best per ${key}`, '');
    for (const g of groups) {
      const top = c.rows.find((r) => r.labels[key] === g && r.rank);
      if (top)
        out.push(
          `- ${g}: ${branchTitle(Object.fromEntries(Object.entries(top.labels).filter(([k]) => k !== key)))} ` +
            `— ${c.rankBy} ${formatCI(top.metrics[c.rankBy])}`,
        );
    }
    out.push('');
  }
  return out.join('\n');
}
