/**
 * The experiments table (docs/design.md §9): toolbar (filter, "show only what changed", group by
 * seed / scenario, columns, actions on the selection) over a virtualised grid of runs. The rows and
 * columns come from core/experiments (pure); this file only draws them and keeps the view state.
 */
import {
  buildExperimentsTable,
  visibleColumns,
  type ExperimentColumn,
  type ExperimentRow,
  type ExperimentRun,
  type DbRun,
  type ExperimentsTable,
} from '../../core/experiments/table';
import { filterRows, groupRows, sortRows, type GroupBy, type RowGroup } from '../../core/experiments/view';
import type { RunDbMetrics } from '../../core/experiments/dbMetrics';
import type { ExperimentsToHost, ExperimentsViewRequest, RenderedCell } from '../../extension/experiments/protocol';
import { el, formatNumber } from '../dom';
import { button, checkbox, dropdown } from '../ui';
import { virtualRows } from './virtualRows';

export interface ViewState {
  onlyChanged: boolean;
  hidden: string[];
  sort?: { key: string; dir: 'asc' | 'desc' };
  filter: string;
  groupBy: GroupBy;
}

export const DEFAULT_STATE: ViewState = { onlyChanged: true, hidden: [], filter: '', groupBy: 'none' };

type Item = { group: RowGroup } | { row: ExperimentRow };

export interface ExperimentsView {
  element: HTMLElement;
  setRuns(runs: readonly ExperimentRun[], reset: boolean): void;
  remove(dirs: readonly string[]): void;
  /** metrics.db's metrics of every run (replacing the last set). */
  setMetrics(runs: readonly RunDbMetrics[]): void;
  /** Grouping, filter or selection set by the host. */
  setView(view: ExperimentsViewRequest & { seq?: number }): void;
}

const SELECT_W = 28;
const LABEL_W = 300;
const COL_W = 120;
const METRIC_W = 160;

function localTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

function cellText(col: ExperimentColumn, row: ExperimentRow): string {
  const v = row.values[col.key];
  if (v === undefined || v === null) return '';
  if (col.key === 'run:created') return localTime(String(v));
  return typeof v === 'number' ? formatNumber(v) : String(v);
}

function cellTitle(col: ExperimentColumn, row: ExperimentRow): string {
  if (col.key === 'run:label') return [row.run.id, row.run.note].filter(Boolean).join('\n');
  const v = row.values[col.key];
  if (col.kind !== 'metric' || typeof v !== 'number') return `${col.label}: ${String(v ?? '—')}`;
  const ci = row.ci[col.label];
  return ci ? `${col.label} ${v} (95% CI ${formatNumber(ci.low)} – ${formatNumber(ci.high)})` : `${col.label} ${v}`;
}

function groupCells(g: RowGroup, columns: readonly ExperimentColumn[]): RenderedCell[] {
  return columns.map((c, j) => {
    const s = g.stats[c.key];
    if (j === 0) return { text: `${g.key} (${g.rows.length} run${g.rows.length === 1 ? '' : 's'})`, title: g.key };
    if (!s) return { text: '', title: '' };
    return {
      text: `${formatNumber(s.mean)} ± ${formatNumber(s.sd, 2)}`,
      title: `${c.label}: mean ${s.mean} ± sd ${s.sd} over ${s.n} runs`,
    };
  });
}

const itemCells = (it: Item, columns: readonly ExperimentColumn[]): RenderedCell[] =>
  'group' in it
    ? groupCells(it.group, columns)
    : columns.map((c) => ({ text: cellText(c, it.row), title: cellTitle(c, it.row) }));

