/**
 * backtest: equity curve over time with the drawdown below it, one line per group (portfolio,
 * window or run). Long curves are thinned with LTTB here (equity and drawdown separately, so the
 * deepest drawdown survives) and the renderer may thin further to the pixel width.
 */
import { lttbByGroup, takeRows } from '../lttb';
import { drawdown } from '../stats';
import { withDownsample, type ChartSpec } from '../types';
import { chart } from './common';

export interface EquitySeries {
  /** Epoch ms when `temporal`, else a bar/step index. */
  x: ArrayLike<number>;
  equity: ArrayLike<number>;
  /** Group of each point (portfolio / run); one curve when absent. */
  group?: readonly string[];
  temporal?: boolean;
}

export const EQUITY_POINTS = 2000;

/** Drawdown computed per group over the full series. */
function groupedDrawdown(
  equity: ArrayLike<number>,
  group: readonly string[],
): { values: Float64Array; relative: boolean } {
  const byGroup = new Map<string, number[]>();
  group.forEach((g, i) => {
    let l = byGroup.get(g);
    if (!l) byGroup.set(g, (l = []));
    l.push(i);
  });
  const values = new Float64Array(equity.length);
  let relative = true;
  for (const idx of byGroup.values()) {
    const d = drawdown(Float64Array.from(idx, (i) => equity[i]));
    relative &&= d.relative;
    idx.forEach((i, j) => (values[i] = d.drawdown[j]));
  }
  return { values, relative };
}

export function equityChart(
  series: EquitySeries,
  title = 'Equity and drawdown',
  maxPoints = EQUITY_POINTS,
): ChartSpec | undefined {
  const n = Math.min(series.x.length, series.equity.length);
  if (!n) return undefined;
  const group = series.group ?? new Array<string>(n).fill('equity');
  const x = Float64Array.from({ length: n }, (_, i) => series.x[i]);
  const eq = Float64Array.from({ length: n }, (_, i) => series.equity[i]);
  const dd = groupedDrawdown(eq, group);
  const eqKeep = lttbByGroup(group, x, eq, maxPoints);
  const ddKeep = lttbByGroup(group, x, dd.values, maxPoints);
  if (!eqKeep.length) return undefined;
  const xType = series.temporal === false ? 'quantitative' : 'temporal';
  const multi = new Set(group).size > 1;
  const color = multi ? { color: { field: 'group', type: 'nominal', title: null } } : {};
  let spec = {
    vconcat: [
      {
        width: 600,
        height: 220,
        data: { name: 'equity' },
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: {
          x: { field: 'x', type: xType, title: null },
          y: { field: 'equity', type: 'quantitative', title: 'equity', scale: { zero: false } },
          ...color,
          tooltip: [
            { field: 'x', type: xType, title: xType === 'temporal' ? 'time' : 'bar' },
            { field: 'group' },
            { field: 'equity', format: ',.4~f' },
          ],
        },
      },
      {
        width: 600,
        height: 110,
        data: { name: 'drawdown' },
        mark: {
          type: 'area',
          opacity: multi ? 0.35 : 0.6,
          ...(multi ? { line: true } : { color: '#e45756', line: { color: '#e45756' } }),
        },
        encoding: {
          x: { field: 'x', type: xType, title: null },
          y: {
            field: 'drawdown',
            type: 'quantitative',
            title: 'drawdown',
            ...(dd.relative ? { axis: { format: '%' } } : {}),
            stack: null,
          },
          ...color,
          tooltip: [
            { field: 'x', type: xType },
            { field: 'group' },
            { field: 'drawdown', format: dd.relative ? '.2%' : ',.4~f' },
          ],
        },
      },
    ],
    resolve: { scale: { x: 'shared' } },
  } as Record<string, unknown>;
  spec = withDownsample(spec, { data: 'equity', x: 'x', y: 'equity', groupBy: 'group' });
  spec = withDownsample(spec, { data: 'drawdown', x: 'x', y: 'drawdown', groupBy: 'group' });
  return chart('backtest-equity', title, spec, {
    equity: takeRows({ x, equity: eq, group }, eqKeep),
    drawdown: takeRows({ x, drawdown: dd.values, group }, ddKeep),
  });
}
