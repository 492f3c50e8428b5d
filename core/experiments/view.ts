/**
 * Filter, sort and group the experiments table's rows (docs/design.md §9). Pure.
 *
 * Filter: space-separated terms, all must hold. `auc>0.6`, `model=ridge`, `seed!=3`, `tag:baseline`
 * compare a column (named by its label: a config key, a metric, or kind/status/seed/tags); any other
 * term matches a substring of the run's label, id, tags or note (case-insensitive).
 */
import type { CellValue, ExperimentColumn, ExperimentRow } from './table';

export interface FilterTerm {
  column?: string;
  op: '=' | '!=' | '<' | '<=' | '>' | '>=' | 'has';
  value: string;
}

const COMPARISON = /^([^<>=!]+?)(<=|>=|!=|=|<|>)(.*)$/;

export function parseFilter(text: string): FilterTerm[] {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .map((t): FilterTerm => {
      if (t.startsWith('tag:')) return { column: 'tags', op: 'has', value: t.slice(4).toLowerCase() };
      const m = COMPARISON.exec(t);
      return m ? { column: m[1], op: m[2] as FilterTerm['op'], value: m[3]! } : { op: 'has', value: t.toLowerCase() };
    });
}

/** The column a filter term names: exact label, or a unique suffix of a label (`auc` -> `test_auc`). */
function findColumn(columns: readonly ExperimentColumn[], name: string): ExperimentColumn | undefined {
  const exact = columns.filter((c) => c.label === name);
  if (exact.length) return exact.find((c) => c.kind === 'metric') ?? exact[0];
  const suffix = columns.filter((c) => c.label.endsWith(`_${name}`) || c.label.endsWith(`.${name}`));
  return suffix.length === 1 ? suffix[0] : undefined;
}

function compare(v: CellValue, op: FilterTerm['op'], raw: string): boolean {
  if (v === undefined || v === null) return op === '!=';
  const n = Number(raw);
  if (typeof v === 'number' && raw !== '' && Number.isFinite(n)) {
    switch (op) {
      case '=':
        return v === n;
      case '!=':
        return v !== n;
      case '<':
        return v < n;
      case '<=':
        return v <= n;
      case '>':
        return v > n;
      case '>=':
        return v >= n;
      default:
        return String(v).includes(raw);
    }
  }
  const s = String(v).toLowerCase();
  const r = raw.toLowerCase();
  if (op === '=') return s === r;
  if (op === '!=') return s !== r;
  if (op === 'has') return s.split(' ').includes(r);
  return op === '<' ? s < r : op === '<=' ? s <= r : op === '>' ? s > r : s >= r;
}

/**
 * Rows matching every term. A term naming no column is reported in `unknown` (the webview says so),
 * and filters nothing.
 */
export function filterRows(
  rows: readonly ExperimentRow[],
  columns: readonly ExperimentColumn[],
  text: string,
): { rows: ExperimentRow[]; unknown: string[] } {
  const unknown: string[] = [];
  const tests: ((r: ExperimentRow) => boolean)[] = [];
  for (const t of parseFilter(text)) {
    if (t.column === undefined) {
      tests.push((r) =>
        [r.run.label, r.run.id, r.run.note ?? '', ...(r.run.tags ?? [])].some((s) => s.toLowerCase().includes(t.value)),
      );
      continue;
    }
    const col = findColumn(columns, t.column);
    if (!col) {
      unknown.push(t.column);
      continue;
    }
    tests.push((r) => compare(r.values[col.key], t.op, t.value));
  }
  return { rows: rows.filter((r) => tests.every((f) => f(r))), unknown };
}

/** Missing values sort last in both directions; numbers numerically, text by locale. */
export function sortRows(rows: readonly ExperimentRow[], key: string, dir: 'asc' | 'desc'): ExperimentRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = a.values[key];
    const y = b.values[key];
    const xm = x === undefined || x === null || (typeof x === 'number' && Number.isNaN(x));
    const ym = y === undefined || y === null || (typeof y === 'number' && Number.isNaN(y));
    if (xm || ym) return xm && ym ? 0 : xm ? 1 : -1;
    if (typeof x === 'number' && typeof y === 'number') return sign * (x - y);
    return sign * String(x).localeCompare(String(y), undefined, { numeric: true });
  });
}

export type GroupBy = 'none' | 'seed' | 'scenario';

export interface MeanSd {
  mean: number;
  /** Sample standard deviation (n - 1); 0 for a single value. */
  sd: number;
  n: number;
}

export interface RowGroup {
  /** What the group's runs share, e.g. `scenario=median_impute` or `kind=cv model=ridge`. */
  key: string;
  rows: ExperimentRow[];
  /** Per metric column key. */
  stats: Record<string, MeanSd>;
}

export function meanSd(values: readonly number[]): MeanSd {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, n };
}

const SEED_KEY = /(^|\.)(seed|random_state)$/;

/**
 * Groups rows with mean ± sd of every metric. By `scenario`: runs with the same config `scenario`.
 * By `seed`: runs that differ only in their seed (kind and every changed config key but the seed
 * alike), so each group is one setting repeated over seeds.
 */
export function groupRows(
  rows: readonly ExperimentRow[],
  columns: readonly ExperimentColumn[],
  by: Exclude<GroupBy, 'none'>,
): RowGroup[] {
  const configKeys = columns.filter((c) => c.kind === 'config' && c.changed && !SEED_KEY.test(c.label));
  const metricKeys = columns.filter((c) => c.kind === 'metric').map((c) => c.key);
  const keyOf = (r: ExperimentRow): string => {
    if (by === 'scenario') return `scenario=${String(r.values['config:scenario'] ?? '(none)')}`;
    const parts = [`kind=${r.run.kind}`];
    for (const c of configKeys) if (r.values[c.key] !== undefined) parts.push(`${c.label}=${String(r.values[c.key])}`);
    return parts.join(' ');
  };
  const groups = new Map<string, ExperimentRow[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  return [...groups].map(([key, members]) => {
    const stats: Record<string, MeanSd> = {};
    for (const m of metricKeys) {
      const vs = members.map((r) => r.values[m]).filter((v): v is number => typeof v === 'number' && !Number.isNaN(v));
      if (vs.length) stats[m] = meanSd(vs);
    }
    return { key, rows: members, stats };
  });
}
