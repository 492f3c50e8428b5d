// Issue 19 item 2: the Pipeline graph beside the notebook. The graph opens from its command, draws the cell DAG
// (what the webview itself reports it drew), shows each node's state after runs — ran, cached, stale after an
// edit, failed and blocked — with its time and rows and the audit's verdict, reveals a cell on click, runs
// "to here" / "from here" through the webview's message path, and follows the active notebook.
import * as assert from 'node:assert/strict';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { PhasebookApi } from '../../../extension/api';
import type { GraphNodeView, NodeState } from '../../../extension/graph/protocol';
import {
  cellNamed,
  describeCell,
  endedAfter,
  phaseCells,
  phasebookApi,
  setCellText,
  showNotebook,
  TINY_CSV,
  waitFor,
  waitForExecutions,
} from './helpers/phasebook';
import { workspaceRoot, writeWorkspaceFile } from '../support';

const FEATURES = ['returns: close', 'lags: [1, 2]', ''].join('\n');
const NOTEBOOK = [
  '# %% settings',
  'mode: lazy',
  'audit: warn',
  '',
  '# %% load prices',
  'source: tiny.csv',
  'timestamp: ts',
  'symbol: symbol',
  '',
  '# %% features',
  FEATURES,
  '# %% labels',
  'horizon: 2',
  'target: close',
  'threshold: 0',
  '',
].join('\n');

