/**
 * Out-of-fold (OOF) predictions. For each fold and model: fit on the fold's training rows,
 * predict its test rows, score them. A row is predicted only by the model of the fold that tests
 * it, which never saw that row nor (with our splitters) any row whose label overlaps it. Rows no
 * fold tests keep NaN and fold -1: they are left out of stacking datasets, never filled.
 */
import { CancelledError, UserError } from '../../errors';
import { TrainingFailure, type FeatureMatrix, type ModelFactory, type ModelTask, type Params } from '../model';
import type { Fold } from './types';
import { takeRows, takeValues } from './rows';
import { scorePredictions, type Scores } from './scores';

export interface CvModel {
  /** Name in results and stacking columns (`{name}_pred`); defaults to `kind`. Unique per run. */
  name?: string;
  kind: string;
  factory: ModelFactory;
  /** Fixed params, or a function choosing params for a fold (e.g. tuning by inner CV on fold.train). */
  params: Params | ((fold: Fold) => Promise<Params>);
}

export interface CvProgress {
  /** Overall progress in [0, 1]. */
  fraction: number;
  model: string;
  fold: number;
  fitsDone: number;
  fitsTotal: number;
}

export interface CrossValidateOptions {
  X: FeatureMatrix;
  y: Float64Array;
  task: ModelTask;
  /** Classes for classification (default 2). */
  nClasses?: number;
  folds: readonly Fold[];
  models: readonly CvModel[];
  seed: number;
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (p: CvProgress) => void;
}

export interface CvFoldResult {
  model: string;
  kind: string;
  fold: number;
  scores: Scores;
  trainRows: number;
  testRows: number;
  /** Fit + predict time. */
  seconds: number;
  /** Time spent choosing params for this fold (tuning), 0 for fixed params. */
  paramSeconds: number;
  params: Params;
  fallback?: { from: string; reason: string };
}

export interface CrossValidateResult {
  /**
   * Per model: `width` values per row (regression value, P(class 1), or class probabilities); NaN where no fold tested
   * the row.
   */
  oof: Record<string, Float64Array>;
  /** Values per row in every oof array: 1, or nClasses when nClasses > 2. */
  width: number;
  /** Fold that tested each row, -1 when none. */
  foldOf: Int32Array;
  perFold: CvFoldResult[];
  /** Each model's scores over every row that received a prediction. */
  overall: Record<string, Scores>;
}

/** Fold that tests each row; a row tested twice or trained and tested in one fold is a bug. */
export function testFoldOfRows(rows: number, folds: readonly Fold[]): Int32Array {
  const foldOf = new Int32Array(rows).fill(-1);
  for (const f of folds) {
    for (const i of f.test) {
      if (i >= rows) throw new Error(`fold ${f.fold} tests row ${i} but there are ${rows} rows`);
      if (foldOf[i] !== -1) throw new Error(`row ${i} is tested by folds ${foldOf[i]} and ${f.fold}`);
      foldOf[i] = f.fold;
    }
    for (const i of f.train) {
      if (i >= rows) throw new Error(`fold ${f.fold} trains on row ${i} but there are ${rows} rows`);
      if (foldOf[i] === f.fold) throw new Error(`fold ${f.fold} both trains and tests row ${i}`);
    }
  }
  return foldOf;
}

function checkLabels(y: Float64Array, folds: readonly Fold[], task: ModelTask, nClasses: number): void {
  const bad = (i: number): boolean =>
    !Number.isFinite(y[i]) || (task === 'classification' && (!Number.isInteger(y[i]) || y[i] < 0 || y[i] >= nClasses));
  for (const f of folds) {
    for (const part of [f.train, f.test]) {
      for (const i of part) {
        if (bad(i)) {
          const what = task === 'classification' ? `a class code 0..${nClasses - 1}` : 'a finite number';
          throw new UserError(`label is ${y[i]}, expected ${what}; drop rows without a label before cross-validation`, {
            row: i + 1,
            dataColumn: 'y_true',
          });
        }
      }
    }
  }
}

