/**
 * Notebooks for the causality audit tests: seeded OHLCV (a few null volumes for the backward fill) and a leak planted
 * per class.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { generateOhlcvWithDefects } from '../../../core/demo/ohlcv';
import { PipelineSession } from '../../../core/engine/session';
import { silentLogger } from '../../../core/log';
import '../../../core/phases/register';

/** A folder with data/p.csv: 2 symbols x 600 hourly bars, clean, every 37th volume blank. */
export function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pb-audit-'));
  const { frame } = generateOhlcvWithDefects({ symbols: 2, bars: 600, seed: 11, badRows: false });
  const holed = frame.withColumns(
    pl.when(pl.intRange(0, pl.len()).modulo(37).eq(5)).then(pl.lit(null)).otherwise(pl.col('volume')).alias('volume'),
  );
  mkdirSync(join(dir, 'data'), { recursive: true });
  holed.writeCSV(join(dir, 'data', 'p.csv'), { datetimeFormat: '%Y-%m-%dT%H:%M:%SZ' });
  return dir;
}

export function notebook(dir: string, name: string, text: string): PipelineSession {
  const path = join(dir, `${name}.pipeline`);
  writeFileSync(path, text);
  return new PipelineSession(text, { notebookPath: path, log: silentLogger, jobs: 1 });
}

const head = `# %% load prices
source: data/p.csv

# %% features
returns: close
lags: [1, 2]
`;

/** A ts cell `leaky` below the features: `expr` makes column `col` from the features frame `f`. */
export function tsLeak(body: string): string {
  return `${head}
# %% ts leaky
export default function (inputs, { pl }) {
  const f = inputs.features;
${body}
}

# %% labels
horizon: 5
`;
}

export const LEAKS: Record<string, { text: string; cell: string; column: string }> = {
  negative_shift: {
    cell: 'leaky',
    column: 'next_close',
    text: tsLeak(
      `  return { frame: f.withColumns(pl.col('close').shift(-1).over('symbol').alias('next_close')), ` +
        `features: ['ret', 'next_close'] };`,
    ),
  },
  centred_window: {
    cell: 'leaky',
    column: 'mid_mean',
    text: tsLeak(
      `  return { frame: f.withColumns(pl.col('close').rollingMean({ windowSize: 9, center: true ` +
        `}).over('symbol').alias('mid_mean')), features: ['ret', 'mid_mean'] };`,
    ),
  },
  full_sample_zscore: {
    cell: 'leaky',
    column: 'z_close',
    text: tsLeak(
      `  return { frame: ` +
        `f.withColumns(pl.col('close').sub(pl.col('close').mean()).div(pl.col('close').std()).alias('z_close')), ` +
        `features: ['ret', 'z_close'] };`,
    ),
  },
  backward_fill: {
    cell: 'leaky',
    column: 'vol_filled',
    text: tsLeak(
      `  return { frame: f.withColumns(pl.col('volume').backwardFill().over('symbol').alias('vol_filled')), ` +
        `features: ['ret', 'vol_filled'] };`,
    ),
  },
  fit_on_all_rows: {
    cell: 'leaky',
    column: 'fitted',
    text: tsLeak(`  // least squares of ret on its lag over every row, applied to every row
  const beta = pl.cov(pl.col('ret'), pl.col('ret_lag_1')).div(pl.col('ret_lag_1').var());
  return { frame: f.withColumns(beta.mul(pl.col('ret_lag_1')).alias('fitted')), features: ['ret', 'fitted'] };`),
  },
  asof_forward: {
    cell: 'leaky',
    column: 'later_close',
    text: tsLeak(
      `  const left = ` +
        `f.withColumns(pl.col('timestamp').cast(pl.Int64).add(1800000).cast(pl.Int64).alias('__t')).sort('__t');
  const right = f.select(pl.col('timestamp').cast(pl.Int64).alias('__t'), pl.col('symbol'), ` +
        `pl.col('close').alias('later_close')).sort('__t');
  const j = left.joinAsof(right, { on: '__t', by: 'symbol', strategy: 'forward' ` +
        `}).drop('__t').sort(['symbol', 'timestamp']);
  return { frame: j, features: ['ret', 'later_close'] };`,
    ),
  },
  preprocess_fit_on_all_rows: {
    cell: 'preprocess',
    column: 'high',
    text: `# %% load prices
source: data/p.csv

# %% preprocess
scenario: outlier_treatment
method: winsorize
limits: [0.1, 0.9]
columns: [high]
fit_fraction: 1

# %% features
returns: close
lags: [1, 2]

# %% labels
horizon: 5

# %% split
fractions: [0.7, 0.15, 0.15]
`,
  },
  align_smuggled_label: {
    cell: 'features',
    column: 'fut',
    text: `# %% load prices
source: data/p.csv

# %% load future
source: data/p.csv

# %% labels future_labels
from: future
horizon: 1

# %% align aligned
from: [prices, future_labels]
every: 1h

# %% features
from: aligned
returns: close
expressions:
  fut: "fwd_ret_h1 * 1"
`,
  },
};

/** Only backward-looking features, a fit on training rows, labels, a split and a scaler. */
export const CONTROL =
  `# %% load prices
source: data/p.csv

# %% preprocess
scenario: mean_impute
columns: [volume]

# %% features
returns: close
lags: [1, 2, 5]
rolling: { column: ret, windows: [24], stats: [mean, std, zscore] }
expressions:
  mom: close / shift(close, 12) - 1

# %% ts lagged
export default function (inputs, { pl }) {
  const f = inputs.features.withColumns(pl.col('close').shift(3).over('symbol').alias('close_lag3'), ` +
  `pl.col('volume').forwardFill().over('symbol').alias('vol_ffill'));
  return { frame: f, features: ['ret', 'ret_lag_1', 'mom', 'close_lag3', 'vol_ffill'] };
}

# %% labels
horizon: 5

# %% split
fractions: [0.7, 0.15, 0.15]

# %% scale
method: standard
`;
