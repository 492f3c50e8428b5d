/**
 * Where the auditor cuts. A statistic fitted on the training rows (scale, preprocess) is causal
 * only from the end of its fit window on, so every cut lies after the latest fit boundary in the
 * audited cells: the last 'train' row of a split output, or the end of a preprocess cell's fit
 * window when its input has no split. Between that boundary and the last timestamp the cuts sit
 * at even quantiles; each is moved to the nearest source row with a null value within 2% of the
 * range, so a backward fill across a gap at the cut shows.
 */
import pl from 'nodejs-polars';
import type { Cell } from '../notebook/types';
import { SPLIT, SYMBOL, TIMESTAMP } from '../frame/dataset';
import type { PhaseResult } from '../spec/types';
import { valueColumns } from './perturb';
import { int64At, int64Values } from '../frame/int64';

interface HasResult {
  result?: PhaseResult;
}

const maxTs = (f: pl.DataFrame): number | undefined => {
  if (!f.height) return undefined;
  return int64At(f.select(pl.col(TIMESTAMP).cast(pl.Int64).max().alias('m')).getColumn('m'), 0) ?? undefined;
};

/** The latest timestamp a fitted statistic of these cells may have seen (undefined: none fits). */
export function fitBoundary(
  order: readonly string[],
  cells: ReadonlyMap<string, Cell>,
  base: ReadonlyMap<string, HasResult>,
): number | undefined {
  let b: number | undefined;
  const up = (x: number | undefined) => {
    if (x !== undefined) b = b === undefined ? x : Math.max(b, x);
  };
  // A preprocess cell's declared window is a boundary when it ends before the data does; one that
  // covers every row (fit_fraction: 1) is a fit on all rows, the leak, as soon as a split exists.
  const split = order.some((n) => base.get(n)?.result?.dataset?.frame.columns.includes(SPLIT));
  for (const name of order) {
    const f = base.get(name)?.result?.dataset?.frame;
    if (!f || !f.columns.includes(TIMESTAMP)) continue;
    if (f.columns.includes(SPLIT)) up(maxTs(f.filter(pl.col(SPLIT).eq(pl.lit('train')))));
    const cell = cells.get(name);
    if (cell?.type === 'phase' && cell.kind === 'preprocess') {
      const before = b;
      b = undefined;
      const c = cell.config as { fit_until?: string; fit_fraction?: number };
      if (typeof c.fit_until === 'string')
        up(
          Date.parse(
            /Z|[+-]\d\d:?\d\d$/.test(c.fit_until)
              ? c.fit_until
              : `${c.fit_until.replace(' ', 'T')}${c.fit_until.length === 10 ? 'T00:00:00' : ''}Z`,
          ) - 1,
        );
      else {
        const frac = typeof c.fit_fraction === 'number' ? c.fit_fraction : 0.7;
        const sym = f.columns.includes(SYMBOL) ? SYMBOL : undefined;
        const ranked = f
          .select(pl.col(TIMESTAMP).cast(pl.Int64).alias('t'), sym ? pl.col(SYMBOL) : pl.lit('').alias(SYMBOL))
          .sort([SYMBOL, 't'])
          .withColumns(pl.intRange(0, pl.len()).over(SYMBOL).alias('i'), pl.len().over(SYMBOL).alias('n'));
        up(
          maxTs(
            ranked
              .filter(pl.col('i').lt(pl.col('n').cast(pl.Float64).mul(frac).floor()))
              .select(pl.col('t').alias(TIMESTAMP)),
          ),
        );
      }
      const end = b;
      b = before;
      if (end !== undefined && (!split || end < (maxTs(f) ?? Infinity))) up(end);
    }
  }
  return b;
}

/** `count` cut times after `boundary` (or across the whole timeline), snapped to nulls when near. */
export function chooseCuts(sources: readonly pl.DataFrame[], boundary: number | undefined, count: number): number[] {
  const stamps = sources
    .filter((f) => f.columns.includes(TIMESTAMP))
    .map((f) => f.select(pl.col(TIMESTAMP).cast(pl.Int64).alias('t')));
  if (!stamps.length) return [];
  let all = pl.concat(stamps, { how: 'vertical' }).unique().sort('t');
  if (boundary !== undefined) all = all.filter(pl.col('t').gt(boundary));
  const ts = int64Values(all.getColumn('t')).filter((x): x is number => x !== null);
  // The last bar cannot be a cut: nothing after it to perturb.
  const n = ts.length - 1;
  if (n < 1) return [];
  const nulls = nullStamps(sources);
  const window = (ts[n] - ts[0]) * 0.02;
  const cuts = new Set<number>();
  for (let k = 1; k <= count; k++) {
    const at = ts[Math.min(n - 1, Math.floor((n * k) / (count + 1)))];
    const near = nulls
      .filter((x) => Math.abs(x - at) <= window && x < ts[n] && (boundary === undefined || x > boundary))
      .sort((x, y) => Math.abs(x - at) - Math.abs(y - at))[0];
    cuts.add(near ?? at);
  }
  return [...cuts].sort((x, y) => x - y);
}

function nullStamps(sources: readonly pl.DataFrame[]): number[] {
  const out: number[] = [];
  for (const f of sources) {
    const values = valueColumns(f);
    if (!f.columns.includes(TIMESTAMP) || !values.length) continue;
    const hit = f
      .filter(pl.anyHorizontal(values.map((c) => pl.col(c).isNull())))
      .select(pl.col(TIMESTAMP).cast(pl.Int64).alias('t'));
    for (const v of int64Values(hit.getColumn('t'))) if (v !== null) out.push(v);
  }
  return out;
}