export function experimentsView(
  post: (m: ExperimentsToHost) => void,
  initial: ViewState,
  save: (s: ViewState) => void,
): ExperimentsView {
  const state: ViewState = { ...DEFAULT_STATE, ...initial };
  const runs = new Map<string, ExperimentRun>();
  let db = new Map<string, DbRun>();
  const selected = new Set<string>();
  let table: ExperimentsTable = { columns: [], rows: [] };
  let items: Item[] = [];
  let columns: ExperimentColumn[] = [];
  let viewSeq = 0;

  const count = el('span', 'pb-grid-count');
  const unknown = el('span', 'pb-exp-unknown');
  const filter = el('input', 'pb-exp-filter');
  filter.type = 'search';
  filter.placeholder = 'Filter: auc>0.6 model=ridge tag:final text';
  filter.setAttribute('aria-label', 'Filter runs');
  filter.value = state.filter;
  filter.addEventListener('input', () => {
    state.filter = filter.value;
    refresh(false);
  });
  const chooser = el('div', 'pb-exp-columns');
  chooser.hidden = true;
  const actions = {
    open: button('Open dashboard', () => post({ type: 'openDashboards', dirs: [...selected] }), {
      title: 'Open the dashboard of each selected run',
    }),
    compare: button('Compare', () => post({ type: 'compare', dirs: [...selected] }), {
      title: 'Compare the selected runs (two or more)',
    }),
    stack: button('Train stacking', () => post({ type: 'trainStacking', dir: [...selected][0]! }), {
      title: 'Train stacking on the selected CV run',
    }),
  };
  const grouping = dropdown(
    [
      { value: 'none', label: 'No grouping' },
      { value: 'seed', label: 'Group over seeds' },
      { value: 'scenario', label: 'Group by scenario' },
    ],
    state.groupBy,
    (v) => {
      state.groupBy = v as GroupBy;
      refresh(false);
    },
    'Group rows (mean ± sd of every metric)',
  );
  const bar = el(
    'div',
    'pb-grid-bar pb-exp-bar',
    filter,
    unknown,
    checkbox('Show only what changed', state.onlyChanged, (on) => {
      state.onlyChanged = on;
      refresh(true);
    }),
    grouping,
    button('Columns…', () => (chooser.hidden = !chooser.hidden), { title: 'Show or hide columns' }),
    actions.open,
    actions.compare,
    actions.stack,
    count,
  );
  const grid = virtualRows(() => window.innerHeight - bar.offsetHeight - chooser.offsetHeight - 16);
  const element = el('div', 'pb-exp', bar, chooser, grid.element);

  const enable = (b: HTMLElement, on: boolean) => {
    if (on) b.removeAttribute('disabled');
    else b.setAttribute('disabled', '');
  };
  const updateActions = () => {
    const sel = [...selected].map((d) => runs.get(d)).filter((r): r is ExperimentRun => !!r);
    enable(actions.open, sel.length > 0);
    enable(actions.compare, sel.length > 1);
    enable(actions.stack, sel.length === 1 && sel[0]!.kind === 'cv' && sel[0]!.status === 'complete');
  };

  const drawChooser = () => {
    chooser.replaceChildren(
      ...table.columns
        .filter((c) => c.key !== 'run:label')
        .map((c) =>
          checkbox(`${c.label}${c.changed ? '' : ' (same everywhere)'}`, !state.hidden.includes(c.key), (on) => {
            state.hidden = on ? state.hidden.filter((k) => k !== c.key) : [...state.hidden, c.key];
            refresh(true);
          }),
        ),
    );
  };

  const header = (): HTMLElement => {
    const cells = columns.map((c) => {
      const arrow = state.sort?.key === c.key ? (state.sort.dir === 'asc' ? '▲' : '▼') : '';
      const h = el(
        'div',
        `pb-grid-cell pb-grid-hcell${c.kind === 'metric' ? ' pb-num' : ''}`,
        el('span', 'pb-grid-name', c.label),
        el('span', 'pb-sort-arrow', arrow),
      );
      h.dataset.column = c.key;
      h.title =
        `${c.kind === 'config' ? 'config key' : c.kind === 'metric' ? 'metric' : 'run'} ${c.label}: click to ` + `sort`;
      h.setAttribute('role', 'columnheader');
      h.setAttribute('aria-sort', arrow ? (state.sort!.dir === 'asc' ? 'ascending' : 'descending') : 'none');
      h.addEventListener('click', () => {
        const s = state.sort;
        state.sort =
          s?.key !== c.key ? { key: c.key, dir: 'asc' } : s.dir === 'asc' ? { key: c.key, dir: 'desc' } : undefined;
        refresh(true);
      });
      return h;
    });
    return el('div', 'pb-grid-row pb-grid-head', el('div', 'pb-grid-cell'), ...cells);
  };

  const drawRow = (i: number): HTMLElement => {
    const item = items[i]!;
    const cells = itemCells(item, columns).map((t, j) => {
      const cell = el('div', `pb-grid-cell${columns[j]!.kind === 'metric' ? ' pb-num' : ''}`, t.text);
      cell.title = t.title;
      return cell;
    });
    if ('group' in item) return el('div', 'pb-grid-row pb-exp-group', el('div', 'pb-grid-cell'), ...cells);
    const r = item.row;
    const on = selected.has(r.run.dir);
    const row = el(
      'div',
      `pb-grid-row pb-grid-data pb-exp-row${on ? ' pb-exp-selected' : ''}`,
      el('div', 'pb-grid-cell pb-exp-check', on ? '☑' : '☐'),
      ...cells,
    );
    row.dataset.dir = r.run.dir;
    row.setAttribute('role', 'row');
    row.setAttribute('aria-selected', String(on));
    row.addEventListener('click', () => {
      if (selected.has(r.run.dir)) selected.delete(r.run.dir);
      else selected.add(r.run.dir);
      updateActions();
      refresh(true);
    });
    row.addEventListener('dblclick', () => post({ type: 'openDashboards', dirs: [r.run.dir] }));
    return row;
  };

  function refresh(keepScroll: boolean): void {
    save(state);
    columns = visibleColumns(table, { onlyChanged: state.onlyChanged, hidden: new Set(state.hidden) });
    const widths = columns.map((c) => (c.key === 'run:label' ? LABEL_W : c.kind === 'metric' ? METRIC_W : COL_W));
    grid.element.style.setProperty('--pb-cols', [SELECT_W, ...widths].map((w) => `${w}px`).join(' '));
    grid.element.style.setProperty('--pb-width', `${widths.reduce((a, b) => a + b, SELECT_W)}px`);
    const filtered = filterRows(table.rows, table.columns, state.filter);
    unknown.textContent = filtered.unknown.length ? `no column ${filtered.unknown.join(', ')}` : '';
    const sorted = state.sort ? sortRows(filtered.rows, state.sort.key, state.sort.dir) : filtered.rows;
    let groups = 0;
    if (state.groupBy === 'none') items = sorted.map((row) => ({ row }));
    else {
      const gs = groupRows(sorted, table.columns, state.groupBy);
      groups = gs.length;
      items = gs.flatMap((g): Item[] => [{ group: g }, ...g.rows.map((row) => ({ row }))]);
    }
    count.textContent =
      `${filtered.rows.length.toLocaleString('en-US')} of ${table.rows.length.toLocaleString('en-US')} ` +
      `runs${selected.size ? ` · ${selected.size} selected` : ''}`;
    grid.setHead(header());
    grid.setRows(items.length, drawRow, keepScroll);
    updateActions();
    post({
      type: 'rendered',
      rows: filtered.rows.length,
      groups,
      columns: columns.map((c) => c.label),
      firstRows: items.slice(0, 5).map((it) => ('group' in it ? `group ${it.group.key}` : it.row.run.label)),
      firstCells: items.slice(0, 5).map((it) => itemCells(it, columns)),
      selected: [...selected],
      viewSeq,
    });
  }

  // Runs and metrics.db's metrics that arrive together (a reset, then the metrics) cost one table
  // build and one draw: the rebuild runs on the next frame, keeping the scroll only if every change did.
  let scheduled: { keepScroll: boolean } | undefined;
  const rebuild = (keepScroll: boolean) => {
    if (scheduled) {
      scheduled.keepScroll &&= keepScroll;
      return;
    }
    scheduled = { keepScroll };
    requestAnimationFrame(() => {
      const keep = scheduled!.keepScroll;
      scheduled = undefined;
      build(keep);
    });
  };
  const build = (keepScroll: boolean) => {
    table = buildExperimentsTable(
      [...runs.values()].sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : 0)),
      db,
    );
    drawChooser();
    refresh(keepScroll);
  };

  return {
    element,
    setRuns(list, reset) {
      if (reset) runs.clear();
      for (const r of list) runs.set(r.dir, r);
      rebuild(!reset);
    },
    remove(dirs) {
      for (const d of dirs) {
        runs.delete(d);
        selected.delete(d);
      }
      rebuild(true);
    },
    setMetrics(list) {
      db = new Map(list.map((r) => [r.runId, r]));
      rebuild(true);
    },
    setView(view) {
      if (view.seq !== undefined) viewSeq = view.seq;
      if (view.groupBy) state.groupBy = view.groupBy;
      if (view.filter !== undefined) filter.value = state.filter = view.filter;
      if (view.select) {
        selected.clear();
        for (const d of view.select) if (runs.has(d)) selected.add(d);
      }
      (grouping as HTMLElement & { value: string }).value = state.groupBy;
      refresh(true);
    },
  };
}
