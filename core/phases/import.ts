/**
 * `import`: reads a dataset written by `export` back into a Dataset — by `feature_set_id:` (from
 * the artifacts root) or by `path:` (a datasets_* directory, relative to the notebook).
 */
import pl from 'nodejs-polars';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors';
import { SPLIT, SYMBOL, TIMESTAMP, type Dataset } from '../frame/dataset';
import { datasetDir, SPLITS, type ExportMeta } from './export';
import type { ConfigOf } from '../base/schema';
import { registerPhase, type CommonConfig } from '../spec/registry';
import { importSchema } from './specs/import';
import { emptyResult, type PhaseContext, type PhaseResult, type PhaseSpec } from '../spec/types';

/** The config of a `import` cell, read off its key specs. */
export type ImportConfig = ConfigOf<typeof importSchema.keys> & CommonConfig;

/** The dataset directory a config points at. */
export function importDir(c: ImportConfig, ctx: Pick<PhaseContext, 'baseDir' | 'roots'>, cell?: string): string {
  if ((c.feature_set_id === undefined) === (c.path === undefined)) {
    throw new UserError('set exactly one of `feature_set_id:` or `path:`', {
      cell,
      key: c.path === undefined ? 'feature_set_id' : 'path',
    });
  }
  if (c.feature_set_id !== undefined && !/^[0-9a-f]{1,64}$/.test(c.feature_set_id)) {
    throw new UserError(`'${c.feature_set_id}' is not a feature set id (hex digits, e.g. 3f9a0c1b2d4e)`, {
      cell,
      key: 'feature_set_id',
    });
  }
  return c.path !== undefined ? resolve(ctx.baseDir, c.path) : datasetDir(ctx.roots.artifacts, c.feature_set_id!);
}

function available(artifactsDir: string): string[] {
  if (!existsSync(artifactsDir)) return [];
  return readdirSync(artifactsDir)
    .filter((n) => /^datasets_[0-9a-f]+$/.test(n))
    .map((n) => n.slice('datasets_'.length))
    .sort();
}

/** Reads an export directory into a Dataset (rows in the order they were written, split column last). */
export function readExport(dir: string, cell?: string, key = 'path'): { dataset: Dataset; meta: ExportMeta } {
  const metaPath = join(dir, 'meta.json');
  if (!existsSync(metaPath))
    throw new UserError(`no exported dataset at ${dir} (meta.json is missing)`, { cell, key, file: metaPath });
  let meta: ExportMeta;
  try {
    meta = JSON.parse(readFileSync(metaPath, 'utf8')) as ExportMeta;
  } catch (e) {
    throw new UserError(`meta.json is not valid JSON: ${(e as Error).message}`, { cell, file: metaPath });
  }
  const labelCols = meta.labels.map((l) => l.column);
  const parts: pl.DataFrame[] = [];
  for (const s of SPLITS) {
    const xPath = join(dir, `X_${s}.parquet`);
    const yPath = join(dir, `y_${s}.parquet`);
    for (const p of [xPath, yPath])
      if (!existsSync(p)) throw new UserError(`the exported dataset is incomplete: ${p} is missing`, { cell, file: p });
    const X = pl.readParquet(xPath);
    const y = pl.readParquet(yPath);
    for (const [file, frame, cols] of [
      [xPath, X, [TIMESTAMP, SYMBOL, ...meta.features]],
      [yPath, y, [TIMESTAMP, SYMBOL, ...labelCols]],
    ] as const) {
      const missing = cols.filter((c) => !frame.columns.includes(c));
      if (missing.length)
        throw new UserError(
          `${file} lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} listed in meta.json`,
          { cell, file, dataColumn: missing[0] },
        );
    }
    if (X.height !== y.height)
      throw new UserError(`X_${s} has ${X.height} rows but y_${s} has ${y.height}`, { cell, file: yPath });
    if (X.height === 0) continue;
    parts.push(
      pl.concat(
        [
          X.select(TIMESTAMP, SYMBOL, ...meta.features),
          y.select(...labelCols),
          pl.DataFrame([pl.Series(SPLIT, Array(X.height).fill(s), pl.String)]),
        ],
        { how: 'horizontal' },
      ),
    );
  }
  if (!parts.length) throw new UserError(`the exported dataset at ${dir} has no rows`, { cell, file: metaPath });
  const frame = pl.concat(parts, { how: 'vertical' });
  return {
    meta,
    dataset: {
      frame,
      features: meta.features,
      labels: meta.labels,
      featureSetId: meta.feature_set_id,
      scalerPath: meta.scaler_path ? resolve(dir, meta.scaler_path) : undefined,
      sources: [metaPath, ...SPLITS.flatMap((s) => [join(dir, `X_${s}.parquet`), join(dir, `y_${s}.parquet`)])],
    },
  };
}

async function run(config: ImportConfig, _inputs: PhaseResult[], ctx: PhaseContext): Promise<PhaseResult> {
  const cell = ctx.cell.name;
  const dir = importDir(config, ctx, cell);
  if (!existsSync(dir)) {
    const ids = available(ctx.roots.artifacts);
    throw new UserError(
      `no exported dataset ` +
        `${config.feature_set_id ? `with feature set id '${config.feature_set_id}'` : `at '${config.path}'`} ` +
        `(${dir})`,
      { cell, key: config.path !== undefined ? 'path' : 'feature_set_id' },
      [
        ids.length
          ? `exported feature sets in ${ctx.roots.artifacts}: ${ids.join(', ')}`
          : `there are no exported datasets in ${ctx.roots.artifacts}; run an export cell first`,
      ],
    );
  }
  const { dataset, meta } = readExport(dir, cell, config.path !== undefined ? 'path' : 'feature_set_id');
  ctx.log.debug(`read the exported dataset ${dir} (meta.json and ${SPLITS.length * 2} parquet files)`, { dir });
  return emptyResult({
    dataset,
    summary: {
      feature_set_id: meta.feature_set_id,
      train_rows: meta.rows.train,
      val_rows: meta.rows.val,
      test_rows: meta.rows.test,
      features: meta.features.length,
      labels: meta.labels.length,
    },
  });
}

export const importPhase: PhaseSpec<ImportConfig> = {
  ...importSchema,
  inputFiles(config, ctx) {
    let dir: string;
    try {
      dir = importDir(config, ctx);
    } catch {
      return [];
    }
    return [
      join(dir, 'meta.json'),
      ...SPLITS.flatMap((s) => [join(dir, `X_${s}.parquet`), join(dir, `y_${s}.parquet`)]),
    ];
  },
  run,
};

registerPhase(importPhase);
