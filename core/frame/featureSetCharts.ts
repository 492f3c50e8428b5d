/**
 * Charts of a feature set: a histogram per feature and the correlation matrix. The binning and
 * the correlations are computed in polars; the specs are vega-lite with named data frames.
 */
import pl from 'nodejs-polars';
import type { ChartOutput } from '../phases/types';

/** At most this many features are charted (the first ones, in order). */
export const MAX_CHARTED_FEATURES = 24;
const BINS = 30;

/** Charts read at most this many rows (every k-th row of a longer frame). */
export const MAX_CHARTED_ROWS = 100_000;

function thinned(frame: pl.DataFrame): pl.DataFrame {
  return frame.height > MAX_CHARTED_ROWS ? frame.gatherEvery(Math.ceil(frame.height / MAX_CHARTED_ROWS)) : frame;
}

/** Long frame (feature, bin_start, bin_end, count) with `bins` equal-width bins per feature; one polars query. */
export function featureHistograms(frame: pl.DataFrame, features: readonly string[], bins = BINS): pl.DataFrame {
  const x = pl.col('x');
  const lo = x.min().over('feature');
  const hi = x.max().over('feature');
  const width = pl.when(hi.gt(lo)).then(hi.sub(lo).div(bins)).otherwise(pl.lit(1));
  return thinned(frame)
    .lazy()
    .select(...features.map((f) => pl.col(f).cast(pl.Float64)))
    .unpivot([], [...features], { variableName: 'feature', valueName: 'x' })
    .filter(x.isNotNull().and(x.isFinite()))
    .withColumns(lo.alias('lo'), width.alias('width'))
    .withColumns(x.sub(pl.col('lo')).div(pl.col('width')).floor().clip(0, bins - 1).alias('bin'))
    .groupBy(['feature', 'bin'])
    .agg(pl.len().cast(pl.Float64).alias('count'), pl.col('lo').first(), pl.col('width').first())
    .select(
      pl.col('feature'),
      pl.col('bin').mul(pl.col('width')).add(pl.col('lo')).alias('bin_start'),
      pl.col('bin').add(1).mul(pl.col('width')).add(pl.col('lo')).alias('bin_end'),
      pl.col('count'),
    )
    .sort(['feature', 'bin_start'])
    .collectSync();
}

/** Long frame (a, b, r): Pearson correlation of every pair of features (both orders, diagonal = 1). */
export function featureCorrelations(frame: pl.DataFrame, features: readonly string[]): pl.DataFrame {
  const exprs: pl.Expr[] = [];
  const pairs: [string, string][] = [];
  for (let i = 0; i < features.length; i++) {
    for (let j = i + 1; j < features.length; j++) {
      exprs.push(pl.pearsonCorr(pl.col(features[i]).cast(pl.Float64), pl.col(features[j]).cast(pl.Float64)).alias(`c${exprs.length}`));
      pairs.push([features[i], features[j]]);
    }
  }
  const values: number[] = exprs.length ? (thinned(frame).select(...exprs).row(0) as (number | null)[]).map((v) => (v === null || !Number.isFinite(v) ? NaN : v)) : [];
  const a: string[] = [];
  const b: string[] = [];
  const r: number[] = [];
  for (const f of features) (a.push(f), b.push(f), r.push(1));
  pairs.forEach(([x, y], k) => {
    a.push(x, y);
    b.push(y, x);
    r.push(values[k], values[k]);
  });
  return pl.DataFrame({ a, b, r });
}

export function featureCharts(frame: pl.DataFrame, features: readonly string[]): ChartOutput[] {
  const shown = features.slice(0, MAX_CHARTED_FEATURES);
  if (!shown.length || frame.height === 0) return [];
  return [
    {
      id: 'feature-distributions',
      title: `Feature distributions${features.length > shown.length ? ` (first ${shown.length} of ${features.length})` : ''}`,
      data: { histograms: featureHistograms(frame, shown) },
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        data: { name: 'histograms' },
        facet: { field: 'feature', type: 'nominal', title: null },
        columns: 4,
        resolve: { scale: { x: 'independent', y: 'independent' } },
        spec: {
          width: 160,
          height: 90,
          mark: 'bar',
          encoding: {
            x: { field: 'bin_start', type: 'quantitative', bin: { binned: true }, title: null },
            x2: { field: 'bin_end' },
            y: { field: 'count', type: 'quantitative', title: 'rows' },
          },
        },
      },
    },
    {
      id: 'feature-correlation',
      title: 'Feature correlation (Pearson)',
      data: { correlation: featureCorrelations(frame, shown) },
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        data: { name: 'correlation' },
        mark: 'rect',
        encoding: {
          x: { field: 'a', type: 'nominal', sort: shown, title: null },
          y: { field: 'b', type: 'nominal', sort: shown, title: null },
          color: { field: 'r', type: 'quantitative', scale: { domain: [-1, 1], scheme: 'redblue', reverse: true } },
          tooltip: [{ field: 'a' }, { field: 'b' }, { field: 'r', format: '.3f' }],
        },
      },
    },
  ];
}
