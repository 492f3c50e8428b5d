/** Run manifests (docs/design.md §7.2). `run.json` is written last, atomically. */
import type { RunWriterInfo } from './liveness';

export type RunKind = 'cv' | 'training' | 'stacking' | 'backtest' | 'workflow' | 'pipeline';
/**
 * `interrupted` is never written: the index shows a `running` run whose writer is gone so
 * (core/runs/liveness.ts).
 */
export type RunStatus = 'running' | 'complete' | 'failed' | 'interrupted';

export interface ArtifactEntry {
  /** Path relative to the run directory (or absolute when outside it). */
  path: string;
  bytes: number;
  sha256: string;
  rows?: number;
}

export interface RunManifest {
  id: string;
  kind: RunKind;
  status: RunStatus;
  /** ISO-8601 UTC. */
  created: string;
  finished?: string;
  source: { notebook?: string; cell?: string; cli?: string[] };
  config: Record<string, unknown>;
  config_hash: string;
  feature_set_id?: string;
  git_commit?: string;
  seed: number;
  /** Headline metrics ({ auc: 0.61, rmse: ... }); may hold CIs as `{metric}_ci_low/_ci_high`. */
  metrics: Record<string, number>;
  artifacts: ArtifactEntry[];
  /** Model, horizon, parent CV run, fallbacks... */
  meta?: Record<string, unknown>;
  error?: string;
  /** The process writing the run while it is `running`; it touches run.json every few seconds. */
  writer?: RunWriterInfo;
  engine_version: string;
  /** What the user said about the run: a name, tags, a note (core/runs/annotate.ts). */
  annotations?: RunAnnotations;
}

/** User annotations kept in run.json (docs/design.md §7.2); the id never changes. */
export interface RunAnnotations {
  name?: string;
  tags?: string[];
  note?: string;
}
