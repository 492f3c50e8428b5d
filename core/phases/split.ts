/**
 * `split`: time-ordered train / val / test per symbol, by fractions of each symbol's rows or by
 * dates, with an embargo: the last `embargo` rows of a split that another split follows are
 * dropped, so no training label (which looks H bars ahead) overlaps the rows it is judged on.
 */
import pl from 'nodejs-polars';
import { splitTimelineChart } from '../charts';
import { chartToOutput, frameToColumns } from '../charts/frames';
import { UserError } from '../errors';
import { SPLIT, SYMBOL, TIMESTAMP, withDataset, type LabelInfo, type SplitName } from '../frame/dataset';
import type { ConfigOf } from '../base/schema';
import { registerPhase, type CommonConfig } from '../spec/registry';
import { splitSchema } from './specs/split';
import { emptyResult, type PhaseContext, type PhaseResult, type PhaseSpec } from '../spec/types';
import { int64Values } from '../frame/int64';

/** The config of a `split` cell, read off its key specs. */
export type SplitConfig = ConfigOf<typeof splitSchema.keys> & CommonConfig;

export interface SplitBuild {
  frame: pl.DataFrame;
  /** Rows per split after the embargo. */
  rows: Record<SplitName, number>;
  embargo: number;
  embargoDropped: number;
  /** Splits the config asks for, in time order. */
  requested: SplitName[];
  /** One row per (symbol, segment): symbol, split ('train'|'val'|'test'|'embargo'), start, end, rows. */
  segments: pl.DataFrame;
  warnings: string[];
}

const ORDER: SplitName[] = ['train', 'val', 'test'];

/** Parses a date for a boundary: a date or date-time; without an offset it is UTC. */
export function parseBoundary(s: string, cell: string | undefined, key: string): Date {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(s)
    ? `${s}T00:00:00Z`
    : /(Z|[+-]\d{2}:?\d{2})$/.test(s)
      ? s
      : `${s.replace(' ', 'T')}Z`;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime()))
    throw new UserError(`'${s}' is not a date (use YYYY-MM-DD or an ISO date-time; without an offset it is UTC)`, {
      cell,
      key,
    });
  return d;
}

/** The embargo in rows: the configured one (>= the largest label horizon) or that horizon. */
export function resolveEmbargo(embargo: number | undefined, labels: readonly LabelInfo[], cell?: string): number {
  const horizon = labels.reduce((m, l) => Math.max(m, l.horizon), 0);
  if (embargo === undefined) return horizon;
  if (!Number.isInteger(embargo) || embargo < 0)
    throw new UserError(`embargo ${embargo} must be a whole number of rows >= 0`, { cell, key: 'embargo' });
  if (embargo < horizon) {
    throw new UserError(
      `embargo ${embargo} is smaller than the label horizon ${horizon}: the last training labels would look ` +
        `into the validation rows. Use embargo >= ${horizon}.`,
      { cell, key: 'embargo' },
    );
  }
  return embargo;
}

