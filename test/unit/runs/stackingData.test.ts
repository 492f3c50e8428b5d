import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pl from 'nodejs-polars';
import { UserError } from '../../../core/errors';
import {
  bestScores,
  parseCvResults,
  summarizeFolds,
  type CvFoldResult,
  type CvResults,
} from '../../../core/runs/cvResults';
import { beginRun } from '../../../core/runs/store';
import { formatCvRunsTable, listCvRuns, loadStackingData, predictionColumnsOf } from '../../../core/runs/stackingData';

function tempRoot(t: { after: (fn: () => void) => void }): string {
  const base = mkdtempSync(join(tmpdir(), 'pb-stacking-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  return join(base, 'data', 'stacking');
}

function put(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

function writeDataset(path: string, columns: Record<string, unknown[]>): void {
  mkdirSync(dirname(path), { recursive: true });
  pl.DataFrame(columns).writeParquet(path);
}

const OOF = {
  timestamp: [
    new Date('2025-01-01T00:00:00Z'),
    new Date('2025-01-01T01:00:00Z'),
    new Date('2025-01-01T02:00:00Z'),
    new Date('2025-01-01T03:00:00Z'),
  ],
  symbol: ['BTC', 'BTC', 'ETH', 'ETH'],
  fold: [0, 1, 0, 1],
  y_true: [1, 0, 0, 1],
  ridge_pred: [0.6, 0.4, 0.3, 0.7],
  gbdt_prob_0: [0.2, 0.7, 0.8, 0.1],
  gbdt_prob_1: [0.8, 0.3, 0.2, 0.9],
};

function fold(model: string, horizon: number, i: number, auc: number, logLoss: number): CvFoldResult {
  return {
    model,
    horizon,
    fold: i,
    scores: { roc_auc: auc, log_loss: logLoss },
    params: {},
    train_rows: 100,
    test_rows: 20,
    seconds: 0.1,
  };
}

function cvResultsFor(runId: string, created: string): CvResults {
  const folds = [
    fold('ridge', 5, 0, 0.52, 0.69),
    fold('ridge', 5, 1, 0.56, 0.68),
    fold('gbdt', 5, 0, 0.6, 0.66),
    fold('gbdt', 5, 1, 0.62, 0.65),
  ];
  return {
    run_id: runId,
    created,
    models: ['ridge', 'gbdt'],
    horizons: [5],
    n_splits: 2,
    task: { '5': 'classification' },
    folds,
    summary: summarizeFolds(folds),
  };
}

test(
  'summarizeFolds gives mean and population std per ' +
    'model, horizon and metric; bestScores knows the ' +
    'direction',
  () => {
    const folds = [
      fold('ridge', 5, 0, 0.52, 0.69),
      fold('ridge', 5, 1, 0.56, 0.61),
      fold('gbdt', 5, 0, 0.6, 0.66),
      fold('gbdt', 5, 1, 0.62, 0.7),
    ];
    const s = summarizeFolds(folds);
    assert.ok(Math.abs(s.ridge!['5']!.roc_auc!.mean - 0.54) < 1e-12);
    assert.ok(Math.abs(s.ridge!['5']!.roc_auc!.std - 0.02) < 1e-12);
    const rounded = (bs: ReturnType<typeof bestScores>) =>
      bs.map((b) => ({ ...b, value: Number(b.value.toFixed(12)) }));
    assert.deepEqual(rounded(bestScores({ summary: s, task: { '5': 'classification' } })), [
      { horizon: 5, model: 'gbdt', metric: 'roc_auc', value: 0.61 },
    ]);
    // ranked by a loss, the smaller mean wins
    assert.deepEqual(rounded(bestScores({ summary: s, task: { '5': 'classification' }, primary_metric: 'log_loss' })), [
      { horizon: 5, model: 'ridge', metric: 'log_loss', value: 0.65 },
    ]);
  },
);

test('parseCvResults names the file and the key that is wrong', () => {
  const good = cvResultsFor('r1', '2025-12-28T14:30:25.789Z');
  assert.deepEqual(parseCvResults(JSON.stringify(good), 'cv_results.json'), good);
  const { horizons: _h, ...noHorizons } = good;
  assert.throws(
    () => parseCvResults(JSON.stringify(noHorizons), '/x/cv_results.json'),
    (e: unknown) => e instanceof UserError && e.location.key === 'horizons' && e.location.file === '/x/cv_results.json',
  );
  assert.throws(() => parseCvResults('{"run_id":', 'f.json'), /does not parse/);
});

test('loadStackingData returns the OOF frame, the base models and the run meta', async (t) => {
  const root = tempRoot(t);
  const run = await beginRun({
    root,
    kind: 'cv',
    id: '20251228_143025_789456_a3f9',
    config: { models: ['ridge', 'gbdt'] },
    seed: 42,
    source: { cli: ['cv'] },
  });
  await run.writeArtifact('cv_results.json', JSON.stringify(cvResultsFor(run.id, '2025-12-28T14:30:25.789Z')));
  writeDataset(await run.artifactPath('stacking/stacking_dataset_h5.parquet'), OOF);
  await run.complete();

  const data = await loadStackingData(root, run.id, 5);
  assert.equal(data.path, join(root, run.id, 'stacking', 'stacking_dataset_h5.parquet'));
  assert.deepEqual(data.models, ['ridge', 'gbdt']);
  assert.equal(data.frame.height, 4);
  assert.deepEqual(data.frame.getColumn('y_true').toArray(), [1, 0, 0, 1]);
  assert.deepEqual(data.meta.predictionColumns, ['ridge_pred', 'gbdt_prob_0', 'gbdt_prob_1']);
  assert.equal(data.meta.task, 'classification');
  assert.equal(data.meta.hasFold, true);
  assert.equal(data.meta.seed, 42);
  assert.deepEqual(data.meta.config, { models: ['ridge', 'gbdt'] });
  assert.equal(data.meta.cvResults?.n_splits, 2);
});

test('a missing CV run lists the runs that do exist', async (t) => {
  const root = tempRoot(t);
  writeDataset(join(root, '20251228_143025_789456_a3f9', 'stacking', 'stacking_dataset_h5.parquet'), OOF);
  writeDataset(join(root, 'xgb_tuned_v1', 'stacking', 'stacking_dataset_h20.parquet'), OOF);
  put(join(root, 'no_datasets', 'notes.txt'), 'x');
  await assert.rejects(
    () =>
      loadStackingData(root, '20990101_000000_000000_dead', 20, { location: { key: 'stacking_data', cell: 'stack' } }),
    (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.equal(
        e.message,
        [
          'CV run not found: 20990101_000000_000000_dead',
          `Expected directory: ${join(root, '20990101_000000_000000_dead', 'stacking')}`,
          'Available runs: [xgb_tuned_v1, 20251228_143025_789456_a3f9]',
        ].join('\n'),
      );
      assert.deepEqual(e.location, { key: 'stacking_data', cell: 'stack' });
      return true;
    },
  );
  await assert.rejects(
    () => loadStackingData(root, 'no_datasets', 5),
    /CV run not found: no_datasets\n[^]*has no stacking\/ folder/,
  );
  await assert.rejects(() => loadStackingData(root, '../../etc', 5), /invalid CV run id/);
  await assert.rejects(
    () => loadStackingData(join(root, 'nowhere'), 'x', 5),
    /CV run not found: x\n.*\nAvailable runs: \[\]$/,
  );
});

test('a missing horizon lists the dataset files and horizons the run has', async (t) => {
  const root = tempRoot(t);
  const dir = join(root, '20251228_143025_789456_a3f9', 'stacking');
  writeDataset(join(dir, 'stacking_dataset_h10.parquet'), OOF);
  writeDataset(join(dir, 'stacking_dataset_h5.parquet'), OOF);
  await assert.rejects(
    () => loadStackingData(root, '20251228_143025_789456_a3f9', 20),
    (e: unknown) =>
      e instanceof UserError &&
      e.message ===
        [
          'Stacking dataset not found for H20',
          `Expected: ${join(dir, 'stacking_dataset_h20.parquet')}`,
          'Available: [stacking_dataset_h5.parquet, stacking_dataset_h10.parquet]',
          'Available horizons: [5, 10]',
        ].join('\n'),
  );
});

test('a dataset without y_true lists its columns', async (t) => {
  const root = tempRoot(t);
  const { y_true: _y, ...noLabel } = OOF;
  const path = join(root, 'r1', 'stacking', 'stacking_dataset_h5.parquet');
  writeDataset(path, noLabel);
  await assert.rejects(
    () => loadStackingData(root, 'r1', 5),
    (e: unknown) =>
      e instanceof UserError &&
      e.message ===
        `Invalid stacking dataset: missing 'y_true' column\nFile: ${path}\nColumns: [timestamp, symbol, ` +
          `fold, ridge_pred, gbdt_prob_0, gbdt_prob_1]` &&
      e.location.dataColumn === 'y_true',
  );
  writeDataset(join(root, 'r2', 'stacking', 'stacking_dataset_h5.parquet'), {
    timestamp: OOF.timestamp,
    y_true: OOF.y_true,
  });
  await assert.rejects(
    () => loadStackingData(root, 'r2', 5),
    /no base-model prediction columns[^]*Columns: \[timestamp, y_true\]/,
  );
  put(join(root, 'r3', 'stacking', 'stacking_dataset_h5.parquet'), 'not parquet');
  await assert.rejects(
    () => loadStackingData(root, 'r3', 5),
    (e: unknown) => e instanceof UserError && /cannot read/.test(e.message),
  );
});

test('a CV run that is still running or failed is not loaded', async (t) => {
  const root = tempRoot(t);
  const run = await beginRun({ root, kind: 'cv', outputName: 'half_done', config: {}, seed: 1, source: {} });
  writeDataset(await run.artifactPath('stacking/stacking_dataset_h5.parquet'), OOF);
  await assert.rejects(
    () => loadStackingData(root, 'half_done', 5),
    /CV run half_done is not complete \(status: running\)/,
  );
  await run.fail('killed');
  await assert.rejects(() => loadStackingData(root, 'half_done', 5), /not complete \(status: failed\): killed/);
});

test('listCvRuns reports models, horizons, folds, best score and date, newest first', async (t) => {
  const root = tempRoot(t);
  const ours = await beginRun({ root, kind: 'cv', id: '20251228_143025_789456_a3f9', config: {}, seed: 1, source: {} });
  await ours.writeArtifact('cv_results.json', JSON.stringify(cvResultsFor(ours.id, '2025-12-28T14:30:25.789Z')));
  writeDataset(await ours.artifactPath('stacking/stacking_dataset_h5.parquet'), OOF);
  await ours.complete();
  // another tool's run, dated by its id: datasets only, no cv_results.json yet
  writeDataset(join(root, '20240101_090000_000000_beef', 'stacking', 'stacking_dataset_h20.parquet'), OOF);
  // another tool's run with a chosen name, dated by its folder's mtime
  writeDataset(join(root, 'legacy_cv', 'stacking', 'stacking_dataset_h1.parquet'), OOF);
  utimesSync(join(root, 'legacy_cv'), new Date('2023-05-01T00:00:00Z'), new Date('2023-05-01T00:00:00Z'));
  // a training run folder misplaced here is not a CV run
  const stray = await beginRun({ root, kind: 'training', outputName: 'stray', config: {}, seed: 1, source: {} });
  await stray.complete();

  const runs = await listCvRuns(root);
  assert.deepEqual(
    runs.map((r) => ({
      id: r.id,
      status: r.status,
      created: r.created,
      models: r.models,
      horizons: r.horizons,
      folds: r.folds,
      best: r.best,
      foreign: r.foreign,
    })),
    [
      {
        id: '20251228_143025_789456_a3f9',
        status: 'complete',
        created: ours.manifest().created,
        models: ['ridge', 'gbdt'],
        horizons: [5],
        folds: 2,
        best: [{ horizon: 5, model: 'gbdt', metric: 'roc_auc', value: 0.61 }],
        foreign: false,
      },
      {
        id: '20240101_090000_000000_beef',
        status: 'running',
        created: '2024-01-01T09:00:00.000Z',
        models: [],
        horizons: [20],
        folds: undefined,
        best: [],
        foreign: true,
      },
      {
        id: 'legacy_cv',
        status: 'running',
        created: '2023-05-01T00:00:00.000Z',
        models: [],
        horizons: [1],
        folds: undefined,
        best: [],
        foreign: true,
      },
    ],
  );
  const table = formatCvRunsTable(runs).split('\n');
  assert.match(table[0]!, /^id\s+status\s+created \(UTC\)\s+models\s+horizons\s+folds\s+best$/);
  assert.match(
    table[2]!,
    /^20251228_143025_789456_a3f9\s+complete\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+ridge,gbdt\s+5\s+2\s+h5 gbdt roc_auc=0\.61$/,
  );
  assert.deepEqual(await listCvRuns(join(root, 'missing')), []);
});

test('prediction columns are matched to model names, even names with underscores', () => {
  const cols = [
    'timestamp',
    'y_true',
    'fold',
    'extra_trees_pred',
    'log_reg_prob_short',
    'log_reg_prob_long',
    'gbdt_pred',
  ];
  assert.deepEqual(predictionColumnsOf(cols, ['log_reg', 'extra_trees', 'gbdt']), {
    models: ['extra_trees', 'log_reg', 'gbdt'],
    predictionColumns: ['extra_trees_pred', 'log_reg_prob_short', 'log_reg_prob_long', 'gbdt_pred'],
  });
  assert.deepEqual(predictionColumnsOf(['xgboost_pred', 'xgboost_prob_short', 'y_true']).models, ['xgboost']);
});