export async function crossValidate(opts: CrossValidateOptions): Promise<CrossValidateResult> {
  const { X, y, task, folds, models, seed, signal } = opts;
  const nClasses = task === 'classification' ? (opts.nClasses ?? 2) : 0;
  const width = nClasses > 2 ? nClasses : 1;
  const n = y.length;
  if (X.rows !== n || X.columns.some((c) => c.length !== n)) {
    throw new Error(`feature matrix has ${X.rows} rows but there are ${n} labels`);
  }
  const names = models.map((m) => m.name ?? m.kind);
  const dup = names.find((name, i) => names.indexOf(name) !== i);
  if (dup) throw new UserError(`model '${dup}' is listed twice; give each a distinct name`, { key: 'models' });
  for (const m of models) {
    if (!m.factory.tasks.includes(task)) {
      throw new UserError(`model '${m.kind}' does not support ${task} (it supports ${m.factory.tasks.join(', ')})`, {
        key: 'models',
      });
    }
  }
  const foldOf = testFoldOfRows(n, folds);
  checkLabels(y, folds, task, nClasses);

  const oof: Record<string, Float64Array> = {};
  for (const name of names) oof[name] = new Float64Array(n * width).fill(NaN);
  const perFold: CvFoldResult[] = [];
  const fitsTotal = folds.length * models.length;
  let fitsDone = 0;

  for (const fold of folds) {
    const Xtr = takeRows(X, fold.train);
    const ytr = takeValues(y, fold.train);
    const Xte = takeRows(X, fold.test);
    const yte = takeValues(y, fold.test);
    for (let m = 0; m < models.length; m++) {
      if (signal?.aborted) throw new CancelledError();
      const model = models[m];
      const name = names[m];
      const report = (within: number): void =>
        opts.onProgress?.({
          fraction: (fitsDone + within) / fitsTotal,
          model: name,
          fold: fold.fold,
          fitsDone,
          fitsTotal,
        });
      report(0);
      const p0 = performance.now();
      const params = typeof model.params === 'function' ? await model.params(fold) : model.params;
      const t0 = performance.now();
      let trained;
      try {
        trained = await model.factory.fit(Xtr, ytr, params, {
          seed,
          task,
          nClasses: task === 'classification' ? nClasses : undefined,
          threads: opts.threads,
          signal,
          onProgress: (f) => report(Math.min(1, Math.max(0, f))),
        });
      } catch (e) {
        if (e instanceof TrainingFailure) {
          throw new UserError(`model '${name}' could not be trained on fold ${fold.fold}: ${e.message}`, {
            key: 'models',
          });
        }
        throw e;
      }
      const pred = trained.predict(Xte);
      if (pred.length !== fold.test.length * width) {
        throw new Error(`model '${name}' returned ${pred.length} predictions for ${fold.test.length} rows x ${width}`);
      }
      const out = oof[name];
      for (let j = 0; j < fold.test.length; j++) {
        const base = fold.test[j] * width;
        for (let c = 0; c < width; c++) out[base + c] = pred[j * width + c];
      }
      const seconds = (performance.now() - t0) / 1000;
      perFold.push({
        model: name,
        kind: model.kind,
        fold: fold.fold,
        scores: scorePredictions(task, yte, pred, nClasses),
        trainRows: fold.train.length,
        testRows: fold.test.length,
        seconds,
        paramSeconds: (t0 - p0) / 1000,
        params,
        ...(trained.fallback ? { fallback: trained.fallback } : {}),
      });
      fitsDone++;
      report(0);
    }
  }

  const tested = Uint32Array.from({ length: n }, (_, i) => i).filter((i) => foldOf[i] !== -1);
  const yTested = takeValues(y, tested);
  const overall: Record<string, Scores> = {};
  for (const name of names) {
    const p = new Float64Array(tested.length * width);
    for (let j = 0; j < tested.length; j++)
      for (let c = 0; c < width; c++) p[j * width + c] = oof[name][tested[j] * width + c];
    overall[name] = scorePredictions(task, yTested, p, nClasses);
  }
  return { oof, width, foldOf, perFold, overall };
}
