import { resolve } from 'node:path';

/** Where runs and artifacts live (docs/design.md §4.4, §7). Relative roots resolve against a base directory. */
export interface ArtifactRoots {
  stacking: string;
  runs: string;
  results: string;
  artifacts: string;
  logs: string;
  cache: string;
}

export const DEFAULT_ROOTS: ArtifactRoots = {
  stacking: 'data/stacking',
  runs: 'runs',
  results: 'results',
  artifacts: 'artifacts',
  logs: 'logs',
  cache: '.phasebook/cache',
};

export function resolveRoots(baseDir: string, overrides: Partial<ArtifactRoots> = {}): ArtifactRoots {
  const r = { ...DEFAULT_ROOTS, ...overrides };
  return {
    stacking: resolve(baseDir, r.stacking),
    runs: resolve(baseDir, r.runs),
    results: resolve(baseDir, r.results),
    artifacts: resolve(baseDir, r.artifacts),
    logs: resolve(baseDir, r.logs),
    cache: resolve(baseDir, r.cache),
  };
}
