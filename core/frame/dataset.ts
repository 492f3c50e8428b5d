import type pl from 'nodejs-polars';

/**
 * What flows along an edge of the pipeline: one frame plus what downstream phases need to know
 * about it. Canonical columns: `timestamp` (Datetime, ms, UTC) and `symbol` (Utf8; a constant when
 * the source has no symbol column). The `split` column ('train' | 'val' | 'test') appears after a
 * `split` phase.
 */
export interface Dataset {
  frame: pl.DataFrame;
  /** Feature columns, in order. */
  features: string[];
  /** Label columns built by a `labels` phase. */
  labels: LabelInfo[];
  /** Set by `features`: first 12 hex of sha256 of sorted feature names + config. */
  featureSetId?: string;
  /** Set by `scale`: path of the saved scaler JSON. */
  scalerPath?: string;
  /** Files this dataset was read from (for lineage in run manifests). */
  sources: string[];
}

export type Task = 'regression' | 'classification';

export interface LabelInfo {
  /** Column holding the target. */
  column: string;
  horizon: number;
  task: Task;
  /** Class names for classification, index = class code stored in the column. */
  classes?: string[];
  /** Where the label was built and the cells it came through (core/frame/provenance.ts). */
  origin?: LabelOrigin;
}

export interface LabelOrigin {
  /** The cell that built the label (or the label it derives from). */
  cell: string;
  /** Hops since, in order: "feed 'future' of align cell 'aligned'", "ts cell 'mix'". */
  via: string[];
  /** For a derived label: the label column it was computed from. */
  from?: string;
}

export const TIMESTAMP = 'timestamp';
export const SYMBOL = 'symbol';
export const SPLIT = 'split';
export type SplitName = 'train' | 'val' | 'test';

/** A shallow copy with some fields replaced — phases never mutate their input. */
export function withDataset(d: Dataset, patch: Partial<Dataset>): Dataset {
  return { ...d, ...patch };
}
