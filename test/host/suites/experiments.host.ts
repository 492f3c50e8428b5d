// Runs you can tell apart, and the experiments table, inside a real VS Code: a run's explorer row
// says what it is (kind, horizon, meta-learner, key metric) with the id in the tooltip; rename and
// tag write run.json and the row follows; "Phasebook: Experiments" draws the runs with their
// names and changed config keys, and a run written by another process appears in it live.
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { PhasebookApi } from '../../../extension/api';
import { phasebookApi, waitFor } from './helpers/phasebook';
import { workspaceRoot } from '../support';

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
