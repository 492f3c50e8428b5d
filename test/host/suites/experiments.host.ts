// Runs you can tell apart, and the experiments table, inside a real VS Code: a run's explorer row
// says what it is (kind, horizon, meta-learner, key metric) with the id in the tooltip; rename and
// tag write run.json and the row follows; "Phasebook: Experiments" draws the runs with their
// names and changed config keys, and a run written by another process appears in it live.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { writeExecution, type CellRow } from '../../../core/orchestrate/metricsDb';
import { runLabel } from '../../../core/runs/label';
import { resolveRoots } from '../../../core/runs/roots';
import type { PhasebookApi } from '../../../extension/api';
import type { ExperimentsRendered } from '../../../extension/experiments/protocol';
import { phasebookApi, trainStackingWithFirstChoices, waitFor } from './helpers/phasebook';
import { phasebookExtension, workspaceRoot } from '../support';

function writeRun(dir: string, manifest: Record<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '.tmp-run.json'), JSON.stringify(manifest));
  renameSync(join(dir, '.tmp-run.json'), join(dir, 'run.json'));
}

function stacking(id: string, learner: string, auc: number, status = 'complete'): Record<string, unknown> {
  return {
    id,
    kind: 'stacking',
    status,
    created: new Date().toISOString(),
    source: { cli: ['test'] },
    config: { meta_learner: learner, horizon: 20, n_splits: 5 },
    config_hash: 'h',
    seed: 1,
    metrics: { test_roc_auc: auc, test_roc_auc_ci_low: auc - 0.03, test_roc_auc_ci_high: auc + 0.03 },
    artifacts: [],
    meta: { horizon: 20 },
    engine_version: 'test',
  };
}

