/**
 * `align`: resamples several feeds (the cells in `from:`) to one bar size and joins them as-of,
 * per symbol, onto the bars of the first feed, so that no bar sees data stamped after its close.
 *
 * Bar convention: a bar is labelled by its OPEN time t and covers [t, t + every); its close is
 * t + every. A feed's bar t aggregates the rows stamped in [t, t + every). The as-of join takes,
 * for base bar t, the latest feed bar labelled <= t, so every value joined onto bar t was stamped
 * strictly before t + every, the bar's close. A value stamped exactly at the close belongs to the
 * next bar.
 */
import pl from 'nodejs-polars';
import { UserError } from '../errors';
import { withDataset } from '../frame/dataset';
import type { Dataset } from '../frame/dataset';
import { parseDuration } from '../frame/contracts';
import { dtypeOf } from '../frame/contractTypes';
import type { ConfigOf } from '../base/schema';
import { registerPhase, type CommonConfig } from '../spec/registry';
import { AGGREGATIONS, alignSchema } from './specs/align';
import { emptyResult } from '../spec/types';
import type { ChartOutput, PhaseContext, PhaseResult, PhaseSpec } from '../spec/types';
import { mergeLabels, passedThrough } from '../frame/provenance';

export type Aggregation = (typeof AGGREGATIONS)[number];

/** The config of a `align` cell, read off its key specs. */
export type AlignConfig = ConfigOf<typeof alignSchema.keys> & CommonConfig;

/** How a column is aggregated into a bar when `agg:` does not say: OHLC by meaning, flows summed, levels last. */
export function defaultAggregation(column: string): Aggregation {
  const c = column.toLowerCase();
  if (c === 'open') return 'first';
  if (c === 'high') return 'max';
  if (c === 'low') return 'min';
  if (/volume|liquidation|trades|count/.test(c)) return 'sum';
  return 'last';
}

function aggExpr(column: string, how: Aggregation): pl.Expr {
  const c = pl.col(column);
  const e =
    how === 'first'
      ? c.first()
      : how === 'last'
        ? c.last()
        : how === 'min'
          ? c.min()
          : how === 'max'
            ? c.max()
            : how === 'sum'
              ? c.sum()
              : c.mean();
  return e.alias(column);
}

/** Resamples a canonical frame (timestamp, symbol, values) into bars of `everyMs`, labelled by open time. */
export function resampleBars(
  frame: pl.DataFrame,
  everyMs: number,
  agg: Record<string, Aggregation> = {},
): pl.DataFrame {
  const values = frame.columns.filter((c) => c !== 'timestamp' && c !== 'symbol');
  // `last` within a bar must mean the latest stamp: sort by time first (stable).
  return frame
    .sort({ by: ['symbol', 'timestamp'], maintainOrder: true })
    .withColumns(pl.col('timestamp').dt.truncate(`${everyMs}ms`).alias('timestamp'))
    .groupBy(['symbol', 'timestamp'])
    .agg(...values.map((c) => aggExpr(c, agg[c] ?? defaultAggregation(c))))
    .sort(['symbol', 'timestamp'])
    .select('timestamp', 'symbol', ...values);
}

export interface FeedReport {
  feed: string;
  /** Bars of the aligned frame. */
  bars: number;
  /** Bars with data of this feed in the bar itself. */
  fresh: number;
  /** Bars that took an earlier bar's value (carried forward as-of). */
  carried: number;
  /** Bars with no value (no earlier data, or older than max_staleness). */
  missing: number;
  /** For the base feed: bars absent between each symbol's first and last bar. */
  gaps?: number;
}

export interface AlignedFeeds {
  frame: pl.DataFrame;
  report: FeedReport[];
  /** Renamed columns, feed -> { original: new }. */
  renamed: Record<string, Record<string, string>>;
}

export interface Feed {
  name: string;
  frame: pl.DataFrame;
}

/** The pure part of `align`: resample every feed, join the others as-of onto the first. */
export function alignFeeds(
  feeds: Feed[],
  everyMs: number,
  opts: { agg?: Record<string, Aggregation>; maxStalenessMs?: number } = {},
): AlignedFeeds {
  const [base, ...others] = feeds;
  let frame = resampleBars(base.frame, everyMs, opts.agg);
  const gaps = frame.height
    ? Number(
        frame
          .groupBy('symbol')
          .agg(pl.col('timestamp').min().alias('a'), pl.col('timestamp').max().alias('b'), pl.len().alias('n'))
          .select(pl.col('b').sub(pl.col('a')).cast(pl.Int64).div(everyMs).add(1).sub(pl.col('n')).sum())
          .row(0)[0],
      )
    : 0;
  const report: FeedReport[] = [
    { feed: base.name, bars: frame.height, fresh: frame.height, carried: 0, missing: 0, gaps },
  ];
  const renamed: Record<string, Record<string, string>> = {};
  for (const feed of others) {
    let bars = resampleBars(feed.frame, everyMs, opts.agg);
    const map: Record<string, string> = {};
    for (const c of bars.columns) {
      if (c !== 'timestamp' && c !== 'symbol' && frame.columns.includes(c)) map[c] = `${feed.name}_${c}`;
    }
    if (Object.keys(map).length) bars = bars.rename(map);
    renamed[feed.name] = map;
    const marker = `__bar_${feed.name}`;
    bars = bars.withColumns(pl.col('timestamp').alias(marker));
    const joined = frame.joinAsof(bars, {
      on: 'timestamp',
      by: 'symbol',
      strategy: 'backward',
      checkSortedness: false,
      ...(opts.maxStalenessMs !== undefined ? { tolerance: `${opts.maxStalenessMs}ms` } : {}),
    });
    const counts = joined
      .select(
        pl.col(marker).isNull().sum().alias('missing'),
        pl.col(marker).eq(pl.col('timestamp')).sum().alias('fresh'),
      )
      .row(0)
      .map(Number);
    report.push({
      feed: feed.name,
      bars: joined.height,
      fresh: counts[1],
      carried: joined.height - counts[0] - counts[1],
      missing: counts[0],
    });
    frame = joined.drop(marker);
  }
  return { frame, report, renamed };
}

