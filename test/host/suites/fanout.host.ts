// A fanned-out notebook inside a real VS Code (docs/design.md §4.6, §9.4): `scenarios:` and `models:` make the kernel
// run virtual cells (`train[mean_impute][ridge]`); each editor cell shows one execution for all its
// branches, ended successful, with one labelled output line per branch. Then "Query metrics…"
// shows the metrics of those branches as a table, and a SQL mistake opens no table.
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import {
  cellNamed,
  outputText,
  phaseCells,
  phasebookApi,
  showNotebook,
  waitFor,
  waitForExecutions,
} from './helpers/phasebook';
import { ensureFanoutData } from './helpers/fanoutData';

const FANOUT_PIPELINE = `# %% load prices
source: data/fanout_ohlcv_1h.csv

# %% features
returns: close
return_type: log
lags: [1, 2, 3]

# %% preprocess
scenarios: [mean_impute, median_impute]

# %% labels
horizon: 5
task: regression

# %% split
fractions: [0.7, 0.15, 0.15]

# %% train
models: [ridge, linear]
task: regression
`;

const summaryLines = (cell: vscode.NotebookCell): string[] =>
  cell.outputs
    .filter((o) => o.metadata?.phasebookSummary)
    .map(
      (o) =>
        new TextDecoder()
          .decode(o.items.find((i) => i.mime === 'text/plain')?.data ?? new Uint8Array())
          .split('\n')[0]!,
    );

suite('fanout: branches show on their notebook cells', function () {
  this.timeout(180_000);
  let nb: vscode.NotebookDocument;

  suiteSetup(async () => {
    await phasebookApi();
    ensureFanoutData();
    nb = (await showNotebook('fanout.pipeline', FANOUT_PIPELINE)).notebook;
  });

  test('Run All: every cell ends successful; fanned cells show one labelled line per branch', async () => {
    const cells = await phaseCells(nb);
    const t0 = Date.now();
    await vscode.commands.executeCommand('notebook.execute', nb.uri);
    await waitForExecutions(cells, t0, 170_000);
    for (const c of cells)
      assert.equal(
        c.executionSummary?.success,
        true,
        `cell ${c.index} failed:\n${outputText(c)}\n${outputText(c, 'application/vnd.code.notebook.error')}`,
      );

    const train = await cellNamed(nb, 'train');
    const trainLines = summaryLines(train).sort();
    assert.equal(trainLines.length, 4, `train outputs:\n${trainLines.join('\n')}`);
    const labels = ['mean_impute · linear', 'mean_impute · ridge', 'median_impute · linear', 'median_impute · ridge'];
    trainLines.forEach((line, i) =>
      assert.ok(line.startsWith(`${labels[i]}: `), `'${line}' is not labelled '${labels[i]}'`),
    );
    assert.ok(typeof train.executionSummary?.executionOrder === 'number', 'train has no execution order');

    const split = await cellNamed(nb, 'split');
    assert.deepEqual(
      summaryLines(split)
        .map((l) => l.split(':')[0])
        .sort(),
      ['mean_impute', 'median_impute'],
    );
    const features = await cellNamed(nb, 'features');
    assert.equal(summaryLines(features).length, 1);
    assert.ok(summaryLines(features)[0]!.startsWith('features'), summaryLines(features)[0]);
  });

  test("Query metrics… shows the branches' metrics in the grid; a SQL error opens none", async () => {
    await showNotebook('fanout.pipeline');
    const api = await phasebookApi();
    const before = new Set(Object.keys(api.tableViews()));
    const sql =
      "SELECT scenario, model, metric, value FROM latest_metrics WHERE origin = 'train' ORDER BY scenario, " +
      'model, metric';
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel | undefined>('phasebook.queryMetrics', sql);
    assert.ok(panel, 'no result view was opened');
    const drawn = await waitFor(
      () => Object.entries(api.tableViews()).find(([k]) => !before.has(k))?.[1],
      60_000,
      'the query result grid',
    );
    assert.deepEqual(drawn.columns, ['scenario', 'model', 'metric', 'value']);
    assert.deepEqual(drawn.dtypes, ['str', 'str', 'str', 'f64']);
    assert.ok(drawn.rows >= 4, `only ${drawn.rows} rows`);
    panel.dispose();
    const bad = await vscode.commands.executeCommand<vscode.WebviewPanel | undefined>(
      'phasebook.queryMetrics',
      'SELECT * FROM no_such_table',
    );
    assert.equal(bad, undefined);
  });
});
