export interface FunctionTime {
  name: string;
  where: string;
  selfMs: number;
}
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples?: number[];
  timeDeltas?: number[];
}
export type WhereFn = (url: string, line: number, name: string) => string;
export function sourceResolver(): WhereFn;
export function selfTimes(profile: CpuProfile, where?: WhereFn): { total: number; functions: FunctionTime[] };
export function summarizeProfiles(
  dir: string,
  n?: number,
): { files: number; totalMs: number; top: (FunctionTime & { share: number })[] };
