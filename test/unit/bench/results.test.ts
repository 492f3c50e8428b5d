// bench/results.md: what the benchmark reports from its measurements — ratios, targets met or
// not, and refusal to call a missing measurement a success.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatResults } from '../../../bench/lib/results.mjs';
import { evaluateTargets, type BenchResults, type SideResult } from '../../../bench/lib/targets.mjs';
import { phaseCells, referenceConfig } from '../../../bench/lib/notebook.mjs';

const stages = (scale: number) =>
  ['prices', 'validate', 'features', 'labels', 'cv', 'stack'].map((name, i) => ({
    name,
    status: 'ok',
    wallMs: (i + 1) * 1000 * scale,
    cpuMs: (i + 1) * 800 * scale,
  }));

function side(scale: number, auc: number): SideResult {
  return {
    stages: stages(scale),
    processWallMs: 25_000 * scale,
    peakRssMb: 1000 * scale,
    rows: 1000,
    foldRows: [{ fold: 0, train: 800, test: 200 }],
    modelSeconds: { ridge: 1 * scale, logistic: 2 * scale, gbdt: 10 * scale },
    metaAuc: { value: auc, low: auc - 0.01, high: auc + 0.01 },
    metaMetrics: { log_loss: 0.68 },
    baseMetrics: { ridge: { roc_auc: 0.6 }, logistic: { roc_auc: 0.61 }, gbdt: { roc_auc: 0.59 } },
  };
}

const full: BenchResults = {
  date: '2026-01-01 00:00 UTC',
  data: { symbols: 20, bars: 100_000, rows: 2_000_000 },
  machine: { cpus: 2, memGb: '23.5', loadStart: '1.0', loadEnd: '1.2' },
  pipeline: { phasebook: side(1, 0.6031), reference: side(4, 0.6025), foldsMatch: true },
  micro: {
    gbdt: {
      threads: 2,
      oursSeconds: 9,
      xgbSeconds: 10,
      ratio: 0.9,
      cpuRatio: 0.95,
      oursAuc: 0.9361,
      xgbAuc: 0.9365,
    },
    kernel: { p50Ms: 8, p95Ms: 20, samples: 200 },
    cache: { memoryHitP50Ms: 4, diskHitMs: 900, firstKeysMs: 300, upstreamRows: 2_000_000 },
    runIndex: { runs: 10_000, firstScanMs: 1600, scanP50Ms: 900 },
    explorer: { p50Ms: 160, p95Ms: 180 },
  },
};

test('targets: ratios against the reference and the absolute limits decide met or not', () => {
  const rows = evaluateTargets(full);
  const byName = (s: string) => rows.find((r) => r.target.startsWith(s));
  assert.equal(byName('End to end')?.ok, true, 'Phasebook at 0.25x the reference meets <= 1.0x');
  assert.equal(byName('Stacked ROC AUC')?.ok, true, '0.6031 vs 0.6025 is within 0.002');
  assert.equal(byName('Peak RSS')?.ok, true);
  assert.equal(byName('Logistic in CV')?.ok, true);
  assert.equal(byName('GBDT inside CV')?.ok, true, '0.25x in CV is no worse than 0.9x alone');
  assert.match(byName('End to end')?.measured ?? '', /0\.25x/);
  assert.equal(byName('GBDT')?.ok, true);
  assert.equal(byName('Kernel')?.ok, true);
  assert.equal(byName('Cache hit <= 50 ms (memory')?.ok, true);
  assert.equal(byName('Cache hit <= 50 ms (disk')?.ok, false, '900 ms is not a 50 ms hit');
  assert.equal(byName('10,000 runs')?.ok, false, 'the first scan (1.6 s) is what is judged, not the warm one');
  assert.equal(byName('New run')?.ok, true);
});

test('targets: GBDT speed alone does not meet the target when the AUC is off by more than 0.005', () => {
  const rows = evaluateTargets({
    ...full,
    micro: {
      ...full.micro,
      gbdt: { threads: 2, oursSeconds: 5, xgbSeconds: 10, ratio: 0.5, oursAuc: 0.92, xgbAuc: 0.9365 },
    },
  });
  assert.equal(rows.find((r) => r.target.startsWith('GBDT'))?.ok, false);
});

