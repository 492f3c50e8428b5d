// Last cell finished -> notebook idle (issue 18 item 10). The kernel records an execution (metrics.db) after its
// last cell; here another process holds metrics.db's lock, so recording waits (up to 10 s). The notebook must not
// say "running" meanwhile: VS Code's Run All (and the settings cell, which the kernel never runs, pending until
// then) ends with the last phase cell, not when the kernel answers the run. The host's event timeline reports the
// latency (api.idleLatencyMs).
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { PhasebookApi } from '../../../extension/api';
import { cellNamed, outputText, phasebookApi, showNotebook, waitFor } from './helpers/phasebook';
import { workspaceRoot, writeWorkspaceFile } from '../support';

const rows = ['ts,symbol,close'];
for (let i = 0; i < 400; i++)
  rows.push(
    `${new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString()},BTC,` +
      `${(100 + 10 * Math.sin(i / 7) + ((i * 7919) % 13) / 3).toFixed(3)}`,
  );

const NOTEBOOK = [
  '# %% settings',
  'seed: 3',
  '',
  '# %% load prices',
  'source: idle.csv',
  'timestamp: ts',
  'symbol: symbol',
  '',
  '# %% features',
  'returns: close',
  'lags: [1, 2, 3]',
  '',
  '# %% labels',
  'horizon: 2',
  'target: close',
  'threshold: 0',
  '',
  '# %% split',
  'fractions: [0.7, 0.15, 0.15]',
  '',
  '# %% train',
  'model: ridge',
  '',
].join('\n');

const endOf = (c: vscode.NotebookCell): number => c.executionSummary?.timing?.endTime ?? NaN;

suite('idle latency: the notebook is idle when its last cell finished', function () {
  this.timeout(120_000);
  let api: PhasebookApi;
  const locks: string[] = [];

  suiteTeardown(() => {
    for (const l of locks) rmSync(l, { force: true });
  });

  suiteSetup(async () => {
    api = await phasebookApi();
    await writeWorkspaceFile('host-tests/idle/idle.csv', rows.join('\n') + '\n');
  });

  test(
    'recording the execution (metrics.db locked by ' + 'another process) does not keep the notebook ' + 'running',
    async () => {
      const nb = (await showNotebook('host-tests/idle/idle.pipeline', NOTEBOOK)).notebook;
      // A fresh lock (another writer) wherever the notebook's metrics.db may live.
      const ws = workspaceRoot().fsPath;
      for (const dir of [join(ws, 'artifacts'), join(ws, 'host-tests', 'idle', 'artifacts')]) {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'metrics.db.lock'), '1');
        locks.push(join(dir, 'metrics.db.lock'));
      }
      const train = await cellNamed(nb, 'train');
      const t0 = Date.now();
      await vscode.commands.executeCommand('notebook.execute', nb.uri);
      const idleAt = Date.now();
      for (const l of locks) rmSync(l, { force: true });
      assert.ok(endOf(train) > t0, 'the train cell did not run');
      assert.equal(train.executionSummary?.success, true, outputText(train, 'application/vnd.code.notebook.error'));
      const gap = idleAt - endOf(train);
      assert.ok(gap < 1500, `the notebook said running ${gap} ms after its last cell finished`);
      const idle = await waitFor(() => api.idleLatencyMs(nb), 15_000, 'the timeline to report the idle latency');
      assert.ok(idle < 1500, `last cell finished -> notebook idle took ${idle} ms`);
    },
  );
});
