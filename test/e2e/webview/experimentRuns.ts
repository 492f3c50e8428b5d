// Synthetic runs for the experiments webview's tests and benchmark, through the host's real path:
// a run.json manifest -> summarizeManifest (the run index) -> experimentRun (what the panel sends).
import type { DbMetric, RunDbMetrics } from '../../../core/experiments/dbMetrics';
import { experimentRun, type ExperimentRun } from '../../../core/experiments/table';
import { summarizeManifest } from '../../../core/runs/summary';

const SCENARIOS = ['drop_na', 'median_impute', 'ffill'];
const MODELS = ['ridge', 'gbdt', 'logistic'];

export function syntheticExperimentRuns(n: number): ExperimentRun[] {
  const out: ExperimentRun[] = [];
  const start = Date.UTC(2026, 10, 1);
  for (let i = 0; i < n; i++) {
    const scenario = SCENARIOS[i % 3]!;
    const model = MODELS[Math.floor(i / 3) % 3]!;
    const seed = Math.floor(i / 9) % 5;
    const auc = 0.55 + ((i * 7919) % 100) / 1000;
    const id = `cv_${String(i).padStart(6, '0')}`;
    const manifest = {
      id,
      kind: 'cv',
      status: i % 97 === 5 ? 'failed' : 'complete',
      created: new Date(start + i * 60_000).toISOString(),
      config: { scenario, model, seed, n_splits: 5, params: { alpha: 0.1 * (1 + (i % 4)) } },
      seed,
      metrics: { roc_auc: auc, roc_auc_ci_low: auc - 0.02, roc_auc_ci_high: auc + 0.02, brier: 0.25 - auc / 20 },
      meta: { models: [model], horizons: [20] },
      ...(i % 50 === 0 ? { annotations: { name: `milestone ${i}`, tags: ['milestone'] } } : {}),
    };
    out.push(experimentRun(summarizeManifest(manifest, `/runs/${id}`, { id, kind: 'cv', mtime: new Date(0) })));
  }
  return out;
}

/**
 * What metrics.db holds for those runs (the kernel's `runMetrics` reply): each CV run's three models
 * at horizon 20, the mean over folds and the pooled score with its CI.
 */
export function syntheticRunMetrics(runs: readonly ExperimentRun[]): RunDbMetrics[] {
  return runs.map((r, i) => ({
    runId: r.id,
    metrics: MODELS.flatMap((model, j): DbMetric[] => {
      const v = 0.52 + (((i + 1) * (j + 3) * 104729) % 120) / 1000;
      return [
        { metric: 'h20_roc_auc', model, value: v },
        { metric: 'h20_roc_auc_pooled', model, value: v + 0.004, low: v - 0.026, high: v + 0.034 },
      ];
    }),
  }));
}
