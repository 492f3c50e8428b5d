/**
 * The contract every model honours. Features are column-major: one Float64Array per feature,
 * all of length `rows` (this is what polars hands out without a transpose). NaN marks a missing
 * value. Labels for classification are class codes 0..k-1 stored as numbers.
 */

import type { FeatureMatrix, ModelTask } from '../base/matrix';

export type { FeatureMatrix, ModelTask };

export interface FitOptions {
  seed: number;
  task: ModelTask;
  /** Number of classes for classification (2 = binary). */
  nClasses?: number;
  /** A validation set for early stopping (models that support it). */
  valid?: { X: FeatureMatrix; y: Float64Array };
  /** Threads for models that parallelise (default: all cores). */
  threads?: number;
  signal?: AbortSignal;
  /** Progress in [0, 1]. */
  onProgress?: (fraction: number) => void;
}

/** A JSON-safe object; big numeric arrays are stored as plain number arrays or base64 (see `encodeF64`). */
export type ModelJSON = { kind: string; task: ModelTask; nClasses?: number; features: string[] } & Record<
  string,
  unknown
>;

/** What early stopping did (run.json meta.early_stopping, the train cell's summary). */
export interface EarlyStoppingReport {
  /** The monitored validation metric (the objective's loss) and its direction. */
  metric: string;
  direction: 'min' | 'max';
  patience: number;
  min_delta: number;
  /** 0-based round of the best score; the model keeps rounds 0..best_round. */
  best_round: number;
  best_score: number;
  rounds_run: number;
  stopped_early: boolean;
}

/** One candidate checkpoint of a model: the model as it stood after `step` (a boosting round), scored on validation. */
export interface ModelSnapshot {
  step: number;
  /** Validation loss after this step (lower is better). */
  score: number;
  toJSON(): ModelJSON;
}

export interface TrainedModel {
  readonly kind: string;
  readonly task: ModelTask;
  readonly nClasses?: number;
  readonly features: string[];
  /**
   * Regression: predicted values. Classification: for binary, P(class 1) per row; for k > 2,
   * row-major probabilities (rows * k).
   */
  predict(X: FeatureMatrix): Float64Array;
  /** Gain importance per feature, when the model has it. */
  importance?(): Record<string, number>;
  /** Set when training failed and a simpler model was fitted instead. */
  fallback?: { from: string; reason: string };
  /** Set by models trained with early stopping on a validation set. */
  readonly earlyStopping?: EarlyStoppingReport;
  /** Iterative models: the model after each step, with its validation loss (top-N checkpoints pick from these). */
  snapshots?(): ModelSnapshot[];
  toJSON(): ModelJSON;
}

export type Params = Record<string, number | string | boolean>;

export interface ModelFactory {
  kind: string;
  tasks: readonly ModelTask[];
  /** Default hyper-parameters. */
  defaults: Params;
  /** Search space for tuning: [low, high, 'log'|'linear'|'int'] or a list of choices. */
  space?: Record<string, readonly [number, number, 'log' | 'linear' | 'int'] | readonly (string | number | boolean)[]>;
  fit(X: FeatureMatrix, y: Float64Array, params: Params, opts: FitOptions): Promise<TrainedModel>;
  fromJSON(json: ModelJSON): TrainedModel;
}

/** Thrown by a model that could not be trained (singular matrix, no convergence). */
export class TrainingFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingFailure';
  }
}

/** Float64Array <-> base64 for compact JSON. */
export function encodeF64(a: Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

export function decodeF64(s: string): Float64Array {
  const b = Buffer.from(s, 'base64');
  const out = new Float64Array(b.byteLength / 8);
  new Uint8Array(out.buffer).set(b);
  return out;
}
