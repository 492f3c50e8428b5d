/**
 * The auditor's perturbation and comparison (issue 12, docs/drafts/i12a.md).
 *
 * Perturbation: within each symbol, the rows stamped after the cut T swap their value columns as
 * whole rows (timestamp and symbol stay), seeded, and only among rows with the same null pattern;
 * then every float value after T is multiplied by one seeded factor per symbol (0.8-0.95 or
 * 1.05-1.2), so sums, means, quantiles and variances over all rows move too (a permutation alone
 * keeps them). OHLC relations still hold (a positive factor keeps high >= open, close >= low),
 * validation still passes, nulls stay where they were (a null-drop keeps its row count).
 *
 * Comparison: the rows stamped <= T (label columns: <= T minus their horizon, counted in bars of
 * the frame the label was built on) must be equal — same rows, and every value equal (nulls and
 * NaNs equal only themselves, floats to 1e-9 relative).
 */
import pl from 'nodejs-polars';
import { differs } from '../frame/compareFrames';
import { int64At, int64Values } from '../frame/int64';
import { SYMBOL, TIMESTAMP } from '../frame/dataset';
import { mulberry32 } from '../ml/rng';

const KEYS = new Set([TIMESTAMP, SYMBOL]);

export function valueColumns(frame: pl.DataFrame): string[] {
  return frame.columns.filter((c) => !KEYS.has(c));
}

/** Rows after `cutMs` permuted per symbol and null pattern (whole value rows move together). */
export function perturbAfter(frame: pl.DataFrame, cutMs: number, seed: number): pl.DataFrame {
  if (!frame.columns.includes(TIMESTAMP)) return frame;
  const values = valueColumns(frame);
  if (!values.length) return frame;
  const sym = frame.columns.includes(SYMBOL) ? [pl.col(SYMBOL).cast(pl.Utf8)] : [];
  const sig = pl
    .concatString([...sym, ...values.map((c) => pl.col(c).isNull().cast(pl.Int8).cast(pl.Utf8))], '|')
    .alias('__g');
  const ts = pl.col(TIMESTAMP).cast(pl.Int64);
  const indexed = frame.withColumns(pl.intRange(0, pl.len()).alias('__row'), sig);
  const future = indexed.filter(ts.gt(cutMs));
  if (future.height < 2) return frame;
  const rnd = mulberry32(seed);
  const keys = Float64Array.from({ length: future.height }, () => rnd());
  const ranked = future
    .withColumns(pl.Series('__r', keys))
    .withColumns(
      pl.col('__row').rank('ordinal').over('__g').alias('__pos'),
      pl.col('__r').rank('ordinal').over('__g').alias('__rpos'),
    );
  const slots = ranked.select('__row', '__g', '__pos', TIMESTAMP, ...(sym.length ? [SYMBOL] : []));
  const donors = ranked.select(pl.col('__g'), pl.col('__rpos').alias('__pos'), ...values.map((c) => pl.col(c)));
  const floats = values.filter(
    (c) => frame.getColumn(c).dtype.equals(pl.Float64) || frame.getColumn(c).dtype.equals(pl.Float32),
  );
  const syms = sym.length ? (future.getColumn(SYMBOL).cast(pl.Utf8).unique().sort().toArray() as string[]) : [''];
  const factors = pl.DataFrame({
    __s: syms,
    __f: syms.map(() => {
      const u = rnd();
      return u < 0.5 ? 0.8 + 0.3 * u : 1.05 + 0.3 * (u - 0.5);
    }),
  });
  const moved = slots
    .join(donors, { on: ['__g', '__pos'], how: 'left' })
    .withColumns(sym.length ? pl.col(SYMBOL).cast(pl.Utf8).alias('__s') : pl.lit('').alias('__s'))
    .join(factors, { on: '__s', how: 'left' })
    .withColumns(...floats.map((c) => pl.col(c).mul(pl.col('__f')).cast(frame.getColumn(c).dtype).alias(c)))
    .select('__row', ...frame.columns);
  const past = indexed.filter(ts.gt(cutMs).not()).select('__row', ...frame.columns);
  return pl
    .concat([past, moved.select(...past.columns)], { how: 'vertical' })
    .sort('__row')
    .drop('__row');
}

export interface Moved {
  column: string;
  firstMs: number;
  symbol?: string;
  rowsCompared: number;
  rowsMoved: number;
}

/**
 * Per-symbol last timestamp at which a label of horizon h may be compared for cut T: h bars of `bars` before the last
 * bar <= T.
 */
export function labelCutoffs(bars: pl.DataFrame, cutMs: number, horizon: number): Map<string, number> {
  const out = new Map<string, number>();
  if (!bars.columns.includes(TIMESTAMP)) return out;
  const f = bars.select(
    pl.col(TIMESTAMP).cast(pl.Int64).alias('t'),
    bars.columns.includes(SYMBOL) ? pl.col(SYMBOL).cast(pl.Utf8).alias('s') : pl.lit('').alias('s'),
  );
  const per = f
    .filter(pl.col('t').lt(cutMs + 1))
    .sort(['s', 't'])
    .groupBy('s')
    .agg(
      pl
        .col('t')
        .tail(horizon + 1)
        .first()
        .alias('c'),
      pl.len().alias('n'),
    );
  const s = per.getColumn('s').toArray() as string[];
  const c = int64Values(per.getColumn('c'));
  const n = int64Values(per.getColumn('n').cast(pl.Int64));
  s.forEach((sym, i) => {
    if (Number(n[i]) > horizon) out.set(sym, Number(c[i]));
  });
  return out;
}

