/**
 * The cv phase with `scheme: cpcv`: combinatorial purged CV per horizon (core/ml/cv/cpcv.ts).
 * Writes a CV run like purged k-fold does — cv_results.json with one entry per split and model —
 * plus cpcv.json (groups, splits, paths, per-path scores) and, per horizon,
 * stacking/stacking_paths_h{H}.parquet: one out-of-sample prediction per row and path (column
 * `path`; `fold` is the split that predicted it). The per-row stacking_dataset_h{H}.parquet of
 * k-fold is not written: a row has φ predictions here, and a stack must choose a path.
 */
import pl from 'nodejs-polars';
import { UserError } from '../errors';
import { SPLIT, SYMBOL, TIMESTAMP } from '../frame/dataset';
import { symbolCodes, timestampsMs, toFeatureMatrix, toFloat64 } from '../frame/matrix';
import {
  bestScores,
  CV_RESULTS_FILE,
  summarizeFolds,
  type CvBest,
  type CvFoldResult,
  type CvResults,
} from '../runs/cvResults';
import { beginRun } from '../runs/store';
import {
  combinatorialPurgedKFold,
  cpcvTimeline,
  crossValidateCpcv,
  labelEndTimes,
  metricDirection,
  type CpcvSegment,
  type CvModel,
} from './cv';
import { labelFor, resolveModels, type CvWorkflowOptions } from './cvWorkflow';
import { buildStackingFrame } from './stacking/oofFrame';

export const CPCV_FILE = 'cpcv.json';

export interface CpcvWorkflowOptions extends CvWorkflowOptions {
  nGroups: number;
  nTestGroups: number;
}

/** Per model: the mean and sample sd (ddof = 1) of a metric over the paths, and the path values. */
export interface PathSummary {
  horizon: number;
  model: string;
  metric: string;
  mean: number;
  sd: number;
  values: number[];
}

export interface CpcvWorkflowResult {
  runId: string;
  dir: string;
  results: CvResults;
  nSplits: number;
  nPaths: number;
  /** Best model per horizon by the mean over paths of the primary metric. */
  best: CvBest[];
  paths: PathSummary[];
  /** Timeline of the first horizon's splits, and each split's test groups. */
  timeline: CpcvSegment[];
  splitGroups: number[][];
  stackingFiles: { horizon: number; path: string; rows: number }[];
}

function meanSd(v: number[]): { mean: number; sd: number } {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : NaN;
  return { mean, sd };
}