/** Assigns the raw split (before the embargo) as an expression, and which splits are requested. */
function rawSplit(
  c: SplitConfig,
  cell: string | undefined,
): { expr: pl.Expr; requested: SplitName[]; describe: string } {
  if (c.fractions && c.dates)
    throw new UserError('set either `fractions:` or `dates:`, not both', { cell, key: 'dates' });
  if (c.dates) {
    const test = parseBoundary(c.dates.test, cell, 'dates.test');
    const val = c.dates.val === undefined ? undefined : parseBoundary(c.dates.val, cell, 'dates.val');
    if (val && val.getTime() >= test.getTime())
      throw new UserError(`dates.val (${c.dates.val}) must be before dates.test (${c.dates.test})`, {
        cell,
        key: 'dates.val',
      });
    const ts = pl.col(TIMESTAMP);
    const lit = (d: Date) => pl.lit(d).cast(pl.Datetime('ms', 'UTC'));
    const expr = val
      ? pl
          .when(ts.lt(lit(val)))
          .then(pl.lit('train'))
          .when(ts.lt(lit(test)))
          .then(pl.lit('val'))
          .otherwise(pl.lit('test'))
      : pl
          .when(ts.lt(lit(test)))
          .then(pl.lit('train'))
          .otherwise(pl.lit('test'));
    return {
      expr,
      requested: val ? ORDER : ['train', 'test'],
      describe: `dates ${val ? `val ${val.toISOString()}, ` : ''}test ${test.toISOString()}`,
    };
  }
  const f = c.fractions ?? [0.7, 0.15, 0.15];
  if (f.length !== 2 && f.length !== 3)
    throw new UserError(`fractions needs 3 numbers [train, val, test] (or 2: [train, test]), got ${f.length}`, {
      cell,
      key: 'fractions',
    });
  if (f.some((x) => !(x >= 0 && x <= 1)))
    throw new UserError(`fractions must each be between 0 and 1, got [${f.join(', ')}]`, { cell, key: 'fractions' });
  const sum = f.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-6)
    throw new UserError(`fractions must add up to 1, got ${+sum.toFixed(6)} from [${f.join(', ')}]`, {
      cell,
      key: 'fractions',
    });
  const [train, val, test] = f.length === 3 ? f : [f[0], 0, f[1]];
  const requested = ORDER.filter((_, i) => [train, val, test][i] > 0);
  const idx = pl.intRange(0, pl.len()).over(SYMBOL);
  const n = pl.len().over(SYMBOL).cast(pl.Float64);
  const expr = pl
    .when(idx.lt(n.mul(train).floor()))
    .then(pl.lit('train'))
    .when(idx.lt(n.mul(train + val).floor()))
    .then(pl.lit('val'))
    .otherwise(pl.lit('test'));
  return { expr, requested, describe: `fractions [${f.join(', ')}]` };
}