suite('experiments and run labels', function () {
  this.timeout(90_000);
  let api: PhasebookApi;
  const ws = () => workspaceRoot().fsPath;
  const a = () => join(ws(), 'runs', 'stacking_h20_20261202_100000_000000_aaa1');
  const b = () => join(ws(), 'runs', 'stacking_h20_20261202_100000_000000_bbb2');

  suiteSetup(async () => {
    api = await phasebookApi();
    await vscode.commands.executeCommand('workbench.view.extension.phasebook');
    writeRun(a(), stacking('stacking_h20_20261202_100000_000000_aaa1', 'logistic', 0.6125));
    writeRun(b(), stacking('stacking_h20_20261202_100000_000000_bbb2', 'ridge', 0.5811));
    await api.waitForRun((s) => s.dir === b(), 10_000);
  });

  test('a run row reads kind, horizon, meta-learner and key metric; the id is in the tooltip', async () => {
    await api.waitForRun((s) => s.dir === a(), 10_000);
    const row = await api.explorerRunRow(a());
    assert.equal(row.label, 'stacking h20 logistic · test_roc_auc 0.6125');
    assert.equal(row.tooltip?.split('\n')[0], 'stacking_h20_20261202_100000_000000_aaa1');
  });

  test('rename and tag write run.json atomically and the explorer row follows', async () => {
    await vscode.commands.executeCommand('phasebook.renameRun', a(), { value: 'best stack' });
    await vscode.commands.executeCommand('phasebook.tagRun', a(), { value: '#final, v2' });
    await vscode.commands.executeCommand('phasebook.annotateRun', a(), { value: 'logistic beats ridge here' });
    const json = JSON.parse(readFileSync(join(a(), 'run.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(json.annotations, {
      name: 'best stack',
      tags: ['final', 'v2'],
      note: 'logistic beats ridge here',
    });
    assert.equal(json.id, 'stacking_h20_20261202_100000_000000_aaa1', 'the id never changes');
    const row = await waitFor(
      async () => {
        const r = await api.explorerRunRow(a());
        return r.label === 'best stack' && r;
      },
      5000,
      'the renamed row',
    );
    assert.match(row.description ?? '', /#final #v2/);
    assert.match(row.tooltip ?? '', /note: logistic beats ridge here/);
  });

  test('a running run is not annotated (its writer would overwrite run.json)', async () => {
    const dir = join(ws(), 'runs', 'stacking_h20_20261202_100000_000000_ccc3');
    writeRun(dir, { ...stacking('stacking_h20_20261202_100000_000000_ccc3', 'ridge', 0.5, 'running') });
    await api.waitForRun((s) => s.dir === dir, 10_000);
    const before = readFileSync(join(dir, 'run.json'), 'utf8');
    await vscode.commands.executeCommand('phasebook.renameRun', dir, { value: 'nope' });
    assert.equal(readFileSync(join(dir, 'run.json'), 'utf8'), before);
  });

  test('"Phasebook: Experiments" shows the runs by name with the changed config keys, and new runs live', async () => {
    await vscode.commands.executeCommand('phasebook.openExperiments');
    const first = await waitFor(
      () => {
        const r = api.experimentsRendered();
        return r && r.rows >= 2 && r;
      },
      30_000,
      'the experiments table to render',
    );
    assert.ok(first.columns.includes('meta_learner'), first.columns.join(', '));
    assert.ok(first.columns.includes('test_roc_auc'));
    // "Show only what changed" is on: a config key is shown exactly when its value differs between the indexed runs
    // (or some run lacks it). The workspace also holds other suites' runs: which keys differ is read off the index.
    const runs = api.runs();
    const differs = (key: string): boolean =>
      runs.some((r) => r.config?.[key] === undefined) || new Set(runs.map((r) => r.config?.[key])).size > 1;
    assert.equal(first.columns.includes('n_splits'), differs('n_splits'), 'n_splits shown only when it differs');
    const same = Object.keys(runs[0]?.config ?? {}).filter((k) => !differs(k));
    for (const k of same) assert.ok(!first.columns.includes(k), `'${k}' is the same in every run: hidden by default`);
    assert.ok(first.firstRows.includes('best stack'), first.firstRows.join(' | '));
    const rows = first.rows;
    const dir = join(ws(), 'runs', 'stacking_h20_20261202_100000_000000_ddd4');
    writeRun(dir, {
      ...stacking('stacking_h20_20261202_100000_000000_ddd4', 'gbdt', 0.6301),
      created: new Date(Date.now() + 60_000).toISOString(),
    });
    const live = await waitFor(
      () => {
        const r = api.experimentsRendered();
        return r && r.rows === rows + 1 && r;
      },
      10_000,
      'the new run in the table',
    );
    assert.equal(live.firstRows[0], 'stacking h20 gbdt · test_roc_auc 0.6301');
  });
});

// metrics.db in the table: a CV run's every model's metrics (written by the engine after run.json
// lands), with the CI on hover; grouping over seeds shows mean ± sd; two selected rows compare.
suite('experiments table over metrics.db', function () {
  this.timeout(90_000);
  let api: PhasebookApi;
  const ws = () => workspaceRoot().fsPath;
  const cvId = (s: string) => `cv_h20_20261202_110000_000000_${s}`;
  const cvDir = (s: string) => join(ws(), 'runs', cvId(s));
  const FILTER = 'study=i19x';
  const rendered = (what: string, ok: (r: ExperimentsRendered) => boolean) =>
    waitFor(
      () => {
        const r = api.experimentsRendered();
        return r && ok(r) && r;
      },
      30_000,
      () => `${what}: ${JSON.stringify(api.experimentsRendered())}`,
    );
  const cell = (r: ExperimentsRendered, row: number, column: string) => r.firstCells[row]?.[r.columns.indexOf(column)];

  suiteSetup(async () => {
    api = await phasebookApi();
    for (const [s, seed] of [
      ['s1a1', 1],
      ['s2a2', 2],
    ] as const)
      writeRun(cvDir(s), {
        id: cvId(s),
        kind: 'cv',
        status: 'complete',
        created: new Date(Date.now() - seed * 1000).toISOString(),
        source: { cli: ['test'] },
        config: { study: 'i19x', seed, models: 'ridge,gbdt', n_splits: 3 },
        config_hash: `h${seed}`,
        seed,
        metrics: {},
        artifacts: [],
        meta: { models: ['ridge', 'gbdt'], horizons: [20] },
        engine_version: 'test',
      });
    await api.waitForRun((s) => s.dir === cvDir('s2a2'), 10_000);
  });

  test("a CV run's per-model metric shows in the table with its CI on hover, when metrics.db lands", async () => {
    await vscode.commands.executeCommand('phasebook.openExperiments', { filter: FILTER, groupBy: 'none' });
    await rendered('the two CV runs', (r) => r.rows === 2);
    const cells = (id: string, ridge: number): CellRow => ({
      cell: 'cv',
      origin: 'cv',
      kind: 'cv',
      branch: {},
      status: 'ok',
      durationMs: 5,
      runId: id,
      modelMetrics: [
        { model: 'ridge', metrics: { h20_roc_auc: ridge, h20_roc_auc_ci_low: ridge - 0.05, h20_roc_auc_ci_high: 0.7 } },
        { model: 'gbdt', metrics: { h20_roc_auc: 0.55 } },
      ],
    });
    const started = new Date().toISOString();
    await writeExecution(
      join(resolveRoots(ws()).artifacts, 'metrics.db'),
      {
        executionId: `exec_i19x_${Date.now()}`,
        notebook: 'x.pipeline',
        started,
        finished: started,
        seed: 1,
        exitCode: 0,
        executor: 'test',
        engineVersion: 'test',
      },
      [cells(cvId('s1a1'), 0.6), cells(cvId('s2a2'), 0.64)],
    );
    const r = await rendered('the per-model metric column', (x) => x.columns.includes('ridge.h20_roc_auc'));
    // Newest first: the seed-1 run (0.6).
    assert.equal(cell(r, 0, 'ridge.h20_roc_auc')?.text, '0.6', JSON.stringify(r.firstCells[0]));
    assert.equal(cell(r, 0, 'ridge.h20_roc_auc')?.title, 'ridge.h20_roc_auc 0.6 (95% CI 0.55 – 0.7)');
    assert.equal(cell(r, 1, 'ridge.h20_roc_auc')?.text, '0.64');
  });

  test('grouping over seeds shows mean ± sd of the per-model metric', async () => {
    await vscode.commands.executeCommand('phasebook.openExperiments', { groupBy: 'seed' });
    const r = await rendered('one group over the two seeds', (x) => x.groups === 1);
    // mean (0.6 + 0.64) / 2 = 0.62; sd sqrt((0.02² + 0.02²) / (2 - 1)) = 0.0283.
    assert.equal(cell(r, 0, 'ridge.h20_roc_auc')?.text, '0.62 ± 0.028');
    assert.match(cell(r, 0, 'ridge.h20_roc_auc')?.title ?? '', /over 2 runs$/);
  });

  test('selecting two rows and Compare opens the compare view', async () => {
    await vscode.commands.executeCommand('phasebook.openExperiments', {
      groupBy: 'none',
      select: [cvDir('s1a1'), cvDir('s2a2')],
    });
    const r = await rendered('two selected rows', (x) => x.selected.length === 2 && x.groups === 0);
    await api.experimentsPost({ type: 'compare', dirs: r.selected });
    await waitFor(
      () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'Compare 2 runs'),
      10_000,
      'the compare view',
    );
  });
});

// A real CV run (the CLI runs a small notebook in the workspace): its every model's metrics come from the
// metrics.db the engine wrote; the selection's Open dashboard opens its dashboard; Train stacking asks the
// trainer's quick picks, trains, and the stacking run is in the table. Each opened tab hides the table (its
// webview is torn down): opening it again with a filter or selection must still apply them.
const CV_NOTEBOOK = [
  '# %% load prices',
  'source: data/i19x_prices.csv',
  'timestamp: ts',
  'symbol: symbol',
  '',
  '# %% features',
  'returns: close',
  'lags: [1, 2, 3]',
  '',
  '# %% labels',
  'horizon: 20',
  'target: close',
  'threshold: 0',
  '',
  '# %% split',
  'fractions: [0.7, 0.15, 0.15]',
  '',
  '# %% cv',
  'models: [ridge, logistic]',
  'n_splits: 3',
  '',
].join('\n');

suite('experiments table actions on a real CV run', function () {
  this.timeout(180_000);
  let api: PhasebookApi;
  let cvDir = '';
  let cvId = '';
  const ws = () => workspaceRoot().fsPath;
  const rendered = (what: string, ok: (r: ExperimentsRendered) => boolean) =>
    waitFor(
      () => {
        const r = api.experimentsRendered();
        return r && ok(r) && r;
      },
      60_000,
      () => `${what}: ${JSON.stringify(api.experimentsRendered())}`,
    );

  suiteSetup(async () => {
    api = await phasebookApi();
    const rows = ['ts,symbol,close'];
    for (let i = 0; i < 600; i++)
      rows.push(
        `${new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString()},BTC,` +
          `${(100 + 10 * Math.sin(i / 7) + ((i * 7919) % 13) / 3).toFixed(3)}`,
      );
    mkdirSync(join(ws(), 'data'), { recursive: true });
    writeFileSync(join(ws(), 'data', 'i19x_prices.csv'), rows.join('\n') + '\n');
    writeFileSync(join(ws(), 'i19x_cv.pipeline'), CV_NOTEBOOK);
    const before = new Set(api.runs().map((r) => r.dir));
    const cli = join(phasebookExtension().extensionUri.fsPath, 'dist', 'cli.js');
    await promisify(execFile)(process.execPath, [cli, 'run', 'i19x_cv.pipeline'], {
      cwd: ws(),
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', PHASEBOOK_CLI_MAIN: '1' },
    });
    const cv = await api.waitForRun((r) => r.kind === 'cv' && !before.has(r.dir), 20_000);
    cvDir = cv.dir;
    cvId = cv.id;
  });

  test("the CV run's every model's metric from metrics.db, with its CI on hover", async () => {
    await vscode.commands.executeCommand('phasebook.openExperiments', { filter: cvId, groupBy: 'none' });
    const r = await rendered(
      'the CV run with its models',
      (x) => x.rows === 1 && x.columns.some((c) => /^ridge\./.test(c)),
    );
    assert.ok(
      r.columns.some((c) => c.startsWith('logistic.h20_')),
      r.columns.join(', '),
    );
    const titles = r.firstCells[0]!.map((c) => c.title);
    assert.ok(
      titles.some((t) => /^ridge\.h20_\S+ [\d.]+ \(95% CI [\d.]+ – [\d.]+\)$/.test(t)),
      titles.join(' | '),
    );
  });

  test("Open dashboard on the selection opens the run's dashboard", async () => {
    await vscode.commands.executeCommand('phasebook.openExperiments', { select: [cvDir] });
    await rendered('the CV run selected', (x) => x.selected.length === 1);
    await api.experimentsPost({ type: 'openDashboards', dirs: [cvDir, join(ws(), 'runs', 'no_such_run')] });
    await waitFor(() => api.openDashboards().includes(cvDir), 20_000, 'the dashboard of the CV run');
    assert.deepEqual(
      api.openDashboards().filter((d) => d.endsWith('no_such_run')),
      [],
      'unknown folders are ignored',
    );
  });

  test('Train stacking on the selection asks horizon, meta-learner, trains; the run lands in the table', async () => {
    const before = new Set(api.runs().map((r) => r.dir));
    await vscode.commands.executeCommand('phasebook.openExperiments', { filter: '', select: [cvDir] });
    const shown = await rendered('every run', (x) => x.rows === before.size);
    const stacking = await trainStackingWithFirstChoices(
      api.experimentsPost({ type: 'trainStacking', dir: cvDir }),
      before,
      'the stacking run',
    );
    // The trainer opened the new run's dashboard over the table: back to the table, which shows the new run.
    await vscode.commands.executeCommand('phasebook.openExperiments');
    await rendered('the stacking run in the table', (x) => x.rows === shown.rows + 1);
    await vscode.commands.executeCommand('phasebook.openExperiments', { filter: stacking.id });
    const one = await rendered('the stacking run alone', (x) => x.rows === 1);
    assert.equal(one.firstRows[0], runLabel(stacking));
    assert.match(one.firstRows[0] ?? '', /^stacking\b/);
  });
});
