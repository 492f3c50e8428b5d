// What the untrusted-workspace host run finds on disk before the extension activates: one
// training run with its run.json and one CV run in another tool's layout (cv_results.json, no
// run.json). The launcher stages these files; suites/untrusted.host.ts checks the explorer lists
// them. No `vscode` import here: both sides load this module.

/** The suite file that runs in the untrusted code-server (and only there). */
export const UNTRUSTED_SUITE = 'untrusted.host.ts';

export const UNTRUSTED_TRAINING_RUN = {
  id: 'ridge_h5_20250101_000000_000001_ab12',
  dir: 'runs/ridge_h5_20250101_000000_000001_ab12',
  metricName: 'roc_auc',
  metricValue: 0.612,
} as const;

export const UNTRUSTED_CV_RUN = {
  id: '20250101_000000_000002_cd34',
  dir: 'data/stacking/20250101_000000_000002_cd34',
} as const;

/** Workspace files (relative path -> text) holding the two runs. */
export function untrustedWorkspaceFiles(): Record<string, string> {
  const t = UNTRUSTED_TRAINING_RUN;
  const manifest = {
    id: t.id,
    kind: 'training',
    status: 'complete',
    created: '2025-01-01T00:00:00.000Z',
    finished: '2025-01-01T00:00:05.000Z',
    source: { cli: ['phasebook', 'run', 'demo.pipeline'] },
    config: { model: 'ridge', horizon: 5 },
    config_hash: 'fixture',
    seed: 7,
    metrics: { [t.metricName]: t.metricValue },
    artifacts: [],
    engine_version: 'fixture',
  };
  const cvResults = { models: ['ridge', 'gbdt'], horizons: [5] };
  return {
    [`${t.dir}/run.json`]: `${JSON.stringify(manifest, null, 2)}\n`,
    [`${UNTRUSTED_CV_RUN.dir}/cv_results.json`]: `${JSON.stringify(cvResults, null, 2)}\n`,
  };
}

/**
 * File (JSON lines, one per prompt) where the launcher records each workspace-trust prompt it
 * declined in the untrusted run, so the suite can tell VS Code asked before running anything.
 */
export const TRUST_PROMPTS_ENV = 'PHASEBOOK_TRUST_PROMPTS';

export interface TrustPrompt {
  /** Date.now() when the prompt was seen. */
  at: number;
  /** The dialog's text as a user reads it. */
  text: string;
  answer: 'Cancel';
}

export function parseTrustPrompts(jsonLines: string): TrustPrompt[] {
  return jsonLines
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as TrustPrompt);
}