function prefix(frame: pl.DataFrame, cutMs: number): pl.DataFrame {
  const cols = frame.columns.includes(SYMBOL) ? [TIMESTAMP, SYMBOL] : [TIMESTAMP];
  return frame
    .filter(
      pl
        .col(TIMESTAMP)
        .cast(pl.Int64)
        .lt(cutMs + 1),
    )
    .sort({ by: cols, maintainOrder: true });
}

/**
 * The columns of `after` that moved at <= T compared with `before`. `labels` maps a label
 * column to its per-symbol cutoff (rows after it are not compared). A different set of rows
 * at <= T is reported as column '(rows)'.
 */
export function movedColumns(
  before: pl.DataFrame,
  after: pl.DataFrame,
  cutMs: number,
  labels: ReadonlyMap<string, Map<string, number>>,
): Moved[] {
  let a = prefix(before, cutMs);
  let b = prefix(after, cutMs);
  const hasSym = a.columns.includes(SYMBOL);
  const ts = (f: pl.DataFrame) => f.getColumn(TIMESTAMP).cast(pl.Int64);
  const keysOf = (f: pl.DataFrame) =>
    pl.DataFrame([
      ts(f).alias('t'),
      ...(hasSym && f.columns.includes(SYMBOL) ? [f.getColumn(SYMBOL).cast(pl.Utf8).alias('s')] : []),
    ]);
  let keysA = keysOf(a);
  const keysB = keysOf(b);
  if (a.height !== b.height || !keysA.frameEqual(keysB)) {
    const both = pl.concat([keysA.withColumns(pl.lit(1).alias('w')), keysB.withColumns(pl.lit(-1).alias('w'))], {
      how: 'vertical',
    });
    const diff = both.groupBy(keysA.columns).agg(pl.col('w').sum().alias('w')).filter(pl.col('w').neq(0)).sort('t');
    const first = diff.height
      ? (int64At(diff.getColumn('t'), 0) as number)
      : (int64At(keysA.getColumn('t'), 0) ?? cutMs);
    // Which rows a frame with labels keeps may depend on the labels (a flat class dropped, a null
    // target): rows whose label reaches past the cut may come and go. Only a change in rows before
    // every label's cutoff is a leak; otherwise the rows both frames have are compared.
    const rowCut = Math.min(cutMs, ...[...labels.values()].flatMap((m) => [...m.values()]));
    if (!labels.size || first <= rowCut || !hasSym || !b.columns.includes(SYMBOL)) {
      return [
        {
          column: '(rows)',
          firstMs: first,
          rowsCompared: Math.max(a.height, b.height),
          rowsMoved: Math.max(1, diff.height),
        },
      ];
    }
    const on = [TIMESTAMP, SYMBOL];
    const common = (f: pl.DataFrame, other: pl.DataFrame) => f.join(other.select(...on), { on, how: 'semi' });
    [a, b] = [common(a, b), common(b, a)];
    keysA = keysOf(a);
    if (!keysA.frameEqual(keysOf(b)))
      return [
        {
          column: '(rows)',
          firstMs: first,
          rowsCompared: Math.max(a.height, b.height),
          rowsMoved: Math.max(1, diff.height),
        },
      ];
  }
  const out: Moved[] = [];
  const sym = hasSym ? keysA.getColumn('s') : undefined;
  for (const col of a.columns) {
    if (KEYS.has(col)) continue;
    if (!b.columns.includes(col)) {
      out.push({
        column: col,
        firstMs: int64At(keysA.getColumn('t'), 0) ?? cutMs,
        rowsCompared: a.height,
        rowsMoved: a.height,
      });
      continue;
    }
    const numeric = a.getColumn(col).isNumeric();
    let f: pl.DataFrame = pl.DataFrame([
      keysA.getColumn('t'),
      ...(sym ? [sym] : []),
      a.getColumn(col).alias('__a'),
      b.getColumn(col).alias('__b'),
    ]);
    const cut = labels.get(col);
    if (cut) {
      const table = pl.DataFrame({ s: [...cut.keys()], c: [...cut.values()] });
      f = f
        .withColumns(sym ? pl.col('s') : pl.lit('').alias('s'))
        .join(table, { on: 's', how: 'left' })
        .filter(
          pl
            .col('c')
            .isNotNull()
            .and(pl.col('t').lt(pl.col('c').add(1))),
        );
    }
    const m = f.filter(differs(numeric)).sort('t');
    if (m.height)
      out.push({
        column: col,
        firstMs: int64At(m.getColumn('t'), 0) as number,
        symbol: sym ? String(m.getColumn('s').get(0)) : undefined,
        rowsCompared: f.height,
        rowsMoved: m.height,
      });
  }
  return out;
}
