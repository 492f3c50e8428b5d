/**
 * `labels`: forward return over H bars and its direction class, per symbol. Rows without a full
 * horizon (each symbol's last H rows, or a null target H bars ahead) are dropped, never filled.
 */
import pl from 'nodejs-polars';
import { UserError } from '../errors';
import { SYMBOL, TIMESTAMP, withDataset, type LabelInfo } from '../frame/dataset';
import type { ConfigOf } from '../base/schema';
import { registerPhase, type CommonConfig } from '../spec/registry';
import { labelsSchema } from './specs/labels';
import { closest, didYouMean } from '../base/schema';
import { emptyResult, type PhaseContext, type PhaseResult, type PhaseSpec } from '../spec/types';
import { bornIn } from '../frame/provenance';
import { scalarInt } from '../frame/int64';

export type LabelTask = 'regression' | 'classification' | 'both';

/** The config of a `labels` cell, read off its key specs. */
export type LabelsConfig = ConfigOf<typeof labelsSchema.keys> & CommonConfig;

export const fwdRetColumn = (h: number) => `fwd_ret_h${h}`;
export const dirColumn = (h: number) => `dir_h${h}`;

/** Class names by code: threshold 0 gives ['down', 'up'] (up = return > 0), above 0 adds 'flat'. */
export function directionClasses(threshold: number): string[] {
  return threshold > 0 ? ['down', 'flat', 'up'] : ['down', 'up'];
}

export interface LabelBuild {
  frame: pl.DataFrame;
  labels: LabelInfo[];
  /** Each symbol's last max(H) rows: no full horizon. */
  droppedTail: number;
  /** Other rows whose target H bars ahead (or now) is null. */
  droppedNull: number;
}

/** Pure label construction; `cell` is only used in error locations. */
export function buildLabels(input: pl.DataFrame, c: LabelsConfig, cell?: string): LabelBuild {
  if (c.horizon !== undefined && c.horizons !== undefined)
    throw new UserError('set either `horizon:` or `horizons:`, not both', { cell, key: 'horizons' });
  const horizons = [...new Set(c.horizons ?? [c.horizon ?? 20])].sort((a, b) => a - b);
  if (!horizons.length) throw new UserError('`horizons:` is empty', { cell, key: 'horizons' });
  for (const h of horizons)
    if (!Number.isInteger(h) || h < 1)
      throw new UserError(`horizon ${h} must be a whole number of bars >= 1`, {
        cell,
        key: c.horizons ? 'horizons' : 'horizon',
      });
  const target = c.target ?? 'close';
  const threshold = c.threshold ?? 0;
  if (threshold < 0)
    throw new UserError(
      `threshold ${threshold} must be >= 0 (it is applied symmetrically: up > +threshold, down < -threshold)`,
      { cell, key: 'threshold' },
    );
  for (const col of [SYMBOL, TIMESTAMP])
    if (!input.columns.includes(col)) throw new UserError(`the input has no '${col}' column`, { cell });
  if (!input.columns.includes(target)) {
    const near = closest(target, input.columns);
    throw new UserError(`no target column '${target}'${didYouMean(near)}`, { cell, key: 'target' }, [
      `columns: ${input.columns.join(', ')}`,
    ]);
  }
  const task = c.task ?? 'both';
  const classes = directionClasses(threshold);
  const exprs: pl.Expr[] = [];
  const labels: LabelInfo[] = [];
  for (const h of horizons) {
    for (const name of [fwdRetColumn(h), dirColumn(h)]) {
      if (input.columns.includes(name))
        throw new UserError(`the input already has a column '${name}': labels for horizon ${h} were built upstream`, {
          cell,
          key: 'horizons',
        });
    }
    const p = pl.col(target).cast(pl.Float64);
    const fwd = p.shift(-h).over(SYMBOL).div(p).sub(1);
    const dir =
      threshold > 0
        ? pl
            .when(fwd.gt(threshold))
            .then(pl.lit(2))
            .when(fwd.lt(-threshold))
            .then(pl.lit(0))
            .when(fwd.isNotNull())
            .then(pl.lit(1))
            .otherwise(pl.lit(null))
        : pl.when(fwd.gt(0)).then(pl.lit(1)).when(fwd.isNotNull()).then(pl.lit(0)).otherwise(pl.lit(null));
    exprs.push(
      pl.when(fwd.isFinite()).then(fwd).otherwise(pl.lit(null)).alias(fwdRetColumn(h)),
      dir.cast(pl.Float64).alias(dirColumn(h)),
    );
    if (task !== 'classification') labels.push({ column: fwdRetColumn(h), horizon: h, task: 'regression' });
    if (task !== 'regression') labels.push({ column: dirColumn(h), horizon: h, task: 'classification', classes });
  }
  const hMax = horizons[horizons.length - 1];
  const all = horizons.map((h) => fwdRetColumn(h));
  const flagged = input
    .sort([SYMBOL, TIMESTAMP])
    .withColumns(...exprs)
    .withColumns(
      pl.intRange(0, pl.len()).over(SYMBOL).gtEq(pl.len().over(SYMBOL).cast(pl.Int64).sub(hMax)).alias('__tail'),
      pl.allHorizontal(all.map((f) => pl.col(f).isNotNull())).alias('__valid'),
    );
  const counts = flagged.select(
    pl.col('__tail').sum().alias('tail'),
    pl.col('__valid').not().and(pl.col('__tail').not()).sum().alias('other'),
  );
  return {
    frame: flagged.filter(pl.col('__valid')).drop(['__tail', '__valid']),
    labels,
    droppedTail: scalarInt(counts, 'tail', 0)!,
    droppedNull: scalarInt(counts, 'other', 0)!,
  };
}

