/**
 * `features`: returns, lags, rolling statistics and user expressions, per symbol. Rows whose
 * features are null because a lag or window has not filled yet (each symbol's first rows) are
 * dropped and counted; so are later rows with a null input. The feature set gets an id and a
 * `feature_list_{id}.json` artifact.
 */
import { relative } from 'node:path';
import pl from 'nodejs-polars';
import { UserError } from '../errors';
import { SYMBOL, TIMESTAMP, withDataset, type Dataset, type LabelInfo } from '../frame/dataset';
import { LabelLeakError } from '../frame/provenance';
import { featureCharts } from '../frame/featureSetCharts';
import {
  compileFeatureExpression,
  FeatureExpressionError,
  parseFeatureExpression,
  referencedColumns,
} from '../frame/featureSetExpressions';
import { featureSetId, gitCommit, saveFeatureList } from '../frame/featureSet';
import {
  lagExprs,
  returnExpr,
  rollingExprs,
  WindowSpecError,
  type NamedExpr,
  type ReturnType,
  type RollingBlock,
} from '../frame/rolling';
import type { ConfigOf } from '../base/schema';
import { registerPhase, type CommonConfig } from '../spec/registry';
import { featuresSchema, returnColumns } from './specs/features';
import { closest, didYouMean } from '../base/schema';
import { emptyResult, type PhaseContext, type PhaseResult, type PhaseSpec } from '../spec/types';
import { scalarInt } from '../frame/int64';

/** The config of a `features` cell, read off its key specs. */
export type FeaturesConfig = ConfigOf<typeof featuresSchema.keys> & CommonConfig;

/** Config with defaults filled in: what the feature set id hashes. */
export function normalizeFeaturesConfig(c: FeaturesConfig): Record<string, unknown> {
  const rets = returnColumns(c.returns);
  const blocks = c.rolling === undefined ? [] : Array.isArray(c.rolling) ? c.rolling : [c.rolling];
  return {
    returns: rets.map((r) => r.source),
    return_type: c.return_type ?? 'log',
    lags: c.lags ?? [],
    lag_columns: c.lag_columns ?? (c.lags?.length ? rets.map((r) => r.name) : []),
    rolling: blocks.map((b) => ({
      column: b.column ?? rets[0]?.name ?? null,
      windows: b.windows,
      stats: b.stats ?? ['mean', 'std'],
    })),
    expressions: c.expressions ?? {},
  };
}

export interface FeatureBuild {
  frame: pl.DataFrame;
  /** New feature columns, in order. */
  added: string[];
  droppedWarmup: number;
  droppedNull: number;
}

/**
 * Builds the features of a config on a frame (pure: no files). The frame is sorted by symbol then
 * time; the `cell` name only appears in error locations.
 */
export function buildFeatures(
  input: pl.DataFrame,
  c: FeaturesConfig,
  protectedColumns: ReadonlyArray<string | LabelInfo> = [],
  cell?: string,
): FeatureBuild {
  const labelOf = (name: string) => protectedColumns.find((p) => (typeof p === 'string' ? p : p.column) === name);
  const norm = normalizeFeaturesConfig(c);
  for (const col of [SYMBOL, TIMESTAMP]) {
    if (!input.columns.includes(col))
      throw new UserError(`the input has no '${col}' column: features are computed per symbol in time order`, { cell });
  }
  // One lazy query from the sort to the null flags: polars plans the windows together.
  let lazy = input.lazy().sort([SYMBOL, TIMESTAMP]);
  const existing = input.columns;
  const added: string[] = [];
  const has = (name: string) => existing.includes(name) || added.includes(name);
  const need = (name: string, key: string) => {
    const label = labelOf(name);
    if (label !== undefined)
      throw new LabelLeakError(name, typeof label === 'string' ? undefined : label, { cell, key });
    if (has(name)) return;
    const near = closest(name, [...existing, ...added]);
    throw new UserError(`no column '${name}'${didYouMean(near)}`, { cell, key }, [
      `columns: ${[...existing, ...added].join(', ')}`,
    ]);
  };
  const add = (exprs: NamedExpr[], key: string) => {
    for (const e of exprs) {
      if (has(e.name))
        throw new UserError(`feature '${e.name}' would overwrite an existing column of the same name`, { cell, key });
      added.push(e.name);
    }
    if (exprs.length) lazy = lazy.withColumns(...exprs.map((e) => finiteOrNull(e.expr, e.name)));
  };
  const windowError = (key: string) => (e: unknown) => {
    if (e instanceof WindowSpecError) throw new UserError(e.message, { cell, key });
    throw e;
  };

  // 1. returns
  const rets = returnColumns(c.returns);
  rets.forEach((r) => need(r.source, 'returns'));
  add(
    rets.map((r) => ({ name: r.name, expr: returnExpr(r.source, norm.return_type as ReturnType).alias(r.name) })),
    'returns',
  );

  // 2. lags and rolling windows (may read the return columns)
  const lagCols = norm.lag_columns as string[];
  if (c.lags?.length && !lagCols.length)
    throw new UserError('lags need a column: set `returns:` or `lag_columns:`', { cell, key: 'lags' });
  const staged: NamedExpr[] = [];
  for (const col of c.lags?.length ? lagCols : []) {
    need(col, 'lag_columns');
    try {
      staged.push(...lagExprs(col, c.lags!));
    } catch (e) {
      windowError('lags')(e);
    }
  }
  for (const b of norm.rolling as (RollingBlock & { column: string | null })[]) {
    if (!b.column)
      throw new UserError('rolling needs a `column:` (or `returns:` to roll over the return)', {
        cell,
        key: 'rolling',
      });
    need(b.column, 'rolling');
    try {
      staged.push(...rollingExprs(b as RollingBlock));
    } catch (e) {
      windowError('rolling')(e);
    }
  }
  add(staged, staged.length && c.lags?.length ? 'lags' : 'rolling');

  // 3. user expressions (may read everything above)
  const exprs: NamedExpr[] = [];
  for (const [name, src] of Object.entries(c.expressions ?? {})) {
    const key = `expressions.${name}`;
    try {
      const tree = parseFeatureExpression(String(src));
      const expr = compileFeatureExpression(tree).alias(name);
      for (const col of referencedColumns(tree)) need(col, key);
      exprs.push({ name, expr });
    } catch (e) {
      if (e instanceof FeatureExpressionError)
        throw new UserError(`${e.message} in "${src}"`, { cell, key, offset: e.position });
      throw e;
    }
  }
  add(exprs, 'expressions');

  // 4. drop rows whose features are null: warm-up rows at each symbol's start, then the rest.
  if (!added.length) return { frame: lazy.collectSync(), added, droppedWarmup: 0, droppedNull: 0 };
  const valid = pl.allHorizontal(added.map((f) => pl.col(f).isNotNull()));
  const flagged = lazy
    .withColumns(valid.alias('__valid'), pl.intRange(0, pl.len()).over(SYMBOL).alias('__i'))
    .withColumns(
      pl
        .col('__i')
        .lt(pl.col('__i').filter(pl.col('__valid')).min().over(SYMBOL))
        .fillNull(true)
        .alias('__warmup'),
    )
    .collectSync();
  const counts = flagged.select(
    pl.col('__warmup').sum().alias('warmup'),
    pl.col('__valid').not().and(pl.col('__warmup').not()).sum().alias('other'),
  );
  return {
    frame: flagged.filter(pl.col('__valid')).drop(['__valid', '__warmup', '__i']),
    added,
    droppedWarmup: scalarInt(counts, 'warmup', 0)!,
    droppedNull: scalarInt(counts, 'other', 0)!,
  };
}

