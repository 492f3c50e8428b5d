import type { SideResult } from './targets.mjs';

/** One size of a `--scales` invocation: both sides' results, or why it was not measured. */
export interface ScalingRun {
  scale: number;
  bars?: number;
  phasebook?: SideResult;
  reference?: SideResult;
  foldsMatch?: boolean;
  measuredAt?: string;
  load?: string;
  error?: string;
}

export interface Scaling {
  date?: string;
  runs: ScalingRun[];
}

export function parseScales(text: string | undefined): number[];
export function fmtRows(n: number): string;
export function runRows(run: ScalingRun): number | undefined;
export function growthExponent(points: { rows: number | undefined; value: number | undefined }[]): number;
export function marginalBytesPerRow(points: { rows: number | undefined; mb: number | undefined }[]): number;
export function scalingSection(scaling: Scaling | undefined, resultDate?: string): string;
