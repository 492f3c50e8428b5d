/**
 * The session's public types (docs/design.md §4, §4.6): the options a PipelineSession is made with (roots, seed,
 * jobs, executor, overrides) and the report of one execution, with the causality audit its gate made.
 */
import type { AuditReport } from '../audit/types';
import type { ExecutionReport as GraphExecutionReport } from '../graph/events';
import type { Logger } from '../log';
import type { CellOverrides } from '../notebook/overrides';
import type { Executor } from '../orchestrate/executor';
import type { ArtifactRoots } from '../runs/roots';
import type { PhaseResult } from '../spec/types';

export interface SessionOptions {
  /** Absolute path of the .pipeline file. */
  notebookPath: string;
  /** Folder relative paths resolve against (default: the notebook's folder). */
  baseDir?: string;
  /** Root defaults from the host settings (below the notebook's own `settings` cell). */
  rootDefaults?: Partial<ArtifactRoots>;
  /** Root overrides from the command line (above the notebook). */
  rootOverrides?: Partial<ArtifactRoots>;
  /** Seed override (PHASEBOOK_SEED / --seed), above the notebook's `seed:`. */
  seed?: number;
  log: Logger;
  /** Keep results on disk under roots.cache (default true). */
  diskCache?: boolean;
  /**
   * Worker processes for fanned-out notebooks (docs/design.md §4.6): 1 runs every cell in this process.
   * Default: PHASEBOOK_JOBS, else os.availableParallelism() when the notebook fans out, else 1.
   */
  jobs?: number;
  /** Run computed cells on this executor instead (a distributed one, or the serial one in tests). */
  executor?: Executor;
  /** Modules pool workers load before running (phase kinds registered outside core/phases). */
  preload?: string[];
  /**
   * Write checkpoints, job logs, metrics.db rows and cache statistics (default true; pool workers record only
   * checkpoints and job logs).
   */
  record?: boolean;
  /** Cell keys replaced for this session's runs (`phasebook run --config FILE.yaml`), checked against the key specs. */
  overrides?: CellOverrides;
}

/** An execution's report, with the causality audit its gate made (when a model cell was planned). */
export interface ExecutionReport extends GraphExecutionReport {
  audit?: AuditReport;
}

/** A cell's last good result and the key it was computed for. */
export interface LastRun {
  key: string;
  result: PhaseResult;
}
