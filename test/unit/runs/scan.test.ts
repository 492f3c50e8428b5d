import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { formatRunsTable, readRun, runDirFor, scanRuns } from '../../../core/runs/scan';
import { resolveRoots, type ArtifactRoots } from '../../../core/runs/roots';
import { beginRun } from '../../../core/runs/store';

function workspace(t: { after: (fn: () => void) => void }, parent = tmpdir()): { base: string; roots: ArtifactRoots } {
  const base = mkdtempSync(join(parent, 'pb-index-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  return { base, roots: resolveRoots(base) };
}

function put(path: string, content: string | object): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
}

const cvResults = {
  run_id: '20251228_143025_789456_a3f9',
  created: '2025-12-28T14:30:25.789Z',
  models: ['ridge', 'gbdt'],
  horizons: [5, 20],
  n_splits: 5,
  task: { '5': 'classification', '20': 'classification' },
  folds: [],
  summary: {
    ridge: { '5': { roc_auc: { mean: 0.55, std: 0.01 } }, '20': { roc_auc: { mean: 0.58, std: 0.02 } } },
    gbdt: { '5': { roc_auc: { mean: 0.61, std: 0.01 } }, '20': { roc_auc: { mean: 0.57, std: 0.02 } } },
  },
};

test('the index finds Phasebook runs and the layouts of other tools, newest first', async (t) => {
  const { roots } = workspace(t);
  // A complete training run of ours.
  const ours = await beginRun({
    root: roots.runs,
    kind: 'training',
    id: 'gbdt_h20_20260101_000000_000001_aaaa',
    config: {},
    seed: 1,
    source: {},
    meta: { model: 'gbdt', horizon: 20 },
  });
  ours.setMetrics({ val_roc_auc: 0.7, test_roc_auc: 0.66, rmse: 0.4, test_roc_auc_ci_low: 0.6 });
  await ours.complete();
  // A run that is still going, and one whose run.json is torn.
  await beginRun({
    root: roots.runs,
    kind: 'stacking',
    id: 'stacking_h20_20260102_000000_000001_bbbb',
    config: {},
    seed: 1,
    source: {},
  });
  put(join(roots.runs, 'broken', 'run.json'), '{"id": "broken", "status": "compl');
  // Another tool's CV run with cv_results.json, and one with only stacking datasets so far.
  put(join(roots.stacking, '20251228_143025_789456_a3f9', 'cv_results.json'), cvResults);
  put(join(roots.stacking, '20251228_143025_789456_a3f9', 'stacking', 'stacking_dataset_h5.parquet'), 'PAR1');
  put(join(roots.stacking, '20251229_100000_000000_cccc', 'stacking', 'stacking_dataset_h10.parquet'), 'PAR1');
  put(join(roots.stacking, '20251229_100000_000000_cccc', 'stacking', 'stacking_dataset_h5.parquet'), 'PAR1');
  // Another tool's training runs.
  put(join(roots.runs, 'xgboost_h20_20251230_143025_789456_a3f9', 'model.json'), { trees: [] });
  put(join(roots.runs, 'xgboost_h20_20251230_143025_789456_a3f9', 'metrics.json'), {
    test: { accuracy: 0.55, roc_auc: 0.6 },
    val: { roc_auc: 0.62 },
  });
  put(join(roots.runs, 'stacking_h20_20251231_143030_123456_b8c2', 'metrics.json'), { rmse: 0.2 });
  // A workflow with two phases (one walk-forward), and a single-phase backtest.
  put(join(roots.results, 'my_experiment_2024_01', 'train', 'phase_summary.json'), {
    phase: 'train',
    timestamp: '2024-01-05T10:00:00Z',
    metrics_summary: { best_sharpe_ratio: 1.4, avg_total_return: 0.12 },
  });
  put(join(roots.results, 'my_experiment_2024_01', 'train', 'containers', 'portfolio_001_results.json'), {});
  put(join(roots.results, 'my_experiment_2024_01', 'test', 'w0', 'aggregate_results.json'), { aggregate_metrics: {} });
  put(join(roots.results, 'my_experiment_2024_01', 'test', 'w1', 'aggregate_results.json'), { aggregate_metrics: {} });
  put(join(roots.results, 'bt_only', 'backtest', 'aggregate_results.json'), {
    aggregate_metrics: { sharpe_ratio: 0.8 },
    total_trades: 3,
  });
  // Things that are not runs.
  mkdirSync(join(roots.runs, 'empty_folder'), { recursive: true });
  put(join(roots.runs, 'notes.txt'), 'hello');
  put(join(roots.stacking, '.tmp-partial', 'run.json'), '{}');
  put(join(roots.results, 'scratch', 'readme.md'), 'x');
  const mtime = new Date('2025-06-01T00:00:00Z');
  utimesSync(join(roots.runs, 'broken'), mtime, mtime);
  utimesSync(join(roots.results, 'bt_only'), mtime, mtime);

  const runs = await scanRuns(roots);
  const byId = new Map(runs.map((r) => [r.id, r]));
  assert.deepEqual(
    runs.map((r) => r.id),
    [
      'stacking_h20_20260102_000000_000001_bbbb',
      'gbdt_h20_20260101_000000_000001_aaaa',
      'stacking_h20_20251231_143030_123456_b8c2',
      'xgboost_h20_20251230_143025_789456_a3f9',
      '20251229_100000_000000_cccc',
      '20251228_143025_789456_a3f9',
      'bt_only',
      'broken',
      'my_experiment_2024_01',
    ],
  );

  const gbdt = byId.get('gbdt_h20_20260101_000000_000001_aaaa')!;
  assert.equal(gbdt.status, 'complete');
  assert.equal(gbdt.foreign, false);
  assert.deepEqual(gbdt.keyMetric, { name: 'test_roc_auc', value: 0.66 });
  assert.deepEqual([gbdt.models, gbdt.horizons], [['gbdt'], [20]]);

  assert.equal(byId.get('stacking_h20_20260102_000000_000001_bbbb')!.status, 'running');

  const broken = byId.get('broken')!;
  assert.equal(broken.status, 'failed');
  assert.equal(broken.kind, 'training');
  assert.match(broken.error ?? '', /^run\.json does not parse: /);
  assert.equal(broken.created, '2025-06-01T00:00:00.000Z');

  const cv = byId.get('20251228_143025_789456_a3f9')!;
  assert.deepEqual(
    {
      kind: cv.kind,
      status: cv.status,
      foreign: cv.foreign,
      models: cv.models,
      horizons: cv.horizons,
      folds: cv.folds,
      created: cv.created,
    },
    {
      kind: 'cv',
      status: 'complete',
      foreign: true,
      models: ['ridge', 'gbdt'],
      horizons: [5, 20],
      folds: 5,
      created: '2025-12-28T14:30:25.789Z',
    },
  );
  assert.deepEqual(cv.keyMetric, { name: 'roc_auc h5 gbdt', value: 0.61 });
  assert.deepEqual(cv.metrics, { best_roc_auc_h5: 0.61, best_roc_auc_h20: 0.58 });

  const partial = byId.get('20251229_100000_000000_cccc')!;
  assert.deepEqual(
    [partial.status, partial.horizons, partial.created],
    ['running', [5, 10], '2025-12-29T10:00:00.000Z'],
  );

  const xgb = byId.get('xgboost_h20_20251230_143025_789456_a3f9')!;
  assert.deepEqual([xgb.kind, xgb.status, xgb.models, xgb.horizons], ['training', 'complete', ['xgboost'], [20]]);
  assert.deepEqual(xgb.keyMetric, { name: 'test.roc_auc', value: 0.6 });
  assert.equal(byId.get('stacking_h20_20251231_143030_123456_b8c2')!.kind, 'stacking');

  const wf = byId.get('my_experiment_2024_01')!;
  assert.deepEqual(
    [wf.kind, wf.phases, wf.folds, wf.created],
    ['workflow', ['test', 'train'], 2, '2024-01-05T10:00:00.000Z'],
  );
  assert.deepEqual(wf.keyMetric, { name: 'train.best_sharpe_ratio', value: 1.4 });
  const bt = byId.get('bt_only')!;
  assert.deepEqual(
    [bt.kind, bt.keyMetric, bt.created],
    ['backtest', { name: 'sharpe_ratio', value: 0.8 }, '2025-06-01T00:00:00.000Z'],
  );

  assert.deepEqual(
    (await scanRuns(roots, { kind: 'cv' })).map((r) => r.id),
    ['20251229_100000_000000_cccc', '20251228_143025_789456_a3f9'],
  );
});

test('a CV run.json without an overview in meta is completed from cv_results.json', async (t) => {
  const { roots } = workspace(t);
  const run = await beginRun({
    root: roots.stacking,
    kind: 'cv',
    outputName: 'xgb_tuned_v1',
    config: {},
    seed: 3,
    source: { cli: ['cv'] },
  });
  await run.writeArtifact('cv_results.json', JSON.stringify(cvResults));
  await run.complete();
  const s = (await readRun(run.dir, roots))!;
  assert.deepEqual([s.foreign, s.status, s.models, s.folds], [false, 'complete', ['ridge', 'gbdt'], 5]);
  assert.deepEqual(s.keyMetric, { name: 'roc_auc h5 gbdt', value: 0.61 });
});

test('readRun reads one folder in the layout of its root, and says undefined for a non-run', async (t) => {
  const { roots, base } = workspace(t);
  put(join(roots.stacking, 'abc', 'cv_results.json'), { models: ['ridge'] });
  assert.equal((await readRun(join(roots.stacking, 'abc'), roots))?.kind, 'cv');
  assert.equal((await readRun(join(roots.stacking, 'abc')))?.kind, 'cv');
  put(join(roots.stacking, 'junk', 'x.txt'), '');
  assert.equal(await readRun(join(roots.stacking, 'junk'), roots), undefined);
  assert.equal(await readRun(join(base, 'nope'), roots), undefined);
  put(join(roots.stacking, 'bad', 'cv_results.json'), '{oops');
  const bad = (await readRun(join(roots.stacking, 'bad'), roots))!;
  assert.equal(bad.status, 'failed');
  assert.match(bad.error ?? '', /cv_results\.json does not parse/);
});

test('runDirFor maps a changed file to its run folder', (t) => {
  const { roots, base } = workspace(t);
  assert.equal(
    runDirFor(join(roots.stacking, 'r1', 'stacking', 'stacking_dataset_h5.parquet'), roots),
    join(roots.stacking, 'r1'),
  );
  assert.equal(
    runDirFor(join(roots.results, 'exp', 'train', 'w0', 'phase_summary.json'), roots),
    join(roots.results, 'exp'),
  );
  assert.equal(runDirFor(join(roots.runs, 'r2'), roots), join(roots.runs, 'r2'));
  assert.equal(runDirFor(roots.runs, roots), undefined);
  assert.equal(runDirFor(join(base, 'elsewhere', 'x'), roots), undefined);
  assert.equal(runDirFor(join(roots.runs, '.tmp-x'), roots), undefined);
});

test(
  'notes/002 layout: a results_dir folder holds workflow runs; runDirFor, readRun and scanRuns find them, ' +
    'never the folder itself',
  async (t) => {
    const { roots } = workspace(t);
    const run = join(roots.results, 'study', 'sweep');
    // Files first, run.json not yet: the folder is read the old way (as before) until it arrives.
    put(join(run, 'search', 'portfolio_001_results.json'), {});
    assert.equal(runDirFor(join(run, 'search', 'portfolio_001_results.json'), roots), join(roots.results, 'study'));
    put(join(run, 'run.json'), {
      id: 'study/sweep',
      kind: 'workflow',
      status: 'complete',
      created: '2026-01-01T00:00:00.000Z',
      metrics: {},
      artifacts: [],
      meta: { phases: ['search'] },
    });
    assert.equal(runDirFor(join(run, 'search', 'portfolio_001_results.json'), roots), run);
    assert.equal(runDirFor(join(run, 'run.json'), roots), run);
    assert.equal((await readRun(run, roots))?.id, 'study/sweep');
    assert.equal(await readRun(join(roots.results, 'study'), roots), undefined, 'the results_dir is not a run');
    const runs = await scanRuns(roots);
    assert.deepEqual(
      runs.map((r) => [r.id, r.dir]),
      [['study/sweep', run]],
    );
  },
);

test('formatRunsTable prints id, kind, status, created and key metric in aligned columns', () => {
  const table = formatRunsTable([
    {
      id: 'gbdt_h20_20260101_000000_000001_aaaa',
      kind: 'training',
      status: 'complete',
      created: '2026-01-01T00:00:00.000Z',
      dir: '/x',
      metrics: {},
      keyMetric: { name: 'test_roc_auc', value: 0.661234567 },
      foreign: false,
    },
    {
      id: 'broken',
      kind: 'cv',
      status: 'failed',
      created: '2025-06-01T00:00:00.000Z',
      dir: '/y',
      metrics: {},
      foreign: false,
      error: 'run.json does not parse: Unexpected end',
    },
  ]);
  assert.equal(
    table,
    [
      'id                                    kind      status    created (UTC)        key metric',
      '------------------------------------  --------  --------  -------------------  ' +
        '-----------------------------------------',
      'gbdt_h20_20260101_000000_000001_aaaa  training  complete  2026-01-01 00:00:00  test_roc_auc=0.6612',
      'broken                                cv        failed    2025-06-01 00:00:00  (run.json does not ' +
        'parse: Unexpected end)',
      '',
    ].join('\n'),
  );
  assert.equal(formatRunsTable([]), 'no runs found\n');
});

// Creating 10,000 folders on a busy disk takes seconds; on Linux the folders go to tmpfs (the
// index reads the same files either way, from the page cache).
const FAST_TMP = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

test('10,000 runs on disk are all indexed', async (t) => {
  const { roots } = workspace(t, FAST_TMP);
  const created = Date.UTC(2025, 0, 1);
  const manifest = (id: string, kind: string, i: number) =>
    JSON.stringify({
      id,
      kind,
      status: i % 50 === 0 ? 'running' : 'complete',
      created: new Date(created + i * 1000).toISOString(),
      finished: new Date(created + i * 1000 + 500).toISOString(),
      source: { cli: ['train'] },
      config: { model: 'gbdt', params: { depth: 6, lr: 0.1 } },
      config_hash: 'f'.repeat(64),
      seed: 42,
      metrics: { roc_auc: 0.5 + (i % 100) / 1000, log_loss: 0.69 },
      artifacts: [{ path: 'model.json', bytes: 10, sha256: 'a'.repeat(64) }],
      meta: { model: 'gbdt', horizon: 20 },
      engine_version: '0.1.0',
    });
  const undatedCvResults = JSON.stringify({ ...cvResults, created: undefined });
  const t0 = performance.now();
  for (let i = 0; i < 10_000; i++) {
    const stamp =
      `20250101_${String(Math.floor(i / 3600)).padStart(2, '0')}` +
      `${String(Math.floor(i / 60) % 60).padStart(2, '0')}${String(i % 60).padStart(2, '0')}_000000_` +
      `${(i % 65536).toString(16).padStart(4, '0')}`;
    if (i % 10 === 9) {
      // every tenth is another tool's CV run without run.json
      put(join(roots.stacking, stamp, 'cv_results.json'), undatedCvResults);
    } else {
      const id = `gbdt_h20_${stamp}`;
      mkdirSync(join(roots.runs, id), { recursive: true });
      writeFileSync(join(roots.runs, id, 'run.json'), manifest(id, 'training', i));
    }
  }
  const t1 = performance.now();
  const runs = await scanRuns(roots);
  const t2 = performance.now();
  console.log(
    `created 10,000 run dirs in ${(t1 - t0).toFixed(0)} ms; scanRuns indexed ${runs.length} in ` +
      `${(t2 - t1).toFixed(0)} ms`,
  );
  assert.equal(runs.length, 10_000);
  assert.equal(runs.filter((r) => r.kind === 'cv' && r.foreign).length, 1000);
  assert.equal(runs.filter((r) => r.status === 'running').length, 200);
  // newest first: run 9999 (another tool's CV run, dated by its id), then run 9998 (dated by run.json)
  assert.deepEqual(
    runs.slice(0, 2).map((r) => [r.id, r.created]),
    [
      ['20250101_024639_000000_270f', '2025-01-01T02:46:39.000Z'],
      ['gbdt_h20_20250101_024638_000000_270e', '2025-01-01T02:46:38.000Z'],
    ],
  );
  assert.deepEqual(runs.find((r) => r.id === 'gbdt_h20_20250101_000001_000000_0001')?.keyMetric, {
    name: 'roc_auc',
    value: 0.501,
  });
});
