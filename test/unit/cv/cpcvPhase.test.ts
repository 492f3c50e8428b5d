// A notebook with `scheme: cpcv` on its cv cell: the run has C(N,k) splits and φ paths, one
// prediction per row and path in the stacking file, and the timeline chart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import '../../../core/phases/register';
import { PipelineSession } from '../../../core/engine/session';
import { silentLogger } from '../../../core/log';
import { studyDir } from '../orchestrate/study';

const NOTEBOOK = (cv: string) => `# %% settings
seed: 7

# %% load prices
source: data/ohlcv.csv

# %% features
returns: close
lags: [1, 2, 3]

# %% labels
horizon: 4

# %% split
fractions: [0.7, 0.15, 0.15]

# %% cv
models: [ridge, logistic]
${cv}
`;

async function runNotebook(cv: string) {
  const { dir, notebook } = studyDir(NOTEBOOK(cv), 240);
  const s = new PipelineSession(readFileSync(notebook, 'utf8'), { notebookPath: notebook, log: silentLogger });
  return { dir, report: await s.run() };
}

test('scheme: cpcv writes 15 splits, 5 paths, one prediction per row and path, and the timeline', async () => {
  const { dir, report } = await runNotebook('scheme: cpcv\nn_groups: 6\nn_test_groups: 2\npct_embargo: 0.02');
  assert.equal(report.exitCode, 0, JSON.stringify(report.outcomes.map((o) => [o.cell, o.status, o.error?.message])));
  const cv = report.outcomes.find((o) => o.cell === 'cv')!;
  assert.equal(cv.result?.summary.splits, 15);
  assert.equal(cv.result?.summary.paths, 5);
  assert.match(String(cv.result?.summary.best), /over 5 paths \(mean ± sd\)/);
  const chart = cv.result!.charts.find((c) => c.id === 'cv-cpcv-timeline')!;
  const seg = chart.data.segments;
  assert.deepEqual([...new Set(seg.getColumn('split').toArray())].length, 15);
  assert.ok(seg.getColumn('role').toArray().includes('purged'));
  const runDir = join(dir, 'data', 'stacking', cv.result!.run!.id);
  const meta = JSON.parse(readFileSync(join(runDir, 'cpcv.json'), 'utf8'));
  assert.equal(meta.n_paths, 5);
  assert.deepEqual(readdirSync(join(runDir, 'stacking')), ['stacking_paths_h4.parquet']);
  const paths = pl.readParquet(join(runDir, 'stacking', 'stacking_paths_h4.parquet'));
  const perRow = paths
    .groupBy(['timestamp', 'symbol'])
    .agg(pl.col('path').nUnique().alias('n'), pl.col('path').count().alias('c'));
  assert.ok(
    perRow
      .getColumn('n')
      .toArray()
      .every((n) => Number(n) === 5),
    'every row on every path',
  );
  assert.ok(
    perRow
      .getColumn('c')
      .toArray()
      .every((n) => Number(n) === 5),
    'once per path',
  );
  assert.ok(
    paths
      .getColumn('ridge_pred')
      .toArray()
      .every((v) => Number.isFinite(Number(v))),
  );
});

test('scheme: cpcv with n_splits is refused naming the key', async () => {
  const { report } = await runNotebook('scheme: cpcv\nn_splits: 5');
  const cv = report.outcomes.find((o) => o.cell === 'cv')!;
  assert.equal(cv.status, 'failed');
  assert.match(
    cv.error?.message ?? '',
    /n_splits is for purged_kfold; with scheme: cpcv set n_groups and n_test_groups/,
  );
});
