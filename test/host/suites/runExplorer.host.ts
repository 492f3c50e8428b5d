// The run explorer inside a real VS Code: runs written by another process (with run.json, or in
// another tool's layout without one; results runs in the notes/002 layout and the one before it)
// appear within a second; deleted runs and roots disappear,
// recreated roots come back; a run opens its dashboard, a Parquet artifact opens in the grid editor.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { PhasebookApi } from '../../../extension/api';
import { phasebookApi, waitFor } from './helpers/phasebook';
import { workspaceRoot } from '../support';
import { runItemView } from '../../../extension/explorer/runItems';

/** Another process writing a run folder the way the run store does (run.json last, via rename). */
function writeRunElsewhere(
  dir: string,
  manifest: Record<string, unknown> | undefined,
  files: Record<string, string> = {},
): Promise<void> {
  const script =
    `
    const fs = require('fs'), path = require('path');
    const [dir, manifest, files] = [process.argv[1], process.argv[2], JSON.parse(process.argv[3])];
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) { fs.mkdirSync(path.dirname(path.join(dir, name)), { ` +
    `recursive: true }); fs.writeFileSync(path.join(dir, name), text); }
    if (manifest) { fs.writeFileSync(path.join(dir, '.tmp-run.json'), manifest); fs.renameSync(path.join(dir, ` +
    `'.tmp-run.json'), path.join(dir, 'run.json')); }
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-e', script, dir, manifest ? JSON.stringify(manifest) : '', JSON.stringify(files)],
      { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } },
    );
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer exited ${code}`))));
  });
}

function manifest(id: string, kind: string, metrics: Record<string, number>): Record<string, unknown> {
  return {
    id,
    kind,
    status: 'complete',
    created: new Date().toISOString(),
    source: { cli: ['test'] },
    config: {},
    config_hash: 'h',
    seed: 1,
    metrics,
    artifacts: [],
    engine_version: 'test',
  };
}

