/**
 * `export`: writes the prepared dataset to `<artifacts>/datasets_{feature_set_id}/` as
 * X_{split}.parquet (timestamp, symbol, features) and y_{split}.parquet (timestamp, symbol,
 * labels) for train/val/test, plus meta.json. The directory is written beside the final one and
 * renamed into place, so a reader never sees half an export.
 */
import pl from 'nodejs-polars';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { UserError } from '../errors';
import { SPLIT, SYMBOL, TIMESTAMP, type Dataset, type LabelInfo, type SplitName } from '../frame/dataset';
import { featureSetId } from '../frame/featureSet';
import { ENGINE_VERSION } from '../version';
import type { ConfigOf } from '../base/schema';
import { registerPhase, type CommonConfig } from '../spec/registry';
import { exportSchema } from './specs/export';
import { emptyResult, type ArtifactRef, type PhaseContext, type PhaseResult, type PhaseSpec } from '../spec/types';
import { sha256 } from '../base/hash';

export const SPLITS: readonly SplitName[] = ['train', 'val', 'test'];

export interface ExportMeta {
  feature_set_id: string;
  /** Scaler JSON, relative to the dataset directory (null when the data was not scaled). */
  scaler_path: string | null;
  seed: number;
  versions: { engine: string; nodejs_polars: string; node: string };
  rows: Record<SplitName, number>;
  features: string[];
  labels: LabelInfo[];
  symbols: string[];
  /** sha256 of every file written, by file name. */
  files: Record<string, string>;
}

/** The config of a `export` cell, read off its key specs. */
export type ExportConfig = ConfigOf<typeof exportSchema.keys> & CommonConfig;

export function datasetDir(artifactsDir: string, id: string): string {
  return join(artifactsDir, `datasets_${id}`);
}

export function polarsVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the installed polars, read at run time
    return (require('nodejs-polars/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Writes the export directory (pure apart from the files); returns its meta. */
export function writeExport(ds: Dataset, dir: string, seed: number, cell?: string): ExportMeta {
  const frame = ds.frame;
  if (!frame.columns.includes(SPLIT))
    throw new UserError("the input has no 'split' column: add a split cell before export", { cell, key: 'from' });
  if (!ds.features.length)
    throw new UserError('the input has no features to export: add a features cell upstream', { cell, key: 'from' });
  if (!ds.labels.length)
    throw new UserError('the input has no labels to export: add a labels cell upstream', { cell, key: 'from' });
  const id = ds.featureSetId ?? featureSetId(ds.features, { labels: ds.labels.map((l) => l.column) });
  const xCols = [TIMESTAMP, SYMBOL, ...ds.features];
  const yCols = [TIMESTAMP, SYMBOL, ...ds.labels.map((l) => l.column)];
  for (const c of new Set([...xCols, ...yCols])) {
    if (!frame.columns.includes(c))
      throw new UserError(`the input has no column '${c}' although it is listed as a feature or label`, {
        cell,
        dataColumn: c,
      });
  }
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(tmp, { recursive: true });
  const files: Record<string, string> = {};
  const rows = { train: 0, val: 0, test: 0 } as Record<SplitName, number>;
  try {
    for (const s of SPLITS) {
      const part = frame.filter(pl.col(SPLIT).eq(pl.lit(s)));
      rows[s] = part.height;
      for (const [name, cols] of [
        [`X_${s}.parquet`, xCols],
        [`y_${s}.parquet`, yCols],
      ] as const) {
        const path = join(tmp, name);
        part.select(...cols).writeParquet(path);
        files[name] = sha256(readFileSync(path));
      }
    }
    const scalerRel = ds.scalerPath ? relative(dir, ds.scalerPath).split(sep).join('/') : null;
    const meta: ExportMeta = {
      feature_set_id: id,
      scaler_path: scalerRel,
      seed,
      versions: { engine: ENGINE_VERSION, nodejs_polars: polarsVersion(), node: process.versions.node },
      rows,
      features: ds.features,
      labels: ds.labels,
      symbols: frame.getColumn(SYMBOL).unique().sort().toArray() as string[],
      files,
    };
    writeFileSync(join(tmp, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    return meta;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

async function run(_config: ExportConfig, inputs: PhaseResult[], ctx: PhaseContext): Promise<PhaseResult> {
  const ds = inputs[0]?.dataset;
  if (!ds)
    throw new UserError("'export' needs an upstream cell that produces data", { cell: ctx.cell.name, key: 'from' });
  const id = ds.featureSetId ?? featureSetId(ds.features, { labels: ds.labels.map((l) => l.column) });
  const dir = datasetDir(ctx.roots.artifacts, id);
  const meta = writeExport(ds, dir, ctx.seed, ctx.cell.name);
  const artifacts: ArtifactRef[] = [
    { path: dir, label: 'prepared dataset' },
    ...Object.keys(meta.files).map((f) => ({ path: join(dir, f), label: f.replace('.parquet', '') })),
    { path: join(dir, 'meta.json'), label: 'dataset meta' },
  ];
  return emptyResult({
    dataset: { ...ds, featureSetId: id },
    summary: {
      directory: dir,
      train_rows: meta.rows.train,
      val_rows: meta.rows.val,
      test_rows: meta.rows.test,
      features: meta.features.length,
      labels: meta.labels.length,
    },
    artifacts,
  });
}

export const exportPhase: PhaseSpec<ExportConfig> = {
  ...exportSchema,
  run,
};

registerPhase(exportPhase);