function feedNames(config: AlignConfig, count: number): string[] {
  const from = config.from === undefined ? [] : Array.isArray(config.from) ? config.from : [config.from];
  return Array.from({ length: count }, (_, i) => from[i] ?? `feed_${i + 1}`);
}

function checkFeed(name: string, d: Dataset | undefined): Feed {
  if (!d) throw new UserError(`upstream cell '${name}' produces no frame to align`, { key: 'from' });
  for (const c of ['timestamp', 'symbol']) {
    if (!d.frame.columns.includes(c))
      throw new UserError(`frame of '${name}' has no '${c}' column (load it with a \`load\` cell)`, { key: 'from' });
  }
  if (dtypeOf(d.frame, 'timestamp').variant !== 'Datetime')
    throw new UserError(`'timestamp' of '${name}' is not a datetime`, { key: 'from' });
  return { name, frame: d.frame };
}

function missingChart(report: FeedReport[]): ChartOutput {
  return {
    id: 'align-missing',
    title: 'Bars per feed: fresh, carried forward, missing',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      data: { name: 'feeds' },
      mark: 'bar',
      encoding: {
        x: { field: 'feed', type: 'nominal', sort: null },
        y: { field: 'bars', type: 'quantitative', stack: 'zero' },
        color: { field: 'state', type: 'nominal', sort: ['fresh', 'carried', 'missing'] },
      },
    },
    data: {
      feeds: pl.DataFrame({
        feed: report.flatMap((r) => [r.feed, r.feed, r.feed]),
        state: report.flatMap(() => ['fresh', 'carried', 'missing']),
        bars: report.flatMap((r) => [r.fresh, r.carried, r.missing]),
      }),
    },
  };
}

export async function runAlign(config: AlignConfig, inputs: PhaseResult[], ctx: PhaseContext): Promise<PhaseResult> {
  if (!config.every) throw new UserError('`every:` is required (the bar size, e.g. 1h)', { key: 'every' });
  const everyMs = parseDuration(config.every, 'every');
  if (everyMs < 1) throw new UserError(`bar size '${config.every}' is too small`, { key: 'every' });
  const maxStalenessMs =
    config.max_staleness !== undefined ? parseDuration(config.max_staleness, 'max_staleness') : undefined;
  if (!inputs.length) throw new UserError('align needs upstream feeds in `from:`', { key: 'from' });
  const names = feedNames(config, inputs.length);
  const feeds = inputs.map((r, i) => checkFeed(names[i], r.dataset));
  const { frame, report, renamed } = alignFeeds(feeds, everyMs, { agg: config.agg, maxStalenessMs });
  ctx.progress(0.9, 'joined');
  const warnings: string[] = [];
  for (const [feed, map] of Object.entries(renamed)) {
    for (const [from, to] of Object.entries(map))
      warnings.push(`column '${from}' of '${feed}' clashes with an earlier feed; renamed to '${to}'`);
  }
  for (const r of report.slice(1))
    if (r.missing === r.bars && r.bars > 0)
      warnings.push(`feed '${r.feed}' has no data at or before any bar (check its symbols and time span)`);
  const summary: Record<string, number | string> = {
    rows: frame.height,
    columns: frame.width,
    every: config.every,
    feeds: feeds.length,
    gaps: report[0].gaps ?? 0,
  };
  for (const r of report.slice(1)) summary[`missing_${r.feed}`] = r.missing;
  const base = inputs[0].dataset as Dataset;
  const sources = [...new Set(inputs.flatMap((r) => r.dataset?.sources ?? []))];
  // Labels of every feed stay labels (renamed with their columns): a label joined in from a
  // second feed is as much the future as one built on the first.
  const labels = mergeLabels(
    ...inputs.map((r, i) =>
      (r.dataset?.labels ?? [])
        .filter((l) => frame.columns.includes(renamed[names[i]]?.[l.column] ?? l.column))
        .map((l) =>
          passedThrough(
            l,
            `feed '${names[i]}' of align cell '${ctx.cell.name}'`,
            renamed[names[i]]?.[l.column] ?? l.column,
          ),
        ),
    ),
  );
  return emptyResult({
    dataset: withDataset(base, { frame, sources, labels }),
    summary,
    metrics: Object.fromEntries(report.map((r) => [`missing_rate_${r.feed}`, r.bars ? r.missing / r.bars : 0])),
    charts: [missingChart(report)],
    tables: [
      {
        title: 'missing data per feed',
        frame: pl.DataFrame({
          feed: report.map((r) => r.feed),
          bars: report.map((r) => r.bars),
          fresh: report.map((r) => r.fresh),
          carried: report.map((r) => r.carried),
          missing: report.map((r) => r.missing),
          gaps: report.map((r) => r.gaps ?? null),
        }),
      },
    ],
    value: report,
    warnings,
  });
}

export const alignPhase: PhaseSpec<AlignConfig> = {
  ...alignSchema,
  run: runAlign,
};

registerPhase(alignPhase);
