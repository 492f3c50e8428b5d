/** `evaluate`: metrics with seeded bootstrap CIs on a split, and the charts that fit the task. */
import pl from 'nodejs-polars';
import { evaluateCharts } from '../charts';
import { chartToOutput } from '../charts/frames';
import { UserError } from '../errors';
import { SPLIT } from '../frame/dataset';
import { timestampsMs, toFloat64 } from '../frame/matrix';
import { describeBootstrap } from '../ml/bootstrap';
import { evaluatePredictions, flattenCIs } from '../ml/evaluation/evaluate';
import type { TrainValue } from './train';
import type { ConfigOf } from '../base/schema';
import { registerPhase, type CommonConfig } from '../spec/registry';
import { evaluateSchema } from './specs/evaluate';
import { emptyResult, type PhaseSpec } from '../spec/types';
import { resamplingOf } from './bootstrapKeys';

/** The config of a `evaluate` cell, read off its key specs. */
export type EvaluateConfig = ConfigOf<typeof evaluateSchema.keys> & CommonConfig;

const HEADLINE = ['roc_auc', 'log_loss', 'accuracy', 'brier', 'rmse', 'mae', 'r2'];

/** The metrics the summary line shows first: the task's usual headline ones, then the rest. */
function headline<T>(m: Record<string, T>): [string, T][] {
  const rank = (k: string) => (HEADLINE.includes(k) ? HEADLINE.indexOf(k) : HEADLINE.length);
  return Object.entries(m)
    .sort(([a], [b]) => rank(a) - rank(b))
    .slice(0, 4);
}

function isTrainValue(v: unknown): v is TrainValue {
  return typeof v === 'object' && v !== null && typeof (v as TrainValue).predictionColumn === 'string';
}

export const evaluatePhase: PhaseSpec<EvaluateConfig> = {
  ...evaluateSchema,
  async run(c, inputs, ctx) {
    const input = inputs[0];
    const d = input?.dataset;
    if (!d) throw new UserError('evaluate needs an upstream frame with predictions');
    const tv = [input.value, ...[...ctx.upstream.values()].map((r) => r.value)].find(isTrainValue);
    const prediction = c.prediction ?? tv?.predictionColumn;
    const target = c.target ?? tv?.target;
    if (!prediction || !target)
      throw new UserError('which columns? set `prediction:` and `target:`, or put a `train` cell upstream', {
        key: 'prediction',
      });
    for (const [key, col] of [
      ['prediction', prediction],
      ['target', target],
    ] as const) {
      if (!d.frame.columns.includes(col))
        throw new UserError(`no column '${col}'`, { key }, [`columns: ${d.frame.columns.join(', ')}`]);
    }
    const task = tv?.task ?? d.labels.find((l) => l.column === target)?.task ?? 'regression';
    const split = c.split ?? 'test';
    const rows = d.frame.columns.includes(SPLIT) ? d.frame.filter(pl.col(SPLIT).eq(pl.lit(split))) : d.frame;
    if (!rows.height) throw new UserError(`the ${split} split has no rows`, { key: 'split' });
    const y = toFloat64(rows, target);
    const p = toFloat64(rows, prediction);
    const horizon = d.labels.find((l) => l.column === target)?.horizon ?? tv?.horizon;
    const ev = evaluatePredictions(y, p, {
      task,
      metrics: c.metrics,
      ...resamplingOf(c),
      alpha: c.alpha,
      seed: ctx.seed,
      horizon,
      times: timestampsMs(rows),
    });
    const first = Object.entries(ev.metrics)[0];
    return emptyResult({
      dataset: d,
      summary: {
        split,
        rows: rows.height,
        ...Object.fromEntries(
          headline(ev.metrics).map(([k, v]) => [
            k,
            `${v.value.toFixed(4)} [${v.low.toFixed(4)}, ${v.high.toFixed(4)}]`,
          ]),
        ),
        bootstrap: describeBootstrap(ev.bootstrap),
      },
      metrics: flattenCIs(ev.metrics),
      charts: evaluateCharts(task === 'regression' ? { task, yTrue: y, yPred: p } : { task, yTrue: y, prob: p }).map(
        chartToOutput,
      ),
      value: { metrics: ev.metrics, bootstrap: ev.bootstrap, headline: first?.[0] },
    });
  },
};

registerPhase(evaluatePhase);
