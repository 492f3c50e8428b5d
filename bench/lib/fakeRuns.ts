/**
 * Run folders as the engine writes them (run.json with the manifest fields, a metrics summary and
 * artifact entries), made in bulk for the run-index and explorer benchmarks. Ids follow the run id
 * scheme; `created` walks back one minute per run so the index has something to sort.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINE_VERSION } from '../../core/version';
import type { RunKind, RunManifest } from '../../core/runs/types';

const LAYOUT_OF: Record<RunKind, 'stacking' | 'runs' | 'results'> = {
  cv: 'stacking',
  training: 'runs',
  stacking: 'runs',
  pipeline: 'runs',
  backtest: 'results',
  workflow: 'results',
};
const KINDS: RunKind[] = ['cv', 'training', 'stacking', 'pipeline'];

function stamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}_${p(d.getUTCHours())}` +
    `${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}_${p(d.getUTCMilliseconds() * 1000, 6)}`
  );
}

export function fakeManifest(i: number, kind: RunKind, created: Date): RunManifest {
  const hex = (i & 0xffff).toString(16).padStart(4, '0');
  const id =
    kind === 'cv'
      ? `${stamp(created)}_${hex}`
      : `${kind === 'pipeline' ? 'pipeline' : kind === 'stacking' ? 'stacking_h20' : 'gbdt_h20'}_` +
        `${stamp(created)}_${hex}`;
  return {
    id,
    kind,
    status: 'complete',
    created: created.toISOString(),
    finished: new Date(created.getTime() + 42_000).toISOString(),
    source: { notebook: '/work/project/examples/demo.pipeline', cell: kind },
    config: {
      models: ['ridge', 'logistic', 'gbdt'],
      horizons: [20],
      n_splits: 5,
      pct_embargo: 0.01,
      params: { gbdt: { max_depth: 6, n_estimators: 100 } },
    },
    config_hash: `${i.toString(16).padStart(8, '0')}${'0'.repeat(56)}`,
    feature_set_id: 'c5aaab269561',
    git_commit: '51c7d73',
    seed: 42,
    metrics: { h20_roc_auc: 0.55 + (i % 100) / 1000, h20_log_loss: 0.69, h20_accuracy: 0.53, h20_brier: 0.248 },
    artifacts: [
      { path: 'cv_results.json', bytes: 5120, sha256: 'a'.repeat(64) },
      { path: 'stacking/stacking_dataset_h20.parquet', bytes: 1_048_576, sha256: 'b'.repeat(64), rows: 100_000 },
      { path: 'tuned_params/gbdt_h20.json', bytes: 256, sha256: 'c'.repeat(64) },
    ],
    meta: { models: ['ridge', 'logistic', 'gbdt'], horizons: [20], task: 'classification' },
    engine_version: ENGINE_VERSION,
  };
}

/** Writes `count` complete runs spread over the roots' layouts; returns how many per layout. */
export function writeFakeRuns(
  roots: Record<'stacking' | 'runs' | 'results', string>,
  count: number,
  start = new Date('2025-06-01T00:00:00Z'),
): Record<string, number> {
  const per: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const kind = KINDS[i % KINDS.length];
    const m = fakeManifest(i, kind, new Date(start.getTime() - i * 60_000));
    const layout = LAYOUT_OF[kind];
    const dir = join(roots[layout], m.id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'run.json'), JSON.stringify(m, null, 2));
    per[layout] = (per[layout] ?? 0) + 1;
  }
  return per;
}
