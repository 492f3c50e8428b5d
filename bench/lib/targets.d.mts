export interface TargetRow {
  target: string;
  /** What was measured, or 'not measured'. */
  measured: string;
  /** null when not measured. */
  ok: boolean | null;
}
export function ratio(ours: number | undefined, theirs: number | undefined): number;
export function evaluateTargets(result: BenchResults): TargetRow[];
export function fmtMs(ms: number): string;
export function fmtX(x: number): string;
export function baseAuc(b: Record<string, unknown> | undefined): number | undefined;

/** What bench/run.mjs collects (bench/out/results.json); every part may be missing or an { error }. */
export interface BenchResults {
  date?: string;
  quick?: boolean;
  data?: { symbols?: number; bars?: number; rows?: number };
  machine?: Record<string, unknown>;
  pipeline?: {
    phasebook?: SideResult;
    reference?: SideResult;
    foldsMatch?: boolean;
    sameEvaluation?: boolean;
    error?: string;
  };
  micro?: Record<string, Record<string, unknown> | undefined>;
  profiles?: { title: string; note: string; top: { name: string; where: string; selfMs: number; share: number }[] }[];
  notes?: string[];
  /** `--scales`: one entry per size (bench/lib/scaling.d.mts). */
  scaling?: {
    date?: string;
    runs: { scale: number; phasebook?: SideResult; reference?: SideResult; error?: string }[];
  };
}

export interface SideResult {
  stages: { name: string; status: string; wallMs: number; cpuMs: number; summary?: Record<string, unknown> }[];
  processWallMs?: number;
  sessionWallMs?: number;
  /** Phasebook: the causality audit gate before the model cells (outside the stages' times). */
  audit?: { wallMs: number; recomputed: number; verdict: string };
  peakRssMb?: number;
  rows?: number;
  foldRows?: { fold: number; train: number; test: number }[];
  modelSeconds?: Record<string, number>;
  metaAuc?: { value: number; low: number; high: number };
  metaMetrics?: Record<string, number>;
  baseMetrics?: Record<string, Record<string, number>>;
  stackSeconds?: { meta?: number; evaluate?: number };
  failed?: { cell: string; message: string };
  /** How the process was started when not plainly (e.g. a raised stack limit). */
  launch?: string;
}
