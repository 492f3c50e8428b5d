/**
 * `stack`: trains a meta-learner on a CV run's out-of-fold predictions (from an upstream `cv`
 * cell, or `stacking_data: RUN_ID`) and writes a stacking training run (docs/design.md §6.8, §7.2).
 */
import { metaWeightsChart } from '../charts';
import { chartToOutput } from '../charts/frames';
import { UserError } from '../errors';
import { describeBootstrap } from '../ml/bootstrap';
import { formatCond } from '../ml/stacking/diagnostics';
import { describeHoldout } from '../ml/stacking/holdout';
import { describeComparison } from '../ml/stacking/scoreReport';
import { trainStacking } from '../ml/stacking/train';
import type { CvValue } from './cv';
import type { ConfigOf } from '../base/schema';
import type { Params } from '../ml/model';
import { registerPhase, type CommonConfig } from '../spec/registry';
import { stackSchema } from './specs/stack';
import { emptyResult, type PhaseSpec } from '../spec/types';

/** The config of a `stack` cell, read off its key specs. */
export type StackConfig = ConfigOf<typeof stackSchema.keys> & CommonConfig;

function isCvValue(v: unknown): v is CvValue {
  return typeof v === 'object' && v !== null && typeof (v as CvValue).cvRunId === 'string';
}

export const stackPhase: PhaseSpec<StackConfig> = {
  ...stackSchema,
  async run(c, inputs, ctx) {
    const cvInput = inputs.find((i) => isCvValue(i.value));
    const upstream = cvInput?.value as CvValue | undefined;
    // The dataset the CV run cross-validated (its test split is the holdout): the cv cell's, or any upstream cell's
    // with stacking_data.
    const holdoutData = c.holdout ? (cvInput?.dataset ?? inputs.find((i) => i.dataset)?.dataset) : undefined;
    if (c.holdout && !holdoutData)
      throw new UserError(
        'holdout needs an upstream cell with the dataset the CV run used (its test split is the holdout); ' +
          'the stacking dataset has only out-of-fold rows',
        { key: 'holdout' },
      );
    const cvRunId = c.stacking_data ?? upstream?.cvRunId;
    if (!cvRunId)
      throw new UserError('stack needs an upstream `cv` cell (from:) or `stacking_data: <CV run id>`', {
        key: 'stacking_data',
      });
    const horizon = c.horizon ?? upstream?.horizons[upstream.horizons.length - 1];
    if (horizon === undefined) throw new UserError('which horizon? set `horizon:`', { key: 'horizon' });
    const r = await trainStacking({
      stackingRoot: ctx.roots.stacking,
      runsRoot: ctx.roots.runs,
      cvRunId,
      horizon,
      metaLearner: c.meta_learner,
      // `params:` is a mapping of any values to the parser (t.any()); the model factories read their own.
      params: c.params as Params | undefined,
      bootstrap: c.bootstrap,
      bootstrapMethod: c.bootstrap_method,
      block: c.block,
      holdout: holdoutData,
      seed: ctx.seed,
      source: ctx.source,
      baseDir: ctx.baseDir,
      log: ctx.log,
      signal: ctx.signal,
      progress: ctx.progress,
      location: { key: c.stacking_data ? 'stacking_data' : 'horizon' },
    });
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(r.metrics))
      Object.assign(metrics, { [k]: v.value, [`${k}_ci_low`]: v.low, [`${k}_ci_high`]: v.high });
    for (const [k, v] of Object.entries(r.scores.perFold))
      Object.assign(metrics, { [`${k}_fold_mean`]: v.mean, [`${k}_fold_sd`]: v.sd });
    if (r.comparison)
      Object.assign(metrics, { [`stack_minus_best_base_${r.comparison.metric}`]: r.comparison.difference.value });
    const h = r.holdout;
    if (h)
      for (const [k, v] of Object.entries(h.metrics))
        Object.assign(metrics, {
          [`holdout_${k}`]: v.value,
          [`holdout_${k}_ci_low`]: v.low,
          [`holdout_${k}_ci_high`]: v.high,
        });
    const weightsChart = r.weights ? metaWeightsChart(r.weights) : undefined;
    const [first] = Object.entries(r.metrics);
    const hFirst = h && first ? h.metrics[first[0]] : undefined;
    const perFold = first ? r.scores.perFold[first[0]] : undefined;
    const wf = r.walkForward;
    return emptyResult({
      summary: {
        run: r.runId,
        cv_run: cvRunId,
        horizon,
        meta_learner: r.metaLearner,
        ...(first
          ? {
              [`${first[0]} pooled`]:
                `${first[1].value.toFixed(4)} ` + `[${first[1].low.toFixed(4)}, ` + `${first[1].high.toFixed(4)}]`,
            }
          : {}),
        ...(first && perFold
          ? {
              [`${first[0]} per fold`]:
                `${perFold.mean.toFixed(4)} ± ` + `${perFold.sd.toFixed(4)} ` + `(${perFold.values.length} folds)`,
            }
          : {}),
        ...(r.comparison ? { vs_best_base: describeComparison(r.comparison) } : {}),
        ...(r.weights
          ? {
              weights: Object.entries(r.weights)
                .map(([k, v]) => `${k} ${v.toFixed(3)}`)
                .join(', '),
            }
          : {}),
        condition_number: formatCond(r.diagnostics.conditionNumber),
        walk_forward:
          `${wf.folds.length} folds scored, ${wf.scoredRows.toLocaleString('en-US')} rows; purged ` +
          `${wf.folds.reduce((s, f) => s + f.purged, 0)} training rows, embargoed ` +
          `${wf.folds.reduce((s, f) => s + f.embargoed, 0)} (${wf.embargoBars} bars)`,
        intervals: describeBootstrap(r.bootstrap),
        ...(h && first && hFirst
          ? {
              [`holdout ${first[0]}`]:
                `${hFirst.value.toFixed(4)} [${hFirst.low.toFixed(4)}, ${hFirst.high.toFixed(4)}] (test split, ` +
                `${h.rows.toLocaleString('en-US')} rows)`,
            }
          : {}),
        ...(h ? { holdout_vs_best_base: describeHoldout(h) } : {}),
      },
      metrics,
      charts: weightsChart ? [chartToOutput(weightsChart)] : [],
      warnings: [
        ...r.warnings,
        ...(r.fallback ? [`${r.fallback.from} failed (${r.fallback.reason}); a simpler model was fitted instead`] : []),
      ],
      run: { id: r.runId, dir: r.dir, kind: 'stacking' },
      value: { runId: r.runId, dir: r.dir },
    });
  },
};

registerPhase(stackPhase);
