// Tables outside the notebook in the grid (issue 18 item 4): a Parquet file opens with "Phasebook table" in the
// notebook renderer's grid with dtype badges; the explorer's "Open as table" opens the same editor; "Query
// metrics…" shows its result in that grid. The rows are read by a kernel; the webview reports the header it drew.
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { PhasebookApi } from '../../../extension/api';
import type { TableRendered } from '../../../extension/dashboard/protocol';
import { phasebookApi, waitFor } from './helpers/phasebook';
import { workspaceRoot } from '../support';

async function writeParquet(path: string): Promise<void> {
  const pl = (await import('nodejs-polars')).default;
  mkdirSync(join(path, '..'), { recursive: true });
  pl.DataFrame({
    symbol: ['BTC', 'ETH', 'BTC'],
    y_true: [1, 0, 1],
    prob: [0.7, 0.2, 0.9],
  })
    .withColumns(pl.col('y_true').cast(pl.Int64))
    .writeParquet(path);
}

function drawn(api: PhasebookApi, key: string): TableRendered | undefined {
  return api.tableViews()[key];
}

suite('table grid: Parquet files and query results in the grid webview', function () {
  this.timeout(90_000);
  let api: PhasebookApi;
  const ws = () => workspaceRoot().fsPath;

  suiteSetup(async () => {
    api = await phasebookApi();
  });

  test('"Open with… Phasebook table" shows a Parquet file in the grid with its columns and dtype badges', async () => {
    const path = join(ws(), 'tables', 'scores.parquet');
    await writeParquet(path);
    const t0 = Date.now();
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(path), 'phasebook.table');
    const r = await waitFor(() => drawn(api, path), 60_000, 'the grid to draw scores.parquet');
    console.log(`    grid drawn ${Date.now() - t0} ms after openWith`);
    assert.deepEqual(r.columns, ['symbol', 'y_true', 'prob']);
    assert.deepEqual(r.dtypes, ['str', 'i64', 'f64']);
    assert.equal(r.rows, 3);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputCustom, `the active tab is not a custom editor: ${tab?.label}`);
    assert.equal((tab.input as vscode.TabInputCustom).viewType, 'phasebook.table');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test("the explorer's artifact preview opens a run's Parquet artifact in the grid editor", async () => {
    const dir = join(ws(), 'runs', 'ridge_h5_20250101_000000_000001_grid');
    const path = join(dir, 'predictions.parquet');
    await writeParquet(path);
    await vscode.commands.executeCommand('phasebook.openArtifact', { type: 'file', path, isDir: false, runDir: dir });
    const r = await waitFor(() => drawn(api, path), 60_000, 'the grid to draw predictions.parquet');
    assert.deepEqual(r.dtypes, ['str', 'i64', 'f64']);
    assert.equal(vscode.window.activeTextEditor?.document.uri.scheme === 'phasebook-table', false);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('a file that is not a table shows the reason in the view, not a stack trace', async () => {
    const path = join(ws(), 'tables', 'broken.parquet');
    mkdirSync(join(path, '..'), { recursive: true });
    await vscode.workspace.fs.writeFile(vscode.Uri.file(path), new TextEncoder().encode('not parquet'));
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(path), 'phasebook.table');
    const r = await waitFor(() => drawn(api, path), 60_000, 'the view of broken.parquet');
    assert.equal(r.columns.length, 0, 'a grid was drawn for a file that is not Parquet');
    assert.match(r.error ?? '', /cannot read .*broken\.parquet/);
    assert.doesNotMatch(r.error ?? '', /\n\s+at /, 'the view shows a stack trace');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('"Query metrics…" shows the result in the grid: f64 numbers and str text as SQLite returned them', async () => {
    // The query reads the active notebook's artifacts root; with none active (another suite's notebook may still be
    // open), the workspace's default one, where this test writes.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const { writeExecution, metricsDbPath } = await import('../../../core/orchestrate/metricsDb');
    const db = metricsDbPath(join(ws(), 'artifacts'));
    await writeExecution(
      db,
      {
        executionId: 'tablegrid-e1',
        notebook: 'grid.pipeline',
        started: new Date().toISOString(),
        finished: new Date().toISOString(),
        seed: 1,
        exitCode: 0,
        executor: 'local',
        engineVersion: 'test',
      },
      [
        {
          cell: 'train',
          origin: 'train',
          kind: 'train',
          branch: {},
          status: 'ok',
          durationMs: 5,
          metrics: { rmse: 0.25, mae: 0.2 },
        },
      ],
    );
    const before = new Set(Object.keys(api.tableViews()));
    const t0 = Date.now();
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel | undefined>(
      'phasebook.queryMetrics',
      "SELECT cell, metric, value FROM metrics WHERE execution_id = 'tablegrid-e1' ORDER BY metric",
    );
    assert.ok(panel, 'no result view was opened');
    const r = await waitFor(
      () => Object.entries(api.tableViews()).find(([k]) => !before.has(k) && k.startsWith('query-'))?.[1],
      60_000,
      'the query result grid',
    );
    console.log(`    query result drawn ${Date.now() - t0} ms after the command`);
    assert.deepEqual(r.columns, ['cell', 'metric', 'value']);
    assert.deepEqual(r.dtypes, ['str', 'str', 'f64']);
    assert.equal(r.rows, 2);
    const bad = await vscode.commands.executeCommand('phasebook.queryMetrics', 'SELECT * FROM no_such_table');
    assert.equal(bad, undefined, 'a SQL error opened a view');
    panel.dispose();
  });
});
