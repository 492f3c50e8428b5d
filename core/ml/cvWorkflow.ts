import pl from 'nodejs-polars';
import { UserError } from '../errors';
import { SPLIT, SYMBOL, TIMESTAMP, type Dataset, type LabelInfo } from '../frame/dataset';
import { symbolCodes, timestampsMs, toFeatureMatrix, toFloat64 } from '../frame/matrix';
import type { Logger } from '../log';
import {
  bestScores,
  CV_RESULTS_FILE,
  summarizeFolds,
  type CvBest,
  type CvFoldResult,
  type CvResults,
} from '../runs/cvResults';
import type { ArtifactRoots } from '../runs/roots';
import { beginRun } from '../runs/store';
import type { RunSource } from '../spec/types';
import { unknownName } from '../base/schema';
import { crossValidate, labelEndTimes, primaryMetric, purgedKFold, takeValues, type CvModel } from './cv';
import { bootstrapCI, type BootstrapRecord } from './bootstrap';
import type { ModelTask, Params } from './model';
import { getModel, modelKinds } from './models/registry';
import { buildStackingFrame } from './stacking/oofFrame';
import { tuneOnFolds, type TuneResult } from './tune';

export interface CvWorkflowOptions {
  dataset: Dataset;
  models: string[];
  /** Default: every horizon the dataset has labels for. */
  horizons?: number[];
  task: ModelTask;
  nSplits: number;
  pctEmbargo: number;
  params?: Record<string, Params>;
  tune?: { nTrials: number; method: 'random' | 'tpe' };
  outputName?: string;
  /** 'dev' (default) leaves the `test` split out of cross-validation; 'all' uses every row. */
  rows?: 'dev' | 'all';
  roots: ArtifactRoots;
  baseDir: string;
  seed: number;
  source: RunSource;
  log: Logger;
  signal?: AbortSignal;
  progress?: (fraction: number, message?: string) => void;
  /** For error locations. */
  cell?: string;
}

export interface CvWorkflowResult {
  runId: string;
  dir: string;
  results: CvResults;
  best: CvBest[];
  stackingFiles: { horizon: number; path: string; rows: number }[];
}

export function resolveModels(kinds: string[], task: ModelTask, cell?: string) {
  if (!kinds.length)
    throw new UserError('no models to cross-validate', { cell, key: 'models' }, [`models: ${modelKinds().join(', ')}`]);
  if (new Set(kinds).size !== kinds.length) throw new UserError('a model is listed twice', { cell, key: 'models' });
  return kinds.map((kind) => {
    const factory = getModel(kind);
    if (!factory) {
      throw new UserError(unknownName('model', kind, modelKinds()), { cell, key: 'models' }, [
        `models: ${modelKinds().join(', ')}`,
      ]);
    }
    if (!factory.tasks.includes(task))
      throw new UserError(`model '${kind}' does not do ${task} (it does: ${factory.tasks.join(', ')})`, {
        cell,
        key: 'models',
      });
    return factory;
  });
}

export function labelFor(labels: LabelInfo[], horizon: number, task: ModelTask, cell?: string): LabelInfo {
  const l = labels.find((x) => x.horizon === horizon && x.task === task);
  if (!l) {
    const have = [...new Set(labels.filter((x) => x.task === task).map((x) => x.horizon))];
    throw new UserError(`no ${task} label for horizon ${horizon}`, { cell, key: 'horizons' }, [
      have.length ? `horizons with labels: ${have.join(', ')}` : 'add a `labels` cell upstream',
    ]);
  }
  return l;
}

/**
 * Cross-validates base models per horizon with purged k-fold + embargo, and writes a CV run
 * (docs/design.md §7.3, §7.5): cv_results.json, stacking/stacking_dataset_h{H}.parquet (OOF predictions + y_true),
 * tuned_params/{model}_h{H}.json. run.json last, so a crashed run never shows as complete.
 */
