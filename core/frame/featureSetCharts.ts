/**
 * Charts of a feature set: a histogram per feature and the correlation matrix. The binning and
 * the correlations are computed in polars; the specs come from the shared builders in core/charts.
 */
import pl from 'nodejs-polars';
import { featureCorrelationChart, featureDistributionsChart } from '../charts';
import { chartToOutput, frameToColumns } from '../charts/frames';
import type { ChartOutput } from '../base/outputs';

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
    .withColumns(
      x
        .sub(pl.col('lo'))
        .div(pl.col('width'))
        .floor()
        .clip(0, bins - 1)
        .alias('bin'),
    )
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

/**
 * Long frame (a, b, r): Pearson correlation of every pair of features (both orders, diagonal = 1),
 * over the rows where every charted feature is finite. Polars standardises the columns; the k^2/2
 * dot products are then summed over Float64Arrays, because building one polars expression per
 * pair costs about a millisecond each in nodejs-polars 0.26 (seconds for 24 features), while the
 * products take a few milliseconds.
 */
export function featureCorrelations(frame: pl.DataFrame, features: readonly string[]): pl.DataFrame {
  const finite = pl.allHorizontal(features.map((f) => pl.col(f).cast(pl.Float64).isFinite().fillNull(false)));
  const rows = thinned(frame).filter(finite);
  const z = rows.select(
    ...features.map((f) => pl.col(f).cast(pl.Float64).sub(pl.col(f).cast(pl.Float64).mean()).fillNull(0).alias(f)),
  );
  const cols = features.map((f) => z.getColumn(f).toTypedArray() as Float64Array);
  const norm = cols.map((c) => Math.sqrt(dot(c, c)));
  const a: string[] = [];
  const b: string[] = [];
  const r: number[] = [];
  for (const f of features) {
    a.push(f);
    b.push(f);
    r.push(1);
  }
  for (let i = 0; i < features.length; i++) {
    for (let j = i + 1; j < features.length; j++) {
      const v =
        norm[i] > 0 && norm[j] > 0 ? Math.max(-1, Math.min(1, dot(cols[i], cols[j]) / (norm[i] * norm[j]))) : NaN;
      a.push(features[i], features[j]);
      b.push(features[j], features[i]);
      r.push(v, v);
    }
  }
  return pl.DataFrame({ a, b, r });
}

function dot(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let k = 0; k < x.length; k++) s += x[k] * y[k];
  return s;
}

/** The distributions and correlation charts of the first MAX_CHARTED_FEATURES features (none for an empty frame). */
export function featureCharts(frame: pl.DataFrame, features: readonly string[]): ChartOutput[] {
  const shown = features.slice(0, MAX_CHARTED_FEATURES);
  if (!shown.length || frame.height === 0) return [];
  return [
    featureDistributionsChart(frameToColumns(featureHistograms(frame, shown)), shown.length, features.length),
    featureCorrelationChart(frameToColumns(featureCorrelations(frame, shown)), shown),
  ].map(chartToOutput);
}
