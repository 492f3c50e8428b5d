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
export function selfTimes(profile: CpuProfile): { total: number; functions: FunctionTime[] };
export function summarizeProfiles(dir: string, n?: number): { files: number; totalMs: number; top: (FunctionTime & { share: number })[] };
