// One row per fan-out branch, through the real path: a fanned-out study (2 scenarios x 2 models) run by the
// engine, its runs read by the run index's scan (what the host sends) and its metrics.db read as the kernel's
// `runMetrics` does. A branch's training run.json has its model but not its scenario: the table takes the
// branch from metrics.db, so the four rows differ in scenario and model and group by scenario.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import '../../../core/phases/register';
import { PipelineSession } from '../../../core/engine/session';
import { readRunMetrics } from '../../../core/experiments/dbMetrics';
import { buildExperimentsTable, experimentRun, visibleColumns } from '../../../core/experiments/table';
import { groupRows } from '../../../core/experiments/view';
import { silentLogger } from '../../../core/log';
import { metricsDbPath } from '../../../core/orchestrate/metricsDb';
import { resolveRoots } from '../../../core/runs/roots';
import { scanRuns } from '../../../core/runs/scan';
import { STUDY, studyDir } from '../orchestrate/study';

// The study without its collecting cells: the branches are what this test is about.
const BRANCHES = STUDY.slice(0, STUDY.indexOf('# %% scenario_compare'));

test('a fanned-out study: one training row per branch with its scenario and model, grouped by scenario', async () => {
  const { dir, notebook } = studyDir(BRANCHES);
  const session = new PipelineSession(readFileSync(notebook, 'utf8'), { notebookPath: notebook, log: silentLogger });
  const report = await session.run();
  assert.equal(report.exitCode, 0, JSON.stringify(report.outcomes.filter((o) => o.status === 'failed')));
  const roots = resolveRoots(dir);
  const runs = (await scanRuns(roots)).map(experimentRun);
  const db = await readRunMetrics(metricsDbPath(roots.artifacts));
  const table = buildExperimentsTable(runs, new Map(db.map((r) => [r.runId, r])));
  const training = table.rows.filter((r) => r.run.kind === 'training');
  const branchOf = (r: (typeof training)[number]) =>
    `${String(r.values['config:scenario'])}/${r.values['config:model']}`;
  assert.deepEqual(training.map(branchOf).sort(), [
    'mean_impute/linear',
    'mean_impute/ridge',
    'outlier_treatment/linear',
    'outlier_treatment/ridge',
  ]);
  const shown = visibleColumns(table, { onlyChanged: true, hidden: new Set() }).map((c) => c.label);
  assert.ok(shown.includes('scenario') && shown.includes('model'), shown.join(', '));
  // The branch's model is not a column prefix: a training run's rmse is `rmse`, once.
  assert.ok(!shown.some((c) => /^(ridge|linear)\./.test(c)), shown.join(', '));
  const metric = table.columns.find(
    (c) => c.kind === 'metric' && training.every((r) => typeof r.values[c.key] === 'number'),
  );
  assert.ok(metric, 'a metric every training run has');
  const groups = groupRows(training, table.columns, 'scenario');
  assert.deepEqual(groups.map((g) => [g.key, g.rows.length]).sort(), [
    ['scenario=mean_impute', 2],
    ['scenario=outlier_treatment', 2],
  ]);
  for (const g of groups) assert.equal(g.stats[metric.key]?.n, 2, `${g.key}: mean ± sd over its 2 models`);
});
