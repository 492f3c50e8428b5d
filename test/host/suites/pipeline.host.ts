// The demo notebook inside a real VS Code: Run All, outputs on every cell, a cache hit, stale
// marking after an edit and re-running stale cells, autorun, the runs in the explorer, and the
// "Train stacking on this run" CodeLens training a stacking run that appears too.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { PhasebookApi } from '../../../extension/api';
import { CHART_MIME, FRAME_MIME } from '../../../extension/kernel/outputs';
import {
  cellNamed,
  endedAfter,
  ensureDemoData,
  outputMimes,
  outputText,
  phaseCells,
  phasebookApi,
  runCells,
  setCellText,
  showNotebook,
  waitFor,
  waitForExecutions,
} from './helpers/phasebook';

suite('pipeline: the demo notebook', function () {
  this.timeout(300_000);
  let api: PhasebookApi;
  let nb: vscode.NotebookDocument;

  suiteSetup(async () => {
    api = await phasebookApi();
    ensureDemoData();
    nb = (await showNotebook('demo.pipeline')).notebook;
  });

  test('Run All runs every phase cell to completion, each with its summary, and tables and charts', async () => {
    const cells = await phaseCells(nb);
    const t0 = Date.now();
    await vscode.commands.executeCommand('notebook.execute', nb.uri);
    await waitForExecutions(cells, t0, 280_000);
    const names = await api.cellNames(nb);
    for (const c of cells) {
      assert.equal(
        c.executionSummary?.success,
        true,
        `cell '${names[c.index]}' failed:\n${outputText(c)}\n${outputText(c, 'application/vnd.code.notebook.error')}`,
      );
      assert.ok(outputText(c).startsWith(names[c.index]!), `cell '${names[c.index]}' has no summary: ${outputText(c)}`);
      assert.ok(
        typeof c.executionSummary?.executionOrder === 'number',
        `cell '${names[c.index]}' has no execution order`,
      );
    }
    const mimes = cells.flatMap(outputMimes);
    assert.ok(mimes.includes(FRAME_MIME), 'no table output');
    assert.ok(mimes.includes(CHART_MIME), 'no chart output');
    assert.match(outputText(await cellNamed(nb, 'cv')), /run: \S+ \(cv\)/);
  });

  test('the runs the notebook created are in the explorer', async () => {
    const created = api.completedRuns(nb);
    assert.ok(
      created.some((r) => r.kind === 'cv'),
      `no cv run among ${JSON.stringify(created)}`,
    );
    for (const r of created) await api.waitForRun((s) => s.dir === r.dir, 1000);
    const rows = await api.explorerRows();
    assert.ok(rows.find((g) => g.group === 'Cross-validation')?.runs.length, JSON.stringify(rows));
    assert.ok(rows.find((g) => g.group.startsWith('Training'))?.runs.length, JSON.stringify(rows));
  });

  test('running a cell again is a cache hit: "cached", well under a second', async () => {
    const labels = await cellNamed(nb, 'labels');
    const t0 = Date.now();
    await runCells(nb, [labels]);
    await waitForExecutions([labels], t0, 30_000);
    assert.match(outputText(labels).split('\n')[0]!, /· cached \(ran .+ on .+\)$/);
    const timing = labels.executionSummary?.timing;
    assert.ok(
      timing && timing.endTime - timing.startTime < 1000,
      `took ${timing ? timing.endTime - timing.startTime : '?'} ms`,
    );
  });

  test('editing the features cell marks it and its descendants stale; "Run stale cells" re-runs them', async () => {
    const features = await cellNamed(nb, 'features');
    const original = features.document.getText();
    await setCellText(features, original.replace('lags: [1, 2, 3, 5, 10]', 'lags: [1, 2, 3, 5, 10, 20]'));
    const stale = await waitFor(
      () => api.staleCells(nb).length > 0 && api.staleCells(nb),
      10_000,
      'stale cells after the edit',
    );
    for (const n of ['features', 'labels', 'split', 'scale', 'cv', 'evaluate'])
      assert.ok(stale.includes(n), `'${n}' is not stale: ${stale.join(', ')}`);
    for (const n of ['prices', 'validate', 'preprocess']) assert.ok(!stale.includes(n), `'${n}' should not be stale`);
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok(!endedAfter(features, Date.now() - 900), 'lazy mode re-ran a cell');
    const staleCells = await Promise.all(stale.map((n) => cellNamed(nb, n)));
    const t0 = Date.now();
    await vscode.commands.executeCommand('phasebook.runStaleCells', nb.uri);
    await waitForExecutions(staleCells, t0, 280_000);
    for (const c of staleCells) assert.equal(c.executionSummary?.success, true, outputText(c));
    assert.deepEqual(api.staleCells(nb), []);
    assert.match(outputText(features), /features: 17/);
  });

  test('in autorun mode an edit re-runs the stale cells by itself', async () => {
    await vscode.commands.executeCommand('phasebook.switchToAutorun', nb.uri);
    assert.equal(await api.mode(nb), 'autorun');
    const evaluate = await cellNamed(nb, 'evaluate');
    const t0 = Date.now();
    await setCellText(evaluate, evaluate.document.getText().replace('block: 24', 'block: 12'));
    await waitForExecutions([evaluate], t0, 60_000);
    assert.equal(evaluate.executionSummary?.success, true, outputText(evaluate));
    assert.match(outputText(evaluate), /12-bar blocks/);
    await vscode.commands.executeCommand('phasebook.switchToLazy', nb.uri);
  });

  test(
    'the cv cell carries the CodeLens "Train stacking on this run"; it trains a stacking run that appears in ' +
      'the explorer with its dashboard',
    async () => {
      const cv = await cellNamed(nb, 'cv');
      // CodeLenses live on cell editors: bring the cv cell into view, as a user scrolling to it would.
      const editor = await vscode.window.showNotebookDocument(nb);
      editor.revealRange(new vscode.NotebookRange(cv.index, cv.index + 1), vscode.NotebookEditorRevealType.InCenter);
      editor.selections = [new vscode.NotebookRange(cv.index, cv.index + 1)];
      const lenses = await waitFor(
        async () => {
          try {
            return await vscode.commands.executeCommand<vscode.CodeLens[]>(
              'vscode.executeCodeLensProvider',
              cv.document.uri,
            );
          } catch {
            return undefined; // "Illegal argument": the cell's editor model does not exist yet
          }
        },
        15_000,
        'the cv cell editor',
      );
      const lens = lenses.find((l) => l.command?.title.includes('Train stacking on this run'));
      assert.ok(
        lens?.command,
        `no stacking CodeLens on the cv cell: ${lenses.map((l) => l.command?.title).join(', ')}`,
      );
      const cvDir = lens.command.arguments?.[0] as string;
      const reply = await api.trainStacking(cvDir, { horizon: 20, metaLearner: 'ridge' }, nb);
      assert.ok(reply, 'no stacking run');
      const run = await api.waitForRun((s) => s.dir === reply.dir, 1000);
      assert.equal(run.kind, 'stacking');
      assert.equal(run.status, 'complete');
      assert.ok(api.openDashboards().includes(reply.dir), 'its dashboard did not open');
    },
  );

  test('a horizon the CV run lacks gets the loader error listing the horizons it has', async () => {
    const cvRun = api.completedRuns(nb).find((r) => r.kind === 'cv');
    assert.ok(cvRun);
    await assert.rejects(
      api.trainStacking(cvRun.dir, { horizon: 7, metaLearner: 'ridge' }, nb),
      /Available horizons: \[20\]/,
    );
  });

  test("a CV run's cv_results.json carries the CodeLens too", async () => {
    const cvRun = api.completedRuns(nb).find((r) => r.kind === 'cv');
    assert.ok(cvRun);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(join(cvRun.dir, 'cv_results.json')));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
    const lens = lenses.find((l) => l.command?.title.includes('Train stacking on this run'));
    assert.equal(lens?.command?.arguments?.[0], cvRun.dir);
  });

  test(
    'a notebook reopened gets the outputs of its last ' + 'run back from the cache, without running anything',
    async () => {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(nb.uri));
      const runsBefore = api.runs().length;
      const copy = (await showNotebook('demo-reopened.pipeline', text)).notebook;
      const cells = await phaseCells(copy);
      const names = await api.cellNames(copy);
      await waitFor(() => cells.every((c) => c.outputs.length > 0) && cells, 60_000, 'restored outputs');
      for (const c of cells) {
        assert.match(outputText(c).split('\n')[0]!, /· cached \(ran .+ on .+\)$/, `cell '${names[c.index]}'`);
        assert.equal(c.executionSummary?.executionOrder, undefined, `cell '${names[c.index]}' was run`);
      }
      assert.equal(api.runs().length, runsBefore, 'restoring created runs');
    },
  );
});
