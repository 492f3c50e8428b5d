import type { Dataset } from '../frame/dataset';
import type { ArtifactRef, ChartOutput, SummaryValue, TableOutput } from '../base/outputs';
import type { KeySpecs } from '../base/schema';
import type { Logger } from '../log';
import type { ArtifactRoots } from '../runs/roots';
import type { RunKind } from '../runs/types';

export type { ArtifactRef, ChartOutput, SummaryValue, TableOutput };

/** Everything a phase may use while it runs. Phases never touch UI and never import vscode. */
export interface PhaseContext {
  cell: { name: string; kind: string; index: number };
  /** Absolute path of the .pipeline file (or a synthetic name for CLI-built pipelines). */
  notebookPath: string;
  /** Directory relative paths in configs resolve against (the notebook's folder). */
  baseDir: string;
  /** Absolute artifact roots. */
  roots: ArtifactRoots;
  /** Global seed of this execution (notebook `seed:` / PHASEBOOK_SEED / 42). */
  seed: number;
  log: Logger;
  signal: AbortSignal;
  /** Report progress in [0, 1] with an optional message. */
  progress(fraction: number, message?: string): void;
  /** Results of every upstream cell, by name (the direct inputs are also in `inputs`). */
  upstream: ReadonlyMap<string, PhaseResult>;
  /** Source of the run (for manifests). */
  source: RunSource;
}

export interface RunSource {
  notebook?: string;
  cell?: string;
  cli?: string[];
  /** Started by autorun mode: createRun writes it as meta.autorun (not into run.json's source). */
  autorun?: boolean;
}

export interface PhaseResult {
  /** The frame and its meta that flow downstream (absent for sinks like `report`). */
  dataset?: Dataset;
  /** A few headline facts, shown as the cell's text output ("rows: 48,000", "features: 17"). */
  summary: Record<string, SummaryValue>;
  /** Numeric metrics worth tracking. */
  metrics?: Record<string, number>;
  artifacts: ArtifactRef[];
  charts: ChartOutput[];
  tables: TableOutput[];
  warnings: string[];
  /** A run this phase created on disk. */
  run?: { id: string; dir: string; kind: RunKind };
  /** Non-frame output for downstream phases of a particular kind (e.g. cv results for `stack`). */
  value?: unknown;
  /** The seed this cell actually used, when it is not the execution's (a cell's own `seed:`). */
  seed?: number;
  /** When the cell computed this result and how long it took (a cache hit shows "cached (ran 1.3 s on ...)"). */
  ran?: { at: string; durationMs: number };
  /** Metrics per model (a CV run's every model), recorded in metrics.db with their model. */
  modelMetrics?: { model: string; metrics: Record<string, number> }[];
}

/**
 * What the parser and the editor know of a phase kind: its light schema (core/phases/specs/), loaded
 * without the frame library.
 */
export interface PhaseSchema {
  kind: string;
  /** One line, shown in completion and hovers. */
  doc: string;
  /** Keys the cell body may hold (besides the common ones: from, ...). */
  keys: KeySpecs;
  /** False for sources (`load`, `import`): they take no upstream. */
  needsInput: boolean;
}

/** A runnable phase kind: its schema and what runs it. */
export interface PhaseSpec<C = Record<string, unknown>> extends PhaseSchema {
  /** Files the phase will read, for cache keys; resolved against ctx.baseDir. */
  inputFiles?(config: C, ctx: Pick<PhaseContext, 'baseDir' | 'roots'>): Promise<string[]> | string[];
  /**
   * State outside config, inputs and files that the output depends on (the trial ledger a
   * selection cell reads): a short string, part of the cache key, so a change of that state
   * recomputes the cell.
   */
  keyState?(config: C, ctx: { roots: ArtifactRoots; notebookPath?: string }): Promise<string> | string;
  /** Set when the phase's output depends on something besides config + inputs (never cache). */
  volatile?: boolean;
  run(config: C, inputs: PhaseResult[], ctx: PhaseContext): Promise<PhaseResult>;
}

/** An empty result to build on. */
export function emptyResult(patch: Partial<PhaseResult> = {}): PhaseResult {
  return { summary: {}, artifacts: [], charts: [], tables: [], warnings: [], ...patch };
}
