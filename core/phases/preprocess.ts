/**
 * `preprocess`: scenarios mean_impute, median_impute and outlier_treatment (winsorize or IQR).
 * Every statistic is fitted on the training window only — split == 'train' when the input is
 * split, else rows before `fit_until`, else the first `fit_fraction` (0.7) of each symbol's rows —
 * and applied to all rows. The NA rate of each column before and after is reported.
 */
import pl from 'nodejs-polars';
import { UserError } from '../errors';
import { SPLIT, SYMBOL, TIMESTAMP, withDataset } from '../frame/dataset';
import { clipExprs, fitWindow, imputeExprs, missingRates } from '../frame/impute';
import { parseBoundary } from './split';
import type { ConfigOf } from '../base/schema';
import { registerPhase, type CommonConfig } from '../spec/registry';
import { preprocessSchema } from './specs/preprocess';
import { closest, didYouMean } from '../base/schema';
import { emptyResult, type PhaseContext, type PhaseResult, type PhaseSpec } from '../spec/types';
import { scalarInt } from '../frame/int64';

export type Scenario = 'mean_impute' | 'median_impute' | 'outlier_treatment';

/** The config of a `preprocess` cell, read off its key specs. */
export type PreprocessConfig = ConfigOf<typeof preprocessSchema.keys> & CommonConfig;

export interface PreprocessBuild {
  frame: pl.DataFrame;
  columns: string[];
  fitRows: number;
  fitDescribe: string;
  naBefore: Record<string, number>;
  naAfter: Record<string, number>;
  /** Values moved by outlier treatment, per column. */
  clipped: Record<string, number>;
}

const RESERVED = new Set([TIMESTAMP, SYMBOL, SPLIT]);

/** Default columns: every numeric column except the canonical ones and the given labels. */
export function defaultColumns(frame: pl.DataFrame, exclude: readonly string[]): string[] {
  return frame.columns.filter((c) => !RESERVED.has(c) && !exclude.includes(c) && frame.getColumn(c).isNumeric());
}

export function resolveLimits(c: PreprocessConfig, cell?: string): number | number[] {
  const method = c.method ?? 'winsorize';
  if (method === 'winsorize') {
    const l = c.limits ?? [0.01, 0.99];
    if (!Array.isArray(l) || l.length !== 2 || !(l[0] >= 0 && l[0] < l[1] && l[1] <= 1)) {
      throw new UserError(
        `winsorize limits must be two quantiles [low, high] with 0 <= low < high <= 1, got ${JSON.stringify(l)}`,
        { cell, key: 'limits' },
      );
    }
    return l;
  }
  const k = c.limits ?? 1.5;
  if (typeof k !== 'number' || !(k >= 0))
    throw new UserError(
      `iqr limits is the multiplier k in [q1 - k*IQR, q3 + k*IQR], a number >= 0; got ${JSON.stringify(k)}`,
      { cell, key: 'limits' },
    );
  return k;
}