suite('run explorer', function () {
  this.timeout(60_000);
  let api: PhasebookApi;
  const ws = () => workspaceRoot().fsPath;

  suiteSetup(async () => {
    api = await phasebookApi();
    await vscode.commands.executeCommand('workbench.view.extension.phasebook');
  });

  test('a training run written by another process appears within a second, with its key metric', async () => {
    const id = 'ridge_h5_20250101_000000_000001_e2e1';
    const dir = join(ws(), 'runs', id);
    await writeRunElsewhere(dir, manifest(id, 'training', { test_auc: 0.64 }));
    const t0 = Date.now();
    const run = await api.waitForRun((s) => s.dir === dir, 5000);
    const ms = Date.now() - t0;
    assert.ok(ms <= 1000, `appeared after ${ms} ms`);
    assert.equal(run.keyMetric?.value, 0.64);
    const rows = await api.explorerRows();
    assert.ok(rows.find((g) => g.group.startsWith('Training'))?.runs.includes(id));
  });

  test("another tool's CV run (cv_results.json, no run.json) shows under Cross-validation", async () => {
    const id = '20250102_000000_000001_f00d';
    const dir = join(ws(), 'data', 'stacking', id);
    await writeRunElsewhere(dir, undefined, {
      'cv_results.json': JSON.stringify({ models: ['ridge'], horizons: [5, 20] }),
      'stacking/stacking_dataset_h5.parquet': '',
    });
    const run = await api.waitForRun((s) => s.dir === dir, 5000);
    assert.equal(run.kind, 'cv');
    assert.equal(run.foreign, true);
    const rows = await api.explorerRows();
    assert.ok(rows.find((g) => g.group === 'Cross-validation')?.runs.includes(id));
  });

  test('a running run.json whose writer pid is dead shows as interrupted, not running', async () => {
    const id = 'ridge_h5_20250101_000000_000002_dead';
    const dir = join(ws(), 'runs', id);
    // The writer: a process that has exited by the time the explorer reads its run.json.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    const pid = Number(dead.stdout);
    assert.ok(pid > 0, dead.stderr);
    await writeRunElsewhere(dir, {
      ...manifest(id, 'training', {}),
      status: 'running',
      writer: { pid, host: hostname(), started: new Date().toISOString() },
    });
    const run = await api.waitForRun((s) => s.dir === dir, 5000);
    assert.equal(run.status, 'interrupted');
    assert.match(run.error ?? '', new RegExp(`pid ${pid}`));
    assert.equal(runItemView(run).description.split(' · ')[0], 'interrupted');
    rmSync(dir, { recursive: true, force: true });
  });

  test('a CV run shows as finished right after its run.json lands complete, and stays finished', async () => {
    const id = 'cv_20250103_000000_000001_done';
    const dir = join(ws(), 'runs', id);
    // No writer recorded: the liveness check then goes by the heartbeat (run.json's fresh mtime), so it reads running.
    const running = { ...manifest(id, 'cv', {}), status: 'running' };
    // A large cv_results.json makes each read of the folder slow, so the watcher's reads overlap.
    const folds = Array.from({ length: 4000 }, (_, i) => ({ model: 'ridge', horizon: 5, fold: i % 5, roc_auc: 0.5 }));
    const big = JSON.stringify({ models: ['ridge'], horizons: [5], folds });
    // Too large for a command line: written here; run.json (the status the explorer reads) by another process.
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cv_results.json'), big);
    await writeRunElsewhere(dir, running);
    const first = await api.waitForRun((s) => s.dir === dir, 5000);
    assert.equal(first.status, 'running');
    // The last files of the run, then run.json complete, as the run store writes them (rename last).
    const landed = Date.now();
    await writeRunElsewhere(
      dir,
      { ...manifest(id, 'cv', { roc_auc: 0.5 }), finished: new Date().toISOString() },
      { 'fold_scores.json': '[]', 'predictions.json': '[]' },
    );
    await waitFor(() => api.runs().find((s) => s.dir === dir)?.status === 'complete', 5000, 'the run to show complete');
    const ms = Date.now() - landed;
    assert.ok(ms <= 1500, `showed complete ${ms} ms after run.json landed`);
    // Reads still in flight when it landed must not bring "running" back.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(api.runs().find((s) => s.dir === dir)?.status, 'complete');
    rmSync(dir, { recursive: true, force: true });
  });

  test('a deleted run folder leaves the tree; a results root deleted and recreated is picked up again', async () => {
    const id = 'bt_2025';
    const root = join(ws(), 'results');
    const dir = join(root, id);
    mkdirSync(join(dir, 'phase1'), { recursive: true });
    writeFileSync(join(dir, 'phase1', 'aggregate_results.json'), JSON.stringify({ sharpe_ratio: 1.2 }));
    await api.waitForRun((s) => s.dir === dir, 5000);
    rmSync(root, { recursive: true, force: true });
    await waitFor(() => !api.runs().some((s) => s.dir === dir), 5000, 'the run to leave');
    mkdirSync(join(dir, 'phase1'), { recursive: true });
    writeFileSync(join(dir, 'phase1', 'aggregate_results.json'), JSON.stringify({ sharpe_ratio: 1.3 }));
    await api.waitForRun((s) => s.dir === dir, 8000);
  });

  test(
    'results runs in both layouts: notes/002 (results/{results_dir}/{workflow_id}/{phase}/) and the one before ' +
      'it (containers/)',
    async () => {
      const root = join(ws(), 'results');
      // notes/002: a workflow run inside a results_dir, containers directly in the phase folder.
      const nested = join(root, 'study_host', 'sweep');
      const phaseFiles = {
        'parameter_search/portfolio_001_results.json': JSON.stringify({ container_id: 'portfolio_001' }),
        'parameter_search/aggregate_results.json': JSON.stringify({ aggregate_metrics: { sharpe_ratio: 0.9 } }),
      };
      await writeRunElsewhere(
        nested,
        {
          ...manifest('study_host/sweep', 'workflow', { 'validation.sharpe_ratio': 0.8 }),
          meta: { phases: ['parameter_search', 'validation'] },
        },
        phaseFiles,
      );
      // The layout before notes/002: results/{name}/{phase}/containers/, with run.json and without.
      const old = join(root, 'old_host');
      await writeRunElsewhere(
        old,
        { ...manifest('old_host', 'backtest', { sharpe_ratio: 0.7 }), meta: { phases: ['bt'] } },
        {
          'bt/containers/portfolio_001_results.json': JSON.stringify({ container_id: 'portfolio_001' }),
          'bt/aggregate_results.json': JSON.stringify({ aggregate_metrics: { sharpe_ratio: 0.7 } }),
        },
      );
      const legacy = join(root, 'legacy_host');
      await writeRunElsewhere(legacy, undefined, {
        'wf/window_001/containers/portfolio_001_results.json': '{}',
        'wf/window_001/phase_summary.json': JSON.stringify({ phase: 'wf', metrics_summary: { sharpe_ratio: 0.3 } }),
      });
      const run = await api.waitForRun((s) => s.dir === nested, 5000);
      assert.equal(run.id, 'study_host/sweep');
      assert.deepEqual(run.phases, ['parameter_search', 'validation']);
      await api.waitForRun((s) => s.dir === old, 5000);
      assert.equal((await api.waitForRun((s) => s.dir === legacy, 5000)).foreign, true);
      // The results_dir folder is not a run of its own (its files arrived before the run.json).
      await waitFor(
        () => !api.runs().some((s) => s.dir === join(root, 'study_host')),
        5000,
        'the results_dir folder not to be listed as a run',
      );
      const group = (await api.explorerRows()).find((g) => g.group.startsWith('Backtest'));
      for (const id of ['study_host/sweep', 'old_host', 'legacy_host'])
        assert.ok(group?.runs.includes(id), `${id} in ${JSON.stringify(group)}`);
      // A workflow run deleted from its results_dir leaves the tree.
      rmSync(nested, { recursive: true, force: true });
      await waitFor(() => !api.runs().some((s) => s.dir === nested), 5000, 'the nested run to leave');
    },
  );

  test("a backtest run's tooltip shows its selection-adjusted headline (run.json meta.selection)", async () => {
    const dir = join(ws(), 'results', 'nb_selection_host');
    const line = 'Sharpe 1.42 · deflated 0.31 after 48 trials · PBO 0.37';
    await writeRunElsewhere(
      dir,
      {
        ...manifest('nb_selection_host', 'backtest', { sharpe_ratio: 1.42 }),
        meta: { phases: ['bt'], selection: { bt: line } },
      },
      {
        'bt/portfolio_001_results.json': JSON.stringify({ container_id: 'portfolio_001' }),
      },
    );
    const run = await api.waitForRun((s) => s.dir === dir, 5000);
    assert.deepEqual(run.selection, { bt: line });
    const row = await api.explorerRunRow(dir);
    assert.ok(row.tooltip?.split('\n').includes(line), row.tooltip);
    // a re-run rewrites run.json with the new count; the tooltip follows
    const next = 'Sharpe 1.10 · deflated 0.12 after 49 trials · PBO 0.41';
    await writeRunElsewhere(dir, {
      ...manifest('nb_selection_host', 'backtest', { sharpe_ratio: 1.1 }),
      meta: { phases: ['bt'], selection: { bt: next } },
    });
    await waitFor(
      async () => (await api.explorerRunRow(dir)).tooltip?.split('\n').includes(next),
      5000,
      'the tooltip to show the new headline',
    );
    rmSync(dir, { recursive: true, force: true });
  });

  test('"Open dashboard" opens a panel for the run; a Parquet artifact opens in the grid editor', async () => {
    const id = 'ridge_h5_20250101_000000_000001_e2e1';
    const dir = join(ws(), 'runs', id);
    await vscode.commands.executeCommand('phasebook.openDashboard', dir);
    assert.ok(api.openDashboards().includes(dir));
    const parquet = join(dir, 'predictions.parquet');
    // Any real Parquet file will do: this one is written by the test itself.
    const polars = (await import('nodejs-polars')).default;
    polars.DataFrame({ y_true: [1, 0, 1], pred: [0.7, 0.2, 0.9] }).writeParquet(parquet);
    await vscode.commands.executeCommand('phasebook.openArtifact', {
      type: 'file',
      path: parquet,
      isDir: false,
      runDir: dir,
    });
    const drawn = await waitFor(() => api.tableViews()[parquet], 30_000, 'the table grid');
    assert.equal(drawn.rows, 3);
    assert.deepEqual(drawn.columns, ['y_true', 'pred']);
  });
});
