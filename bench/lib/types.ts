/** What each benchmark entry writes as JSON, read by bench/run.mjs to write bench/results.md. */

export interface StageTime {
  name: string;
  status: string;
  wallMs: number;
  cpuMs: number;
  summary?: Record<string, unknown>;
}

export interface MetricWithCI {
  value: number;
  low: number;
  high: number;
}

/** One side of the pipeline benchmark (Phasebook or the Python reference). */
export interface PipelineBenchResult {
  side: 'phasebook' | 'reference';
  stages: StageTime[];
  /** Wall time of all stages plus the bookkeeping between them, in this process. */
  sessionWallMs: number;
  /** Phasebook: the causality audit gate before the model cells (outside the stages' times). */
  audit?: { wallMs: number; recomputed: number; verdict: string };
  peakRssMb: number;
  /** Rows that received an out-of-fold prediction (the stacking dataset). */
  rows: number;
  foldRows: { fold: number; train: number; test: number }[];
  /** Fit + predict seconds per base model, summed over folds. */
  modelSeconds: Record<string, number>;
  /** Stacking meta-learner, leave-one-fold-out ROC AUC with its bootstrap CI. */
  metaAuc?: MetricWithCI;
  metaMetrics: Record<string, number>;
  /** Each base model's out-of-fold metrics on the same rows. */
  baseMetrics: Record<string, Record<string, number>>;
  /** How the meta-learner was scored (Phasebook's metrics.json `evaluation`). */
  evaluation?: string;
  runs?: Record<string, string>;
  /** The first cell that did not finish ok (the stages after it are missing). */
  failed?: { cell: string; message: string };
}