/** Pure split of a frame (sorted by symbol then time on the way). */
export function assignSplits(
  input: pl.DataFrame,
  c: SplitConfig,
  labels: readonly LabelInfo[] = [],
  cell?: string,
): SplitBuild {
  for (const col of [SYMBOL, TIMESTAMP])
    if (!input.columns.includes(col))
      throw new UserError(`the input has no '${col}' column: splits are made per symbol in time order`, { cell });
  const embargo = resolveEmbargo(c.embargo, labels, cell);
  const { expr, requested, describe } = rawSplit(c, cell);
  const warnings: string[] = [];
  let base = input;
  if (base.columns.includes(SPLIT)) {
    warnings.push("the input already had a 'split' column; it was replaced");
    base = base.drop(SPLIT);
  }
  const raw = pl.col('__raw');
  const code = pl
    .when(raw.eq(pl.lit('train')))
    .then(pl.lit(0))
    .when(raw.eq(pl.lit('val')))
    .then(pl.lit(1))
    .otherwise(pl.lit(2))
    .cast(pl.Int32);
  const flagged = base
    .lazy()
    .sort([SYMBOL, TIMESTAMP])
    .withColumns(expr.alias('__raw'))
    .withColumns(
      pl.intRange(0, pl.len()).over(SYMBOL, '__raw').alias('__pos'),
      pl.len().over(SYMBOL, '__raw').cast(pl.Int64).alias('__n'),
      code.alias('__code'),
    )
    .withColumns(
      pl
        .col('__code')
        .lt(pl.col('__code').max().over(SYMBOL))
        .and(
          pl
            .col('__n')
            .sub(pl.col('__pos'))
            .lt(embargo + 1),
        )
        .and(pl.lit(embargo > 0))
        .alias('__embargo'),
    )
    .collectSync();
  // One small frame (a few rows per symbol) answers every count below.
  const segments = flagged
    .lazy()
    .groupBy([SYMBOL, '__raw', '__embargo'])
    .agg(
      pl.col(TIMESTAMP).min().alias('start'),
      pl.col(TIMESTAMP).max().alias('end'),
      pl.len().cast(pl.Float64).alias('rows'),
      pl.col('__code').first().alias('__code'),
    )
    .select(
      pl.col(SYMBOL),
      pl.when(pl.col('__embargo')).then(pl.lit('embargo')).otherwise(pl.col('__raw')).alias('split'),
      pl.col('start'),
      pl.col('end'),
      pl.col('rows'),
      pl.col('__code').mul(2).add(pl.col('__embargo').cast(pl.Int32)).alias('__order'),
    )
    .sort([SYMBOL, '__order'])
    .drop('__order')
    .collectSync();
  const frame = flagged
    .lazy()
    .filter(pl.col('__embargo').not())
    .withColumns(pl.col('__raw').alias(SPLIT))
    .drop(['__raw', '__pos', '__n', '__code', '__embargo'])
    .collectSync();
  const segSymbol = segments.getColumn(SYMBOL).toArray() as string[];
  const segSplit = segments.getColumn('split').toArray() as (SplitName | 'embargo')[];
  const segRows = int64Values(segments.getColumn('rows')) as number[];
  const rows: Record<SplitName, number> = { train: 0, val: 0, test: 0 };
  let embargoDropped = 0;
  const have: Record<SplitName, Set<string>> = { train: new Set(), val: new Set(), test: new Set() };
  segSplit.forEach((s, i) => {
    if (s === 'embargo') embargoDropped += segRows[i];
    else {
      rows[s] += segRows[i];
      have[s].add(segSymbol[i]);
    }
  });

  for (const s of requested) {
    if (rows[s] === 0) {
      throw new UserError(
        `split '${s}' is empty (${describe}, embargo ${embargo} rows): ${input.height} input rows give train ` +
          `${rows.train}, val ${rows.val}, test ${rows.test}`,
        { cell, key: c.dates ? `dates` : 'fractions' },
        [
          s === 'train'
            ? 'move the first boundary later'
            : 'check the boundaries against the data range, or lower the embargo if the data is short',
        ],
      );
    }
  }
  const symbols = [...new Set(segSymbol)].sort();
  for (const s of requested) {
    const missing = symbols.filter((x) => !have[s].has(x));
    if (missing.length)
      warnings.push(
        `split '${s}' has no rows for symbol${missing.length > 1 ? 's' : ''} ` +
          `${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', ...' : ''}`,
      );
  }
  return { frame, rows, embargo, embargoDropped, requested, segments, warnings };
}

async function run(config: SplitConfig, inputs: PhaseResult[], ctx: PhaseContext): Promise<PhaseResult> {
  const ds = inputs[0]?.dataset;
  if (!ds)
    throw new UserError("'split' needs an upstream cell that produces data", { cell: ctx.cell.name, key: 'from' });
  const built = assignSplits(ds.frame, config, ds.labels, ctx.cell.name);
  const total = built.frame.height;
  const summary: PhaseResult['summary'] = {};
  for (const s of ORDER) if (built.requested.includes(s)) summary[`${s}_rows`] = built.rows[s];
  summary.embargo = built.embargo;
  summary.embargo_dropped_rows = built.embargoDropped;
  const metrics: Record<string, number> = {};
  for (const s of built.requested) metrics[`${s}_fraction`] = built.rows[s] / total;
  return emptyResult({
    dataset: withDataset(ds, { frame: built.frame }),
    summary,
    metrics,
    charts: [chartToOutput(splitTimelineChart(frameToColumns(built.segments)))],
    tables: [{ title: 'Split segments per symbol', frame: built.segments }],
    warnings: built.warnings,
  });
}

export const splitPhase: PhaseSpec<SplitConfig> = {
  ...splitSchema,
  run,
};

registerPhase(splitPhase);