suite('pipeline graph', function () {
  this.timeout(180_000);
  let api: PhasebookApi;
  let nb: vscode.NotebookDocument;

  /** The states the webview drew, by cell. */
  const drawn = (): Record<string, NodeState> =>
    Object.fromEntries((api.pipelineGraph().rendered?.nodes ?? []).map((n) => [n.name, n.state]));
  const sentNode = (name: string): GraphNodeView | undefined => {
    const sent = api.pipelineGraph().sent;
    return sent?.type === 'graph' ? sent.nodes.find((n) => n.name === name) : undefined;
  };
  const waitForDrawn = (want: Record<string, NodeState | NodeState[]>, what: string) =>
    waitFor(
      () => Object.entries(want).every(([cell, s]) => (Array.isArray(s) ? s : [s]).includes(drawn()[cell])) && drawn(),
      60_000,
      () => `${what}: drawn ${JSON.stringify(drawn())}, wanted ${JSON.stringify(want)}`,
    );
  const post = (type: 'runToHere' | 'runFromHere' | 'reveal', cell: string) => api.pipelineGraph().post({ type, cell });

  suiteSetup(async () => {
    api = await phasebookApi();
    await writeWorkspaceFile('host-tests/graph/tiny.csv', TINY_CSV);
    nb = (await showNotebook('host-tests/graph/graph.pipeline', NOTEBOOK)).notebook;
  });

  test('the command opens the graph beside the notebook; its webview draws one node per cell that runs', async () => {
    await vscode.commands.executeCommand('phasebook.showPipelineGraph', nb.uri);
    const rendered = await waitFor(
      () => api.pipelineGraph().rendered?.notebook === 'graph.pipeline' && api.pipelineGraph().rendered,
      30_000,
      'the graph webview to draw',
    );
    assert.deepEqual(
      rendered.nodes.map((n) => n.name),
      ['prices', 'features', 'labels'],
      'the settings cell is no node',
    );
    const sent = api.pipelineGraph().sent;
    assert.equal(sent?.type, 'graph');
    if (sent?.type === 'graph')
      assert.deepEqual(sent.edges, [
        { from: 'prices', to: 'features' },
        { from: 'features', to: 'labels' },
      ]);
    assert.equal(vscode.window.activeNotebookEditor?.notebook, nb, 'the notebook keeps the focus');
  });

  test(
    'after a run every node has run (or come from the ' +
      'cache) with its time and rows; a second run is all ' +
      'cached',
    async () => {
      const cells = await phaseCells(nb);
      let t0 = Date.now();
      await vscode.commands.executeCommand('notebook.execute', nb.uri);
      await waitForExecutions(cells, t0, 120_000);
      for (const c of cells) assert.equal(c.executionSummary?.success, true, describeCell(c));
      await waitForDrawn({ prices: ['ok', 'cached'], features: ['ok', 'cached'], labels: ['ok', 'cached'] }, 'ran');
      const prices = sentNode('prices');
      assert.equal(prices?.rows, 50, JSON.stringify(prices));
      assert.ok(prices?.at && !Number.isNaN(Date.parse(prices.at)), JSON.stringify(prices));
      assert.equal(typeof prices?.durationMs, 'number');
      t0 = Date.now();
      await vscode.commands.executeCommand('notebook.execute', nb.uri);
      await waitForExecutions(cells, t0, 60_000);
      await waitForDrawn({ prices: 'cached', features: 'cached', labels: 'cached' }, 'the second run');
    },
  );

  test('an edit makes the cell and its descendants stale; "run to here" runs it and its ancestors only', async () => {
    const features = await cellNamed(nb, 'features');
    await setCellText(features, FEATURES.replace('lags: [1, 2]', 'lags: [1, 3]'));
    await waitForDrawn({ prices: 'cached', features: 'stale', labels: 'stale' }, 'the edit');
    const labels = await cellNamed(nb, 'labels');
    const t0 = Date.now();
    await post('runToHere', 'features');
    await waitFor(() => endedAfter(features, t0), 60_000, 'features to run');
    await waitForDrawn({ prices: 'cached', features: 'ok', labels: 'stale' }, 'run to here');
    assert.ok(!endedAfter(labels, t0), 'labels is downstream: run to here leaves it');
  });

  test('a failing cell is failed and its descendant blocked; "run from here" after the fix runs both', async () => {
    const features = await cellNamed(nb, 'features');
    const labels = await cellNamed(nb, 'labels');
    await setCellText(features, FEATURES.replace('returns: close', 'returns: no_such_column'));
    let t0 = Date.now();
    await post('runFromHere', 'features');
    await waitFor(() => endedAfter(features, t0), 60_000, 'features to run');
    await waitForDrawn({ features: 'failed', labels: 'blocked' }, 'the failure');
    assert.match(sentNode('labels')?.message ?? '', /waiting for features/);
    assert.ok(sentNode('features')?.message, 'the failure says why');
    await setCellText(features, FEATURES.replace('lags: [1, 2]', 'lags: [1, 3]'));
    t0 = Date.now();
    await post('runFromHere', 'features');
    await waitFor(
      () => endedAfter(labels, t0),
      60_000,
      () => `labels to run: ${describeCell(labels)}`,
    );
    await waitForDrawn({ prices: 'cached', features: ['ok', 'cached'], labels: 'ok' }, 'run from here');
  });

  test('clicking a node reveals and selects its cell; a name the graph does not have runs nothing', async () => {
    const editor = await vscode.window.showNotebookDocument(nb, { selections: [new vscode.NotebookRange(0, 1)] });
    assert.equal(editor.selection.start, 0);
    const labels = await cellNamed(nb, 'labels');
    await post('reveal', 'labels');
    await waitFor(
      () => vscode.window.activeNotebookEditor?.selection.start === labels.index,
      10_000,
      'the labels cell to be selected',
    );
    const before = labels.executionSummary?.timing?.endTime;
    await post('runFromHere', 'settings');
    await post('runFromHere', 'nope');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(labels.executionSummary?.timing?.endTime, before);
  });

  test("the causality audit's verdict shows on its nodes", async () => {
    const id = 'pipeline_20261202_130000_000001_9a11';
    const dir = join(workspaceRoot().fsPath, 'runs', id);
    mkdirSync(dir, { recursive: true });
    const cell = (name: string, cellIndex: number, verdict: 'clean' | 'inconclusive') => ({
      cell: name,
      cellIndex,
      cellKind: name === 'prices' ? 'load' : name,
      verdict,
      findings: [],
      cached: true,
    });
    const audit = {
      version: 1,
      notebook: nb.uri.fsPath,
      mode: 'warn',
      downgraded: false,
      verdict: 'clean',
      cuts: [],
      seed: 1,
      recomputed: 0,
      durationMs: 5,
      cells: [cell('prices', 1, 'clean'), cell('features', 2, 'inconclusive')],
    };
    const run = { id, kind: 'pipeline', status: 'complete', created: new Date().toISOString(), audit };
    writeFileSync(join(dir, '.tmp-run.json'), JSON.stringify({ ...run, config: {}, metrics: {}, artifacts: [] }));
    renameSync(join(dir, '.tmp-run.json'), join(dir, 'run.json'));
    await waitFor(
      () => sentNode('prices')?.audit === 'clean' && sentNode('features')?.audit === 'inconclusive',
      15_000,
      () => `audit verdicts on the nodes: ${JSON.stringify(api.auditBadges(nb))}`,
    );
    assert.equal(sentNode('labels')?.audit, undefined, 'a cell the audit did not cover has none');
  });

  test('the graph follows the active notebook editor', async () => {
    const other = (await showNotebook('host-tests/graph/other.pipeline', '# %% load solo\nsource: tiny.csv\n'))
      .notebook;
    await waitFor(
      () => api.pipelineGraph().rendered?.notebook === 'other.pipeline' && api.pipelineGraph().rendered,
      15_000,
      'the graph of the other notebook',
    );
    assert.deepEqual(
      api.pipelineGraph().rendered?.nodes.map((n) => n.name),
      ['solo'],
    );
    await vscode.window.showNotebookDocument(nb);
    await waitFor(() => api.pipelineGraph().rendered?.notebook === 'graph.pipeline', 15_000, 'back to the first');
    assert.equal(drawn().labels, 'ok', 'states are kept per notebook');
    void other;
  });
});
