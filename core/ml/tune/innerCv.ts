/**
 * Inner cross-validation for tuning. Folds are built inside the rows an outer fold trains on,
 * with the same purged k-fold and embargo, so the outer test rows are never fitted, predicted
 * nor scored while choosing parameters (nested CV).
 */
import { CancelledError, UserError } from '../../errors';
import type { FeatureMatrix, ModelFactory, ModelTask, Params } from '../model';
import type { Fold } from '../cv/types';
import { purgedKFold } from '../cv/purgedKFold';
import { mapRows, takeRows, takeValues } from '../cv/rows';
import { metricDirection, primaryMetric, scorePredictions, type Direction } from '../cv/scores';
import { tune, type TuneOptions, type TuneResult } from './tune';

export interface InnerCvOptions {
  X: FeatureMatrix;
  y: Float64Array;
  task: ModelTask;
  nClasses?: number;
  /** The only rows the objective may use (an outer fold's training rows). */
  rows: Uint32Array;
  /** Time and label end (ms) of every row of X (full length, indexed like X). */
  times: Float64Array;
  labelEnds: Float64Array;
  nSplits: number;
  pctEmbargo: number;
  factory: ModelFactory;
  /** Params every trial starts from (trial params override them), e.g. the model's defaults. */
  baseParams?: Params;
  /** Score to optimise (default: roc_auc for binary, log_loss for multiclass, rmse for regression). */
  metric?: string;
  seed: number;
  threads?: number;
  signal?: AbortSignal;
}

export interface InnerCvObjective {
  objective: (params: Params) => Promise<number>;
  direction: Direction;
  metric: string;
  /** The inner folds, as row numbers of X (all inside `rows`). */
  folds: Fold[];
}

export function innerCvObjective(o: InnerCvOptions): InnerCvObjective {
  const nClasses = o.task === 'classification' ? (o.nClasses ?? 2) : 0;
  const metric = o.metric ?? primaryMetric(o.task, nClasses).name;
  const local = purgedKFold(takeValues(o.times, o.rows), takeValues(o.labelEnds, o.rows), {
    nSplits: o.nSplits,
    pctEmbargo: o.pctEmbargo,
  });
  const folds: Fold[] = local.map((f) => ({
    fold: f.fold,
    train: mapRows(f.train, o.rows),
    test: mapRows(f.test, o.rows),
  }));
  const data = folds.map((f) => ({
    Xtr: takeRows(o.X, f.train),
    ytr: takeValues(o.y, f.train),
    Xte: takeRows(o.X, f.test),
    yte: takeValues(o.y, f.test),
  }));

  const objective = async (params: Params): Promise<number> => {
    let sum = 0;
    let count = 0;
    for (const d of data) {
      if (o.signal?.aborted) throw new CancelledError();
      if (d.ytr.length === 0 || d.yte.length === 0) continue;
      const model = await o.factory.fit(
        d.Xtr,
        d.ytr,
        { ...o.baseParams, ...params },
        {
          seed: o.seed,
          task: o.task,
          nClasses: o.task === 'classification' ? nClasses : undefined,
          threads: o.threads,
          signal: o.signal,
        },
      );
      const scores = scorePredictions(o.task, d.yte, model.predict(d.Xte), nClasses);
      if (!(metric in scores)) {
        throw new UserError(
          `metric '${metric}' is not computed for ${o.task} (available: ${Object.keys(scores).join(', ')})`,
          { key: 'metric' },
        );
      }
      if (Number.isFinite(scores[metric])) {
        sum += scores[metric];
        count++;
      }
    }
    return count ? sum / count : NaN;
  };
  return { objective, direction: metricDirection(metric), metric, folds };
}

export type TuneOnFoldOptions = Omit<InnerCvOptions, 'rows'> &
  Pick<TuneOptions, 'nTrials' | 'method' | 'nStartup' | 'gamma' | 'onTrial'> & {
    space: NonNullable<ModelFactory['space']>;
  };

/**
 * Params chooser for crossValidate: for each outer fold, tunes by inner CV on that fold's
 * training rows and returns baseParams + the best trial's params. The search of every fold is
 * kept in `results` (by fold number) for cv_results.json / tuned_params.
 */
export function tuneOnFolds(o: TuneOnFoldOptions): {
  params: (fold: Fold) => Promise<Params>;
  results: Map<number, TuneResult>;
} {
  const results = new Map<number, TuneResult>();
  const params = async (fold: Fold): Promise<Params> => {
    const inner = innerCvObjective({ ...o, rows: fold.train });
    const result = await tune({
      space: o.space,
      objective: inner.objective,
      direction: inner.direction,
      nTrials: o.nTrials,
      method: o.method,
      seed: o.seed,
      nStartup: o.nStartup,
      gamma: o.gamma,
      signal: o.signal,
      onTrial: o.onTrial,
    });
    results.set(fold.fold, result);
    return { ...o.baseParams, ...result.best.params };
  };
  return { params, results };
}
