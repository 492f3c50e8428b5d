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
import type { ModelTask, Params } from '../ml/model';
import { validateOutputName } from '../runs/name';
import { cvFoldRows, cvModelMetrics, cvModelRows } from '../runs/cvTables';
import { registerPhase } from '../spec/registry';
import { t } from '../base/schema';
import { MODEL_KINDS } from '../base/modelKinds';
import { emptyResult, type PhaseSpec } from '../spec/types';

export interface CvConfig {
  models: string[];
  horizons?: number[];
  task?: ModelTask;
  n_splits?: number;
  /** purged_kfold (default) or cpcv (combinatorial purged CV, docs/design.md §6.3). */
  scheme?: 'purged_kfold' | 'cpcv';
  n_groups?: number;
  n_test_groups?: number;
  pct_embargo?: number;
  params?: Record<string, Params>;
  tune?: boolean | { n_trials?: number; method?: 'random' | 'tpe' };
  rows?: 'dev' | 'all';
  output_name?: string;
}

/** What a cv cell hands to downstream `stack` cells. */
export interface CvValue {
  cvRunId: string;
  dir: string;
  horizons: number[];
  models: string[];
}

export const cvPhase: PhaseSpec<CvConfig> = {
  kind: 'cv',
  doc: 'Purged k-fold cross-validation of base models per horizon; keeps out-of-fold predictions as stacking datasets (a CV run).',
  needsInput: true,
  keys: {
    models: {
      type: t.list(t.string(MODEL_KINDS, 'model')),
      doc: `Base models: ${MODEL_KINDS.join(', ')}.`,
      required: true,
    },
    horizons: {
      type: t.list(t.integer({ min: 1 })),
      doc: 'Label horizons to cross-validate (default: every horizon the labels cell built).',
    },
    task: {
      type: t.string(['classification', 'regression']),
      doc: 'classification predicts the direction class (dir_h{H}); regression the forward return (fwd_ret_h{H}). Default classification.',
    },
    n_splits: { type: t.integer({ min: 2 }), doc: 'Number of folds (default 5).' },
    scheme: {
      type: t.string(['purged_kfold', 'cpcv']),
      doc: 'purged_kfold (default), or cpcv: combinatorial purged CV with C(n_groups, n_test_groups) splits reassembled into full out-of-sample paths.',
    },
    n_groups: { type: t.integer({ min: 3 }), doc: 'cpcv: number of time groups N (default 6).' },
    n_test_groups: {
      type: t.integer({ min: 1 }),
      doc: 'cpcv: groups tested per split k (default 2); C(N-1, k-1) paths.',
    },
    pct_embargo: {
      type: t.number({ min: 0, max: 0.5 }),
      doc: 'Share of rows after each test fold removed from training (default 0.01).',
    },
    params: {
      type: t.object(undefined, t.object(undefined, t.any())),
      doc: 'Hyper-parameters per model, e.g. { gbdt: { max_depth: 4 } }.',
    },
    tune: {
      type: t.oneOf(
        t.boolean(),
        t.object({
          n_trials: { type: t.integer({ min: 1 }), doc: 'Trials per fold.' },
          method: { type: t.string(['random', 'tpe']), doc: 'Search method.' },
        }),
      ),
      doc: 'Tune each model by inner CV on the training folds only (TPE by default).',
    },
    rows: { type: t.string(['dev', 'all']), doc: "'dev' (default) keeps the test split out of cross-validation." },
    output_name: {
      type: t.string(),
      doc: 'Name of the CV run folder instead of a generated id (one safe path segment; never overwritten).',
    },
  },
  async run(c, inputs, ctx) {
    const dataset = inputs[0]?.dataset;
    if (!dataset) throw new UserError('cv needs an upstream frame with features and labels');
    if (c.output_name !== undefined) validateOutputName(c.output_name);
    if (c.scheme === 'cpcv') return runCpcvCell(c, dataset, ctx);
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
      params: c.params,
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
            return `h${b.horizon} ${b.model} ${b.metric} per fold ${b.value.toFixed(4)} ± ${(sd ?? NaN).toFixed(4)}${pooled ? `, pooled ${pooled.value.toFixed(4)}${ci}` : ''}`;
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
