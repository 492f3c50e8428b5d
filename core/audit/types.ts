/**
 * The causality audit's report (issue 12): for each audited cell, whether its output at times
 * <= a cut T changed when every input row after T was replaced by plausible values. Written by
 * core/audit, read by the CLI (`phasebook audit`, the gate of `phasebook run`), run.json and the
 * VS Code host (diagnostics and the "look-ahead" badge).
 */

export type AuditVerdict = 'clean' | 'leak' | 'inconclusive';

/** The notebook's `audit:` setting: error stops a leaking run (exit 2), warn records it, off skips the audit. */
export type AuditMode = 'error' | 'warn' | 'off';

/** A cut time T: rows stamped after it were perturbed. */
export interface AuditCut {
  ms: number;
  iso: string;
}

/** Where a diagnostic goes: the key's line in a phase cell, or the code line of a ts cell. */
export interface AuditLocation {
  /** The .pipeline file (absolute). */
  file: string;
  /** 1-based line in the .pipeline file. */
  line: number;
  /** 1-based column, when known. */
  column?: number;
  /** The config key (phase cells), e.g. 'expressions.fut'. */
  key?: string;
}

export interface AuditFinding {
  /** Cell name as it runs (a fanned-out copy is `train[a][ridge]`). */
  cell: string;
  /** Index of the notebook cell (Cell.index), for the host to find it. */
  cellIndex: number;
  /** Phase kind (`features`, `preprocess`...) or 'ts'. */
  cellKind: string;
  /** Output column whose value moved, or '(rows)' when the set of rows at <= T changed. */
  column: string;
  /** Earliest timestamp (of a row <= T) whose value moved. */
  firstMovedMs: number;
  firstMovedIso: string;
  /** Symbol of that row, when the frame has one. */
  symbol?: string;
  /** The cut that revealed it. */
  cut: AuditCut;
  /** Rows compared at <= T (label columns: <= T minus their horizon) and how many moved. */
  rowsCompared: number;
  rowsMoved: number;
  /** True when the column is a label (compared only up to T minus its horizon). */
  label: boolean;
  /** Set when an input of this cell had already moved: the upstream cell whose leak this inherits. */
  inheritedFrom?: string;
  location?: AuditLocation;
  /** One line for people: "column 'fut' at 2024-03-01T05:00:00.000Z moved when rows after ... were replaced". */
  message: string;
}

export interface CellAudit {
  cell: string;
  cellIndex: number;
  cellKind: string;
  /** The cell's cache key when audited (the audit cache is keyed by it). */
  cacheKey?: string;
  verdict: AuditVerdict;
  /** One per moved column (the earliest move over all cuts). Empty when clean. */
  findings: AuditFinding[];
  /** Why the verdict is inconclusive (the cell threw on perturbed input, no timestamp column...). */
  reason?: string;
  /** Served from the audit cache (nothing recomputed). */
  cached: boolean;
}

export interface AuditReport {
  version: 1;
  /** The .pipeline file (absolute). */
  notebook: string;
  /** The effective `audit:` mode. */
  mode: AuditMode;
  /** True when leaks were found and mode warn let the run go on (run.json records it). */
  downgraded: boolean;
  /** Worst verdict over the cells: leak > inconclusive > clean. */
  verdict: AuditVerdict;
  cuts: AuditCut[];
  seed: number;
  cells: CellAudit[];
  /** Cells recomputed on perturbed input (0 when every cell came from the audit cache). */
  recomputed: number;
  durationMs: number;
}
