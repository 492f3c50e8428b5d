/**
 * `scale`: fits a standard / minmax / robust scaler on the training rows only (split == 'train'),
 * applies it to train, val and test, and saves it as `scaler_{feature_set_id}.json`.
 */
import pl from 'nodejs-polars';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors';
import { SPLIT, withDataset } from '../frame/dataset';
import { featureSetId } from '../frame/featureSet';
import { applyScaler, fitScaler, ScalerFitError, type ScalerJSON } from '../frame/scalers';
import type { ConfigOf } from '../base/schema';
import { registerPhase, type CommonConfig } from '../spec/registry';
import { scaleSchema } from './specs/scale';
import { closest, didYouMean } from '../base/schema';
import { emptyResult, type PhaseContext, type PhaseResult, type PhaseSpec } from '../spec/types';

/** The config of a `scale` cell, read off its key specs. */
export type ScaleConfig = ConfigOf<typeof scaleSchema.keys> & CommonConfig;

export function scalerPath(artifactsDir: string, id: string): string {
  return join(artifactsDir, `scaler_${id}.json`);
}

export function saveScaler(path: string, scaler: ScalerJSON): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(scaler, null, 2) + '\n');
  renameSync(tmp, path);
}

async function run(config: ScaleConfig, inputs: PhaseResult[], ctx: PhaseContext): Promise<PhaseResult> {
  const cell = ctx.cell.name;
  const ds = inputs[0]?.dataset;
  if (!ds) throw new UserError("'scale' needs an upstream cell that produces data", { cell, key: 'from' });
  if (!ds.frame.columns.includes(SPLIT))
    throw new UserError(
      "the input has no 'split' column: add a split cell before scale, so the scaler is fitted on training rows only",
      { cell, key: 'from' },
    );
  const columns = config.columns ?? ds.features;
  if (!columns.length)
    throw new UserError('nothing to scale: the input has no features; list `columns:`', { cell, key: 'columns' });
  const labelCols = new Set(ds.labels.map((l) => l.column));
  for (const c of columns) {
    if (!ds.frame.columns.includes(c)) {
      const near = closest(c, ds.frame.columns);
      throw new UserError(`no column '${c}'${didYouMean(near)}`, { cell, key: 'columns' });
    }
    if (labelCols.has(c))
      throw new UserError(`'${c}' is a label column; labels are not scaled`, { cell, key: 'columns' });
    if (!ds.frame.getColumn(c).isNumeric())
      throw new UserError(`column '${c}' is not numeric (${String(ds.frame.getColumn(c).dtype)})`, {
        cell,
        key: 'columns',
      });
  }
  const method = config.method ?? 'standard';
  const perSymbol = config.per_symbol ?? false;
  const id = ds.featureSetId ?? featureSetId(columns, { scale: { method, per_symbol: perSymbol } });
  let scaler: ScalerJSON;
  let frame: pl.DataFrame;
  try {
    scaler = fitScaler(ds.frame.filter(pl.col(SPLIT).eq(pl.lit('train'))), columns, method, perSymbol, ds.featureSetId);
    frame = applyScaler(ds.frame, scaler);
  } catch (e) {
    if (e instanceof ScalerFitError)
      throw new UserError(e.message, { cell, key: e.column ? 'columns' : 'per_symbol', dataColumn: e.column });
    throw e;
  }
  const path = scalerPath(ctx.roots.artifacts, id);
  saveScaler(path, scaler);
  const trainStats = frame
    .filter(pl.col(SPLIT).eq(pl.lit('train')))
    .select(...columns.map((c, j) => pl.col(c).mean().alias(`m${j}`)));
  const meanAbs =
    columns.reduce((acc, _, j) => acc + Math.abs(Number(trainStats.getColumn(`m${j}`).get(0))), 0) / columns.length;
  return emptyResult({
    dataset: withDataset(ds, { frame, scalerPath: path }),
    summary: {
      method,
      per_symbol: perSymbol,
      columns: columns.length,
      fitted_rows: Object.values(scaler.rows_fitted).reduce((a, b) => a + b, 0),
      scaler: path,
    },
    metrics: { train_mean_abs_after: meanAbs },
    artifacts: [{ path, label: 'scaler' }],
  });
}

export const scalePhase: PhaseSpec<ScaleConfig> = {
  ...scaleSchema,
  run,
};

registerPhase(scalePhase);
