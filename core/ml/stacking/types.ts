/** What trainStacking takes and gives back. */
import type { ErrorLocation } from '../../errors';
import type { Logger } from '../../log';
import type { RunSource } from '../../spec/types';
import type { BootstrapMethod, BootstrapRecord } from '../bootstrap';
import type { ModelTask } from '../model';
import type { Dataset } from '../../frame/dataset';
import type { BaseDiagnostics } from './diagnostics';
import type { HoldoutReport } from './holdout';
import type { MetaFold } from './metaFolds';
import type { MetricWithCI, ScoreReport, StackComparison } from './scoreReport';

export interface TrainStackingOptions {
  stackingRoot: string;
  runsRoot: string;
  cvRunId: string;
  horizon: number;
  /** Default: `nonneg` (binary classification, regression), `logistic` for more classes. */
  metaLearner?: string;
  params?: Record<string, number | string | boolean>;
  seed: number;
  source: RunSource;
  baseDir: string;
  log: Logger;
  /** Bootstrap resamples for the CIs (default 1000). */
  bootstrap?: number;
  /** moving_block (default) or iid. */
  bootstrapMethod?: BootstrapMethod;
  /** Block length in bars (default max(horizon, ceil(bars^(1/3)))). */
  block?: number;
  /**
   * Also score the stack on the held-out `test` split of this dataset (the CV run's input): base
   * models refitted on all development rows, the deployed meta-learner applied. Off when absent.
   */
  holdout?: Dataset;
  signal?: AbortSignal;
  progress?: (fraction: number, message?: string) => void;
  location?: ErrorLocation;
}

export interface TrainStackingResult {
  runId: string;
  dir: string;
  metaLearner: string;
  baseModels: string[];
  features: string[];
  task: ModelTask;
  /** Meta-learner metrics, pooled over the scored folds of the purged walk-forward, with block-bootstrap CIs. */
  metrics: Record<string, MetricWithCI>;
  /** The meta-learner per fold and pooled. */
  scores: ScoreReport;
  /** The pooled metrics of each base model on the same rows (its full report in `baseScores`). */
  baseMetrics: Record<string, Record<string, number>>;
  baseScores: Record<string, ScoreReport>;
  /** Stack vs the best base model on the same rows. */
  comparison?: StackComparison;
  bootstrap: BootstrapRecord;
  walkForward: {
    folds: (Omit<MetaFold, 'train' | 'test'> & { trainRows: number; testRows: number })[];
    embargoBars: number;
    pctEmbargo: number;
    pctEmbargoFrom: string;
    scoredRows: number;
  };
  diagnostics: BaseDiagnostics;
  warnings: string[];
  fallback?: { from: string; reason: string };
  weights?: Record<string, number>;
  /** Meta-learner weights fitted in each walk-forward fold: how stable they are. */
  foldWeights: Record<string, number>[];
  /** The stack on the held-out test split, when asked for (`holdout: true`). */
  holdout?: HoldoutReport;
}
