/** Input checks and the fit entry point shared by the gbdt and forest factories. */
import { availableParallelism } from 'node:os';
import { UserError } from '../../errors';
import type { FeatureMatrix, FitOptions, Params } from '../model';
import { trainEnsemble } from './booster';
import type { GbdtParams } from './params';
import { objectiveOf, TreeModel } from './trained';

/** Check shapes and labels; returns the number of classes for classification. */
export function checkTrainingData(
  kind: string,
  X: FeatureMatrix,
  y: Float64Array,
  opts: FitOptions,
  what = 'training',
): number | undefined {
  if (X.rows < 1) throw new UserError(`${kind}: the ${what} data has no rows`);
  if (X.columns.length < 1) throw new UserError(`${kind}: the ${what} data has no feature columns`);
  if (X.names.length !== X.columns.length)
    throw new Error(`${kind}: ${X.names.length} feature names for ${X.columns.length} columns`);
  X.columns.forEach((c, j) => {
    if (c.length !== X.rows)
      throw new Error(`${kind}: feature '${X.names[j]}' has ${c.length} values for ${X.rows} rows`);
  });
  if (y.length !== X.rows) throw new Error(`${kind}: ${y.length} labels for ${X.rows} rows`);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isFinite(v))
      throw new UserError(`${kind}: ${what} label is ${v} at row ${i + 1}; labels must be finite`, { row: i + 1 });
    if (
      opts.task === 'classification' &&
      (!Number.isInteger(v) || v < 0 || (opts.nClasses !== undefined && v >= opts.nClasses))
    ) {
      throw new UserError(
        `${kind}: ${what} label ${v} at row ${i + 1} is not a class code 0..${(opts.nClasses ?? Infinity) - 1}`,
        { row: i + 1 },
      );
    }
  }
  if (opts.task !== 'classification') return undefined;
  let max = 0;
  for (let i = 0; i < y.length; i++) max = Math.max(max, y[i]);
  return Math.max(2, opts.nClasses ?? max + 1);
}

export async function fitTreeModel(
  kind: 'gbdt' | 'forest',
  X: FeatureMatrix,
  y: Float64Array,
  params: GbdtParams,
  raw: Params,
  opts: FitOptions,
): Promise<TreeModel> {
  const nClasses = checkTrainingData(kind, X, y, opts);
  let valid = opts.valid;
  if (valid) {
    checkTrainingData(kind, valid.X, valid.y, { ...opts, nClasses }, 'validation');
    const names = valid.X.names;
    if (names.length !== X.names.length || names.some((n, j) => n !== X.names[j])) {
      throw new UserError(`${kind}: validation features differ from training features`, {}, [
        `training: ${X.names.join(', ')}`,
        `validation: ${names.join(', ')}`,
      ]);
    }
  }
  if (kind === 'forest') valid = undefined;
  const objective = objectiveOf(kind, opts.task, nClasses);
  const trained = await trainEnsemble(X, y, params, objective, kind === 'forest' ? 'forest' : 'boost', {
    seed: opts.seed,
    threads: opts.threads ?? availableParallelism(),
    valid,
    signal: opts.signal,
    onProgress: opts.onProgress,
  });
  return new TreeModel({
    kind,
    task: opts.task,
    ...(nClasses !== undefined ? { nClasses } : {}),
    features: [...X.names],
    params: raw,
    ensemble: trained.ensemble,
    allRounds: trained.allRounds,
    baseMargin: trained.baseMargin,
    rounds: trained.rounds,
    validLoss: trained.validLoss,
    ...(trained.earlyStopping ? { earlyStopping: trained.earlyStopping } : {}),
  });
}
