/**
 * `cv`: purged k-fold cross-validation of base models per horizon, keeping out-of-fold predictions
 * as a stacking dataset. Writes a CV run under data/stacking/ (docs/design.md §7.3).
 */
import pl from 'nodejs-polars';
import { cvFoldScoresChart } from '../charts';
import { chartToOutput } from '../charts/frames';
import { UserError } from '../errors';
import { describeBootstrap } from '../ml/bootstrap';
import { runCrossValidation } from '../ml/cvWorkflow';
import { runCpcvCell } from './cvCpcv';
import { validateOutputName } from '../runs/name';
import { cvFoldRows, cvModelMetrics, cvModelRows } from '../runs/cvTables';
import type { ConfigOf } from '../base/schema';
import type { Params } from '../ml/model';
import { registerPhase, type CommonConfig } from '../spec/registry';
import { cvSchema } from './specs/cv';
import { emptyResult, type PhaseSpec } from '../spec/types';

/** The config of a `cv` cell, read off its key specs. */
export type CvConfig = ConfigOf<typeof cvSchema.keys> & CommonConfig;

/** What a cv cell hands to downstream `stack` cells. */
export interface CvValue {
  cvRunId: string;
  dir: string;
  horizons: number[];
  models: string[];
}

export const cvPhase: PhaseSpec<CvConfig> = {
  ...cvSchema,
  async run(c, inputs, ctx) {
    const dataset = inputs[0]?.dataset;
    if (!dataset) throw new UserError('cv needs an upstream frame with features and labels');
    if (c.output_name !== undefined) validateOutputName(c.output_name);
    // `params:` is a mapping of any values to the parser (t.any()); the model factories read their own.
    const params = c.params as Record<string, Params> | undefined;
    if (c.scheme === 'cpcv') return runCpcvCell({ ...c, params }, dataset, ctx);
    const tune =
      c.tune === true
        ? { nTrials: 20, method: 'tpe' as const }
        : c.tune
          ? { nTrials: c.tune.n_trials ?? 20, method: c.tune.method ?? 'tpe' }
          : undefined;
    const r = await runCrossValidation({
      dataset,
      models: c.models,
      horizons: c.horizons,
      task: c.task ?? 'classification',
      nSplits: c.n_splits ?? 5,
      pctEmbargo: c.pct_embargo ?? 0.01,
      params,
      tune,
      outputName: c.output_name,
      rows: c.rows,
      roots: ctx.roots,
      baseDir: ctx.baseDir,
      seed: ctx.seed,
      source: ctx.source,
      log: ctx.log,
      signal: ctx.signal,
      progress: ctx.progress,
      cell: ctx.cell.name,
    });
    const metric = r.best[0]?.metric;
    const foldChart = metric ? cvFoldScoresChart(r.results.folds, metric) : undefined;
    const value: CvValue = { cvRunId: r.runId, dir: r.dir, horizons: r.results.horizons, models: r.results.models };
    const metrics = Object.fromEntries(r.best.map((b) => [`h${b.horizon}_${b.metric}`, b.value]));
    const modelRows = cvModelRows(r.results);
    return emptyResult({
      dataset,
      summary: {
        run: r.runId,
        models: r.results.models.join(', '),
        horizons: r.results.horizons.join(', '),
        folds: r.results.n_splits,
        best: r.best
          .map((b) => {
            const sd = r.results.summary[b.model]?.[String(b.horizon)]?.[b.metric]?.std;
            const pooled = r.results.pooled?.[b.model]?.[String(b.horizon)]?.[b.metric];
            const ci =
              pooled?.low !== undefined && pooled.high !== undefined
                ? ` [${pooled.low.toFixed(4)}, ${pooled.high.toFixed(4)}]`
                : '';
            return (
              `h${b.horizon} ${b.model} ${b.metric} per fold ${b.value.toFixed(4)} ± ` +
              `${(sd ?? NaN).toFixed(4)}${pooled ? `, pooled ${pooled.value.toFixed(4)}${ci}` : ''}`
            );
          })
          .join('; '),
        ...(r.results.bootstrap ? { intervals: describeBootstrap(r.results.bootstrap) } : {}),
      },
      metrics,
      modelMetrics: cvModelMetrics(modelRows),
      charts: foldChart ? [chartToOutput(foldChart)] : [],
      tables: [
        {
          title: 'Models per horizon: mean ± sd over folds, pooled out-of-fold score [CI]',
          frame: pl.DataFrame(modelRows as unknown as Record<string, unknown>[]),
        },
        { title: 'Scores per fold', frame: pl.DataFrame(cvFoldRows(r.results)) },
      ],
      artifacts: r.stackingFiles.map((f) => ({ path: f.path, label: `stacking dataset h${f.horizon}` })),
      run: { id: r.runId, dir: r.dir, kind: 'cv' },
      value,
    });
  },
};

registerPhase(cvPhase);