async function run(config: LabelsConfig, inputs: PhaseResult[], ctx: PhaseContext): Promise<PhaseResult> {
  const ds = inputs[0]?.dataset;
  if (!ds)
    throw new UserError("'labels' needs an upstream cell that produces data", { cell: ctx.cell.name, key: 'from' });
  const built = buildLabels(ds.frame, config, ctx.cell.name);
  if (built.frame.height === 0)
    throw new UserError(
      `no rows left: every row lacks a full horizon (${built.droppedTail} tail rows, ${built.droppedNull} ` +
        `with a null target)`,
      { cell: ctx.cell.name, key: 'horizon' },
    );
  const summary: PhaseResult['summary'] = {
    rows: built.frame.height,
    horizons: [...new Set(built.labels.map((l) => l.horizon))].join(', '),
    labels: built.labels.map((l) => l.column).join(', '),
    dropped_tail_rows: built.droppedTail,
    dropped_null_rows: built.droppedNull,
  };
  const metrics: Record<string, number> = {};
  const dirs = built.labels.filter((l) => l.task === 'classification');
  const shares = dirs.length
    ? built.frame.select(
        ...dirs.flatMap((l) =>
          l.classes!.map((name, code) => pl.col(l.column).eq(code).mean().alias(`${l.column}:${name}`)),
        ),
      )
    : undefined;
  if (shares) {
    for (const name of shares.columns)
      metrics[`share_${name.replace(':', '_')}`] = Number(shares.getColumn(name).get(0));
    const last = dirs[dirs.length - 1];
    summary[`classes_h${last.horizon}`] = last
      .classes!.map((n) => `${n} ${(100 * Number(shares.getColumn(`${last.column}:${n}`).get(0))).toFixed(1)}%`)
      .join(', ');
  }
  const warnings =
    built.droppedNull > 0 ? [`${built.droppedNull} rows dropped because the target was null now or H bars ahead`] : [];
  return emptyResult({
    dataset: withDataset(ds, {
      frame: built.frame,
      labels: [...ds.labels, ...built.labels.map((l) => bornIn(l, ctx.cell.name))],
    }),
    summary,
    metrics,
    warnings,
  });
}

export const labelsPhase: PhaseSpec<LabelsConfig> = {
  ...labelsSchema,
  run,
};

registerPhase(labelsPhase);