/** Pure preprocessing of a frame. */
export function preprocessFrame(
  input: pl.DataFrame,
  c: PreprocessConfig,
  labelColumns: readonly string[] = [],
  cell?: string,
): PreprocessBuild {
  for (const col of [SYMBOL, TIMESTAMP])
    if (!input.columns.includes(col)) throw new UserError(`the input has no '${col}' column`, { cell });
  if (c.fit_until !== undefined && c.fit_fraction !== undefined)
    throw new UserError('set either `fit_until:` or `fit_fraction:`, not both', { cell, key: 'fit_fraction' });
  if (c.fit_fraction !== undefined && !(c.fit_fraction > 0 && c.fit_fraction <= 1))
    throw new UserError(`fit_fraction must be in (0, 1], got ${c.fit_fraction}`, { cell, key: 'fit_fraction' });
  const columns = c.columns ?? defaultColumns(input, labelColumns);
  for (const col of columns) {
    if (!input.columns.includes(col)) {
      const near = closest(col, input.columns);
      throw new UserError(`no column '${col}'${didYouMean(near)}`, { cell, key: 'columns' }, [
        `columns: ${input.columns.join(', ')}`,
      ]);
    }
    if (RESERVED.has(col) || !input.getColumn(col).isNumeric())
      throw new UserError(`column '${col}' is not a numeric value column`, { cell, key: 'columns' });
  }
  const frame0 = input.sort([SYMBOL, TIMESTAMP]);
  const window = fitWindow(frame0.columns, {
    fitUntil: c.fit_until ? parseBoundary(c.fit_until, cell, 'fit_until') : undefined,
    fitFraction: c.fit_fraction,
  });
  const fitRows = scalarInt(frame0.select(window.mask.sum().alias('n')), 'n', 0)!;
  if (fitRows === 0)
    throw new UserError(`the fit window (${window.describe}) holds no rows: statistics cannot be fitted`, {
      cell,
      key: c.fit_until ? 'fit_until' : 'fit_fraction',
    });
  const perSymbol = c.per_symbol ?? true;
  const naBefore = missingRates(frame0, columns);
  const clipped: Record<string, number> = {};
  let frame: pl.DataFrame;
  if (c.scenario === 'mean_impute' || c.scenario === 'median_impute') {
    frame = frame0.withColumns(
      ...imputeExprs(columns, c.scenario === 'mean_impute' ? 'mean' : 'median', window, perSymbol),
    );
  } else {
    const method = c.method ?? 'winsorize';
    const flagged = frame0.withColumns(...clipExprs(columns, method, resolveLimits(c, cell), window, perSymbol));
    const helpers = columns.map((col) => `__clipped_${col}`);
    const counts = flagged.select(...helpers.map((h) => pl.col(h).sum()));
    columns.forEach((col, j) => (clipped[col] = scalarInt(counts, helpers[j], 0)!));
    frame = flagged.drop(helpers);
  }
  return {
    frame,
    columns,
    fitRows,
    fitDescribe: window.describe,
    naBefore,
    naAfter: missingRates(frame, columns),
    clipped,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

async function run(config: PreprocessConfig, inputs: PhaseResult[], ctx: PhaseContext): Promise<PhaseResult> {
  const cell = ctx.cell.name;
  const ds = inputs[0]?.dataset;
  if (!ds) throw new UserError("'preprocess' needs an upstream cell that produces data", { cell, key: 'from' });
  const built = preprocessFrame(
    ds.frame,
    config,
    ds.labels.map((l) => l.column),
    cell,
  );
  const cols = built.columns;
  const mean = (r: Record<string, number>) => (cols.length ? cols.reduce((a, c) => a + r[c], 0) / cols.length : 0);
  const summary: PhaseResult['summary'] = {
    scenario: config.scenario,
    fitted_on: built.fitDescribe,
    fit_rows: built.fitRows,
    columns: cols.length,
    na_rate_before: pct(mean(built.naBefore)),
    na_rate_after: pct(mean(built.naAfter)),
  };
  for (const c of cols) summary[`na ${c}`] = `${pct(built.naBefore[c])} -> ${pct(built.naAfter[c])}`;
  if (config.scenario === 'outlier_treatment')
    summary.values_clipped = Object.values(built.clipped).reduce((a, b) => a + b, 0);
  const table = pl.DataFrame({
    column: cols,
    na_rate_before: cols.map((c) => built.naBefore[c]),
    na_rate_after: cols.map((c) => built.naAfter[c]),
    ...(config.scenario === 'outlier_treatment' ? { clipped: cols.map((c) => built.clipped[c]) } : {}),
  });
  const left = cols.filter((c) => built.naAfter[c] > 0);
  const warnings = left.length
    ? [
        `missing values remain in ${left.join(', ')}: no training value to fit from for some symbol (or ` +
          `outlier treatment does not impute)`,
      ]
    : [];
  ctx.log.info(`preprocess ${config.scenario}: fitted on ${built.fitRows} rows (${built.fitDescribe})`);
  return emptyResult({
    dataset: withDataset(ds, { frame: built.frame }),
    summary,
    metrics: { na_rate_before: mean(built.naBefore), na_rate_after: mean(built.naAfter) },
    tables: [{ title: 'Missing values before / after', frame: table }],
    warnings,
  });
}

export const preprocessPhase: PhaseSpec<PreprocessConfig> = {
  ...preprocessSchema,
  run,
};

registerPhase(preprocessPhase);