test('targets: a faster Phasebook still misses when its stacked AUC, memory or CPU is off', () => {
  const pb = { ...side(1, 0.6055), peakRssMb: 5000 };
  const rows = evaluateTargets({
    ...full,
    pipeline: { phasebook: pb, reference: side(4, 0.6025), foldsMatch: true },
    micro: { ...full.micro, gbdt: { ...(full.micro?.gbdt ?? {}), cpuRatio: 1.3 } },
  });
  const byName = (s: string) => rows.find((r) => r.target.startsWith(s));
  assert.equal(byName('End to end')?.ok, true);
  assert.equal(byName('Stacked ROC AUC')?.ok, false, '+0.0030 is outside 0.002');
  assert.equal(byName('Peak RSS')?.ok, false, '5000 MB is more than 4000 MB');
  assert.equal(byName('GBDT <=')?.ok, false, 'wall 0.9x but CPU 1.3x');
});

test('targets: a step that failed or did not run is "not measured", never met', () => {
  const rows = evaluateTargets({
    pipeline: { error: 'python missing' },
    micro: { kernel: { error: 'kernel did not start' } },
  });
  assert.ok(rows.length >= 7);
  for (const r of rows) {
    assert.equal(r.ok, null, r.target);
    assert.equal(r.measured, 'not measured');
  }
});

test('results.md: per-stage ratios, scores of both sides, targets, and a fold mismatch called out', () => {
  const md = formatResults(full, '## Where the time goes\n\nhand-written analysis');
  assert.match(
    md,
    /\| cv — [^|]+\| 5\.00 \| 20\.00 \| 0\.25x \|/,
    'cv row: Phasebook 5 s, reference 20 s, ratio 0.25x',
  );
  assert.match(md, /\*\*end to end\*\* \(process start to exit\) \| 25\.00 \| 100\.00 \| 0\.25x/);
  assert.match(md, /stacking meta-learner ROC AUC \[95% CI\] \| 0\.6031 \[0\.5931, 0\.6131\] \| 0\.6025/);
  assert.match(md, /\| Cache hit <= 50 ms \(disk hit, fresh session\) \| [^|]+ \| \*\*no\*\* \|/);
  assert.match(md, /Folds: identical on both sides/);
  assert.match(md, /hand-written analysis/);
  const bad = formatResults({ ...full, pipeline: { ...full.pipeline, foldsMatch: false } });
  assert.match(bad, /Folds: \*\*differ\*\*/);
});

test('the reference reads its configuration from bench/pipeline.pipeline', () => {
  const text = readFileSync(resolve(__dirname, '../../../bench/pipeline.pipeline'), 'utf8');
  const cfg = referenceConfig(text);
  assert.deepEqual(cfg.lags, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(cfg.windows, [7, 14, 28]);
  assert.equal(cfg.horizon, 20);
  assert.equal(cfg.n_splits, 5);
  assert.deepEqual(
    phaseCells(text).map((c) => c.kind),
    ['settings', 'load', 'validate', 'features', 'labels', 'cv', 'stack'],
  );
  assert.throws(
    () => referenceConfig(text.replace('meta_learner: logistic', 'meta_learner: gbdt')),
    /logistic meta-learner/,
  );
  assert.throws(() => referenceConfig(text.replace(/# %% stack[\s\S]*$/, '')), /no 'stack' cell/);
});

test('targets and results.md: a Phasebook run that failed in a cell is reported, not compared', () => {
  const pb = {
    ...side(1, NaN),
    failed: { cell: 'stack', message: 'internal error: Maximum call stack size exceeded' },
  };
  const r: BenchResults = { ...full, pipeline: { phasebook: pb, reference: side(4, 0.6), foldsMatch: true } };
  const e2e = evaluateTargets(r).find((t) => t.target.startsWith('End to end'));
  assert.equal(e2e?.ok, false);
  assert.match(e2e?.measured ?? '', /failed in cell 'stack'/);
  assert.match(formatResults(r), /Phasebook's run failed in cell `stack`/);
});