export async function runCpcv(o: CpcvWorkflowOptions): Promise<CpcvWorkflowResult> {
  if (o.tune)
    throw new UserError('tune is not available with scheme: cpcv (tune with purged_kfold, then pass the params)', {
      cell: o.cell,
      key: 'tune',
    });
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
  if (frame.height < o.nGroups * 2)
    throw new UserError(`only ${frame.height} rows to cut into ${o.nGroups} groups`, { cell: o.cell, key: 'n_groups' });
  const X = toFeatureMatrix(frame, d.features, o.cell);
  const times = timestampsMs(frame);
  const { codes } = symbolCodes(frame);
  const withCell = (e: unknown): never => {
    if (e instanceof UserError && !e.location.cell)
      throw new UserError(e.message, { ...e.location, cell: o.cell }, e.details);
    throw e;
  };
  // Validate the plan before a run folder exists.
  const plans = horizons.map((h) => {
    try {
      return combinatorialPurgedKFold(times, labelEndTimes(times, codes, h), {
        nGroups: o.nGroups,
        nTestGroups: o.nTestGroups,
        pctEmbargo: o.pctEmbargo,
      });
    } catch (e) {
      return withCell(e);
    }
  });
  const run = await beginRun({
    root: o.roots.stacking,
    kind: 'cv',
    outputName: o.outputName,
    config: {
      scheme: 'cpcv',
      models: o.models,
      horizons,
      task: o.task,
      n_groups: o.nGroups,
      n_test_groups: o.nTestGroups,
      pct_embargo: o.pctEmbargo,
      params: o.params ?? {},
      features: d.features,
    },
    seed: o.seed,
    source: o.source,
    featureSetId: d.featureSetId,
    baseDir: o.baseDir,
  });
  try {
    const folds: CvFoldResult[] = [];
    const paths: PathSummary[] = [];
    const stackingFiles: CpcvWorkflowResult['stackingFiles'] = [];
    const perHorizon: Record<string, unknown> = {};
    for (const [hi, h] of horizons.entries()) {
      const label = labels[hi];
      const plan = plans[hi];
      const y = toFloat64(frame, label.column);
      const nClasses = label.classes?.length;
      const cvModels: CvModel[] = o.models.map((kind, mi) => ({
        name: kind,
        kind,
        factory: factories[mi],
        params: { ...factories[mi].defaults, ...(o.params?.[kind] ?? {}) },
      }));
      const r = await crossValidateCpcv({
        X,
        y,
        task: o.task,
        nClasses,
        plan,
        models: cvModels,
        seed: o.seed,
        signal: o.signal,
        onProgress: (p) =>
          o.progress?.(
            (hi + p.fraction) / horizons.length,
            `h${h} ${p.model} split ${p.fold + 1}/${plan.splits.length}`,
          ),
      });
      for (const f of r.perSplit) {
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
      for (const model of o.models) {
        const metrics = Object.keys(r.pathScores[model][0] ?? {});
        for (const metric of metrics) {
          const values = r.pathScores[model].map((s) => s[metric]);
          paths.push({ horizon: h, model, metric, ...meanSd(values), values });
        }
      }
      const retCol = d.labels.find((l) => l.horizon === h && l.task === 'regression')?.column;
      const base = {
        timestamp: frame.getColumn(TIMESTAMP),
        symbol: frame.getColumn(SYMBOL),
        yTrue: y,
        yRet: retCol ? toFloat64(frame, retCol) : undefined,
      };
      const frames = plan.paths.map((path, p) => {
        const splitOf = Int32Array.from(plan.groupOfRow, (g) => path[g]);
        const f = buildStackingFrame(base, splitOf, {
          models: o.models.map((name) => ({ name, task: o.task, oof: r.pathOof[name][p], width: r.width })),
          classes: label.classes,
        });
        return f.withColumn(pl.lit(p).cast(pl.Int32).alias('path'));
      });
      const stacking = pl.concat(frames, { how: 'vertical' });
      const file = await run.artifactPath(`stacking/stacking_paths_h${h}.parquet`);
      stacking.writeParquet(file);
      await run.addArtifact(file, stacking.height);
      stackingFiles.push({ horizon: h, path: file, rows: stacking.height });
      perHorizon[String(h)] = {
        groups: plan.groups.map((g, i) => ({
          group: i,
          start: new Date(g.start).toISOString(),
          end: new Date(g.end).toISOString(),
          rows: g.rows,
        })),
        splits: plan.splits.map((s) => ({
          split: s.fold,
          test_groups: s.testGroups,
          train_rows: s.train.length,
          test_rows: s.test.length,
          purged: s.purged,
          embargoed: s.embargoed,
        })),
        paths: plan.paths,
        path_scores: Object.fromEntries(o.models.map((m) => [m, r.pathScores[m]])),
      };
    }
    const results: CvResults = {
      run_id: run.id,
      created: run.manifest().created,
      models: o.models,
      horizons,
      n_splits: plans[0].splits.length,
      task: Object.fromEntries(horizons.map((h) => [String(h), o.task])),
      folds,
      summary: summarizeFolds(folds),
    };
    const primary = bestScores(results).map((b) => b.metric);
    const best: CvBest[] = horizons.map((h, hi) => {
      const metric = primary[hi] ?? primary[0];
      const dir = metricDirection(metric);
      const rows = paths.filter((p) => p.horizon === h && p.metric === metric);
      const top = rows.reduce((a, b) => ((dir === 'max' ? b.mean > a.mean : b.mean < a.mean) ? b : a));
      return { horizon: h, model: top.model, metric, value: top.mean };
    });
    const nPaths = plans[0].paths.length;
    await run.writeArtifact(CV_RESULTS_FILE, JSON.stringify(results, null, 2));
    await run.writeArtifact(
      CPCV_FILE,
      JSON.stringify(
        {
          scheme: 'cpcv',
          n_groups: o.nGroups,
          n_test_groups: o.nTestGroups,
          pct_embargo: o.pctEmbargo,
          n_splits: results.n_splits,
          n_paths: nPaths,
          horizons: perHorizon,
        },
        null,
        2,
      ),
    );
    const metrics: Record<string, number> = {};
    for (const b of best) {
      metrics[`h${b.horizon}_${b.metric}`] = b.value;
      const sd = paths.find((p) => p.horizon === b.horizon && p.model === b.model && p.metric === b.metric)?.sd;
      if (sd !== undefined && Number.isFinite(sd)) metrics[`h${b.horizon}_${b.metric}_path_sd`] = sd;
    }
    run.setMetrics(metrics);
    run.setMeta({
      scheme: 'cpcv',
      models: o.models,
      horizons,
      n_splits: results.n_splits,
      n_paths: nPaths,
      task: o.task,
      best,
    });
    await run.complete();
    return {
      runId: run.id,
      dir: run.dir,
      results,
      nSplits: results.n_splits,
      nPaths,
      best,
      paths,
      timeline: cpcvTimeline(plans[0], times),
      splitGroups: plans[0].splits.map((s) => s.testGroups),
      stackingFiles,
    };
  } catch (e) {
    await run.fail(e instanceof Error ? e.message : String(e));
    throw e;
  }
}