export async function runCrossValidation(o: CvWorkflowOptions): Promise<CvWorkflowResult> {
  const factories = resolveModels(o.models, o.task, o.cell);
  const d = o.dataset;
  if (!d.features.length)
    throw new UserError('the input has no feature columns (add a `features` cell upstream)', { cell: o.cell });
  const horizons =
    o.horizons ?? [...new Set(d.labels.filter((l) => l.task === o.task).map((l) => l.horizon))].sort((a, b) => a - b);
  const labels = horizons.map((h) => labelFor(d.labels, h, o.task, o.cell));
  let frame = d.frame;
  if ((o.rows ?? 'dev') === 'dev' && frame.columns.includes(SPLIT))
    frame = frame.filter(pl.col(SPLIT).neq(pl.lit('test')));
  if (frame.height < o.nSplits * 2)
    throw new UserError(`only ${frame.height} rows to cross-validate with ${o.nSplits} folds`, {
      cell: o.cell,
      key: 'n_splits',
    });

  const X = toFeatureMatrix(frame, d.features, o.cell);
  const times = timestampsMs(frame);
  const { codes } = symbolCodes(frame);
  const run = await beginRun({
    root: o.roots.stacking,
    kind: 'cv',
    outputName: o.outputName,
    config: {
      models: o.models,
      horizons,
      task: o.task,
      n_splits: o.nSplits,
      pct_embargo: o.pctEmbargo,
      params: o.params ?? {},
      tune: o.tune ?? null,
      features: d.features,
    },
    seed: o.seed,
    source: o.source,
    featureSetId: d.featureSetId,
    baseDir: o.baseDir,
  });
  try {
    const folds: CvFoldResult[] = [];
    const pooled: NonNullable<CvResults['pooled']> = {};
    let bootstrap: BootstrapRecord | undefined;
    const stackingFiles: CvWorkflowResult['stackingFiles'] = [];
    const totalSteps = horizons.length * o.models.length;
    let step = 0;
    for (const [hi, h] of horizons.entries()) {
      const label = labels[hi];
      const y = toFloat64(frame, label.column);
      const splits = purgedKFold(times, labelEndTimes(times, codes, h), {
        nSplits: o.nSplits,
        pctEmbargo: o.pctEmbargo,
      });
      for (const [k, f] of splits.entries()) {
        o.log.debug(
          `fold ${k} of h${h}: test ${new Date(f.testStart).toISOString()} .. ` +
            `${new Date(f.testEnd).toISOString()}, ${f.train.length} training rows (${f.purged} purged, ` +
            `${f.embargoed} embargoed), ${f.test.length} test rows`,
          {
            fold: k,
            horizon: h,
            test_start: f.testStart,
            test_end: f.testEnd,
            purged: f.purged,
            embargoed: f.embargoed,
          },
        );
      }
      const nClasses = label.classes?.length;
      const tuned = new Map<string, ReturnType<typeof tuneOnFolds>>();
      const cvModels: CvModel[] = o.models.map((kind, mi) => {
        const factory = factories[mi];
        const baseParams = { ...factory.defaults, ...(o.params?.[kind] ?? {}) };
        if (o.tune && factory.space) {
          const t = tuneOnFolds({
            X,
            y,
            task: o.task,
            nClasses,
            times,
            labelEnds: labelEndTimes(times, codes, h),
            nSplits: Math.max(2, o.nSplits - 2),
            pctEmbargo: o.pctEmbargo,
            factory,
            baseParams,
            seed: o.seed,
            signal: o.signal,
            space: factory.space,
            nTrials: o.tune.nTrials,
            method: o.tune.method,
          });
          tuned.set(kind, t);
          return { name: kind, kind, factory, params: t.params };
        }
        return { name: kind, kind, factory, params: baseParams };
      });
      const cv = await crossValidate({
        X,
        y,
        task: o.task,
        nClasses,
        folds: splits,
        models: cvModels,
        seed: o.seed,
        signal: o.signal,
        onProgress: (p) =>
          o.progress?.(
            (step + p.fraction * o.models.length) / totalSteps,
            `h${h} ${p.model} fold ${p.fold + 1}/${splits.length}`,
          ),
      });
      step += o.models.length;
      // Pooled: every model scored once over all its out-of-fold rows (not a mean of fold scores),
      // with a block-bootstrap interval on the primary metric (blocks >= the horizon, bars not rows).
      const tested = Uint32Array.from({ length: y.length }, (_, i) => i).filter((i) => cv.foldOf[i] !== -1);
      const primary = primaryMetric(o.task, nClasses ?? 2).name;
      for (const name of o.models) {
        const p = new Float64Array(tested.length * cv.width);
        tested.forEach((r, j) => {
          for (let c = 0; c < cv.width; c++) p[j * cv.width + c] = cv.oof[name][r * cv.width + c];
        });
        const ci = bootstrapCI(takeValues(y, tested), p, primary, {
          seed: o.seed,
          horizon: h,
          times: takeValues(times, tested),
          location: { cell: o.cell },
        });
        const { metric: _m, estimate: _e, low: _l, high: _h, dropped: _d, ...record } = ci;
        bootstrap = record;
        const scores = Object.fromEntries(
          Object.entries(cv.overall[name] ?? {}).map(([m, v]) => [
            m,
            m === primary ? { value: v, low: ci.low, high: ci.high } : { value: v },
          ]),
        );
        (pooled[name] ??= {})[String(h)] = scores;
      }
      for (const f of cv.perFold) {
        folds.push({
          model: f.model,
          horizon: h,
          fold: f.fold,
          scores: f.scores,
          params: f.params,
          train_rows: f.trainRows,
          test_rows: f.testRows,
          seconds: f.seconds,
        });
      }
      const retCol = d.labels.find((l) => l.horizon === h && l.task === 'regression')?.column;
      const stacking = buildStackingFrame(
        {
          timestamp: frame.getColumn(TIMESTAMP),
          symbol: frame.getColumn(SYMBOL),
          yTrue: y,
          yRet: retCol ? toFloat64(frame, retCol) : undefined,
        },
        cv.foldOf,
        {
          models: o.models.map((name) => ({ name, task: o.task, oof: cv.oof[name], width: cv.width })),
          classes: label.classes,
        },
      );
      const path = await run.artifactPath(`stacking/stacking_dataset_h${h}.parquet`);
      stacking.writeParquet(path);
      await run.addArtifact(path, stacking.height);
      stackingFiles.push({ horizon: h, path, rows: stacking.height });
      for (const [mi, kind] of o.models.entries()) {
        const t = tuned.get(kind);
        const perFold = t
          ? Object.fromEntries(
              [...t.results].map(([fold, r]) => [String(fold), { best: r.best, trials: r.trials.length }]),
            )
          : undefined;
        const params = t ? bestOfFolds([...t.results.values()]) : cvModels[mi].params;
        await run.writeArtifact(
          `tuned_params/${kind}_h${h}.json`,
          JSON.stringify({ model: kind, horizon: h, tuned: Boolean(t), params, per_fold: perFold }, null, 2),
        );
      }
    }
    const results: CvResults = {
      run_id: run.id,
      created: run.manifest().created,
      models: o.models,
      horizons,
      n_splits: o.nSplits,
      task: Object.fromEntries(horizons.map((h) => [String(h), o.task])),
      folds,
      summary: summarizeFolds(folds),
      summary_is: 'per fold: mean and population sd (ddof 0) of the fold scores',
      pooled,
      pooled_is:
        'pooled: each model scored once over all its out-of-fold rows; low/high: block-bootstrap interval on ' +
        'the primary metric',
      ...(bootstrap ? { bootstrap } : {}),
    };
    const best = bestScores(results);
    await run.writeArtifact(CV_RESULTS_FILE, JSON.stringify(results, null, 2));
    const metrics: Record<string, number> = {};
    for (const b of best) {
      metrics[`h${b.horizon}_${b.metric}`] = b.value;
      const pooledBest = pooled[b.model]?.[String(b.horizon)]?.[b.metric];
      if (pooledBest) {
        metrics[`h${b.horizon}_${b.metric}_pooled`] = pooledBest.value;
        if (pooledBest.low !== undefined && pooledBest.high !== undefined)
          Object.assign(metrics, {
            [`h${b.horizon}_${b.metric}_pooled_ci_low`]: pooledBest.low,
            [`h${b.horizon}_${b.metric}_pooled_ci_high`]: pooledBest.high,
          });
      }
    }
    run.setMetrics(metrics);
    run.setMeta({ models: o.models, horizons, n_splits: o.nSplits, task: o.task, best });
    await run.complete();
    return { runId: run.id, dir: run.dir, results, best, stackingFiles };
  } catch (e) {
    await run.fail(e instanceof Error ? e.message : String(e));
    throw e;
  }
}

/** The params of the best inner-CV trial across outer folds (what `tuned_params/` records as "best"). */
function bestOfFolds(results: TuneResult[]): Params | undefined {
  const better = (a: TuneResult, b: TuneResult) =>
    b.direction === 'max' ? b.best.value > a.best.value : b.best.value < a.best.value;
  return results.reduce((a, b) => (better(a, b) ? b : a)).best.params;
}