/** NaN and ±inf (log of 0, x/0) become null, so they are counted and dropped like gaps. */
function finiteOrNull(e: pl.Expr, name: string): pl.Expr {
  const x = e.cast(pl.Float64);
  return pl.when(x.isFinite()).then(x).otherwise(pl.lit(null)).alias(name);
}

async function run(config: FeaturesConfig, inputs: PhaseResult[], ctx: PhaseContext): Promise<PhaseResult> {
  const ds = inputDataset(inputs, ctx);
  const built = buildFeatures(ds.frame, config, ds.labels, ctx.cell.name);
  const features = [...ds.features.filter((f) => !built.added.includes(f)), ...built.added];
  if (!features.length)
    throw new UserError('no features configured: add `returns:`, `lags:`, `rolling:` or `expressions:`', {
      cell: ctx.cell.name,
    });
  if (built.frame.height === 0) {
    throw new UserError(
      `no rows left after dropping rows with null features (${built.droppedWarmup} warm-up rows, ` +
        `${built.droppedNull} rows with null inputs): are the windows longer than the data?`,
      { cell: ctx.cell.name },
    );
  }
  const norm = normalizeFeaturesConfig(config);
  const id = featureSetId(features, norm);
  const listPath = saveFeatureList(ctx.roots.artifacts, {
    id,
    features,
    config: norm,
    description:
      config.description ?? `features from cell '${ctx.cell.name}' of ${relative(ctx.baseDir, ctx.notebookPath)}`,
    gitCommit: gitCommit(ctx.baseDir),
  });
  const warnings: string[] = [];
  if (built.droppedNull > 0)
    warnings.push(
      `${built.droppedNull} rows dropped after the warm-up because an input value was null or not finite ` +
        `(impute with a preprocess cell to keep them)`,
    );
  ctx.log.info(`features: ${built.added.length} new, ${built.droppedWarmup} warm-up rows dropped`, {
    feature_set_id: id,
  });
  const dataset: Dataset = withDataset(ds, { frame: built.frame, features, featureSetId: id });
  return emptyResult({
    dataset,
    summary: {
      rows: built.frame.height,
      features: features.length,
      new_features: built.added.length,
      dropped_warmup_rows: built.droppedWarmup,
      dropped_null_rows: built.droppedNull,
      feature_set_id: id,
    },
    artifacts: [{ path: listPath, label: 'feature list' }],
    charts: featureCharts(built.frame, features),
    warnings,
  });
}

function inputDataset(inputs: PhaseResult[], ctx: PhaseContext): Dataset {
  const ds = inputs[0]?.dataset;
  if (!ds)
    throw new UserError(`'${ctx.cell.kind}' needs an upstream cell that produces data`, {
      cell: ctx.cell.name,
      key: 'from',
    });
  return ds;
}

export const featuresPhase: PhaseSpec<FeaturesConfig> = {
  ...featuresSchema,
  run,
};

registerPhase(featuresPhase);
