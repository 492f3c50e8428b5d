// Issue 18 items 1 and 7, as the user met them: break a key, run, see the error; edit it back and
// the error is gone, the cached outputs come back (saying when they ran), the descendants are not
// red; "Run stale cells" then has nothing to run. A cell blocked by the failure waits, muted.
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { PhasebookApi } from '../../../extension/api';
import {
  cellNamed,
  describeCell,
  outputText,
  phaseCells,
  phasebookApi,
  setCellText,
  showNotebook,
  TINY_CSV,
  waitFor,
  waitForExecutions,
} from './helpers/phasebook';
import { writeWorkspaceFile } from '../support';

const NOTEBOOK = [
  '# %% load prices',
  'source: tiny.csv',
  'timestamp: ts',
  'symbol: symbol',
  '',
  '# %% features',
  'returns: close',
  'lags: [1, 2]',
  'rolling:',
  '  - { column: ret, windows: [3], stats: [mean] }',
  '',
  '# %% labels',
  'horizon: 2',
  'target: close',
  'threshold: 0',
  '',
  '# %% split',
  'fractions: [0.7, 0.15, 0.15]',
  '',
].join('\n');

const ERROR_MIME = 'application/vnd.code.notebook.error';

suite('fix an error: editing a failed cell back clears its error', function () {
  this.timeout(180_000);
  let api: PhasebookApi;
  let nb: vscode.NotebookDocument;

  suiteSetup(async () => {
    api = await phasebookApi();
    await writeWorkspaceFile('host-tests/fix/tiny.csv', TINY_CSV);
    nb = (await showNotebook('host-tests/fix/fix.pipeline', NOTEBOOK)).notebook;
  });

  test(
    'break a key -> error on the cell at fault, descendants wait muted; fix it back -> error gone, cached ' +
      'outputs back, nothing to run',
    async () => {
      const cells = await phaseCells(nb);
      let t0 = Date.now();
      await vscode.commands.executeCommand('notebook.execute', nb.uri);
      await waitForExecutions(cells, t0, 120_000);
      for (const c of cells) assert.equal(c.executionSummary?.success, true, describeCell(c));

      const features = await cellNamed(nb, 'features');
      const [labels, split] = [await cellNamed(nb, 'labels'), await cellNamed(nb, 'split')];
      await setCellText(features, features.document.getText().replace('column: ret,', 'column: retrun,'));
      await waitFor(() => api.staleCells(nb).includes('features'), 10_000, 'features to be stale after the edit');
      t0 = Date.now();
      await vscode.commands.executeCommand('notebook.execute', nb.uri);
      await waitForExecutions(cells, t0, 120_000);
      assert.equal(features.executionSummary?.success, false, describeCell(features));
      assert.match(outputText(features, ERROR_MIME), /no column 'retrun'/);
      for (const c of [labels, split]) {
        assert.notEqual(
          c.executionSummary?.success,
          false,
          `a blocked cell is shown as another error: ${describeCell(c)}`,
        );
        assert.equal(outputText(c, ERROR_MIME), '', `a blocked cell has an error output: ${describeCell(c)}`);
        assert.match(outputText(c), /^waiting for 'features'/, describeCell(c));
      }

      // Edit back to the config that ran: no run, yet the error is gone and the outputs are back.
      await setCellText(features, features.document.getText().replace('column: retrun,', 'column: ret,'));
      await waitFor(
        () => outputText(features, ERROR_MIME) === '' && features.executionSummary?.success === true && features,
        20_000,
        () => `the error to clear: ${describeCell(features)}`,
      );
      assert.match(
        outputText(features).split('\n')[0]!,
        /^features · .* · cached \(ran [\d.]+ (ms|s) on \d{4}-\d\d-\d\d \d\d:\d\d\)$/,
        describeCell(features),
      );
      for (const c of [labels, split]) {
        await waitFor(
          () => c.executionSummary?.success === true && c,
          20_000,
          () => `a descendant to come back: ${describeCell(c)}`,
        );
        assert.match(outputText(c).split('\n')[0]!, /· cached \(ran /, describeCell(c));
      }
      assert.deepEqual(api.staleCells(nb), [], 'nothing is stale');
      const ran = await vscode.commands.executeCommand<string[]>('phasebook.runStaleCells', nb.uri);
      assert.deepEqual(ran, [], '"Run stale cells" has nothing to run');
    },
  );

  test(
    'a failed cell edited to a new config is stale, and ' + '"Run stale cells" runs it and its blocked descendants',
    async () => {
      const features = await cellNamed(nb, 'features');
      const [labels, split] = [await cellNamed(nb, 'labels'), await cellNamed(nb, 'split')];
      const good = features.document.getText();
      await setCellText(features, good.replace('column: ret,', 'column: retrun,'));
      let t0 = Date.now();
      const failedRun = await vscode.commands.executeCommand<string[]>('phasebook.runStaleCells', nb.uri);
      assert.ok(failedRun?.includes('features'), `run-stale did not run the edited cell: ${JSON.stringify(failedRun)}`);
      await waitForExecutions([features, labels, split], t0, 60_000);
      assert.equal(features.executionSummary?.success, false, describeCell(features));
      // A new config (never run): stale, not revived; run-stale runs it and the cells waiting on it.
      await setCellText(features, good.replace('windows: [3]', 'windows: [4]'));
      await waitFor(
        () => api.staleCells(nb).includes('features'),
        10_000,
        () => `features to be stale: ${api.staleCells(nb).join(', ')}`,
      );
      t0 = Date.now();
      const ran = await vscode.commands.executeCommand<string[]>('phasebook.runStaleCells', nb.uri);
      for (const n of ['features', 'labels', 'split'])
        assert.ok(ran?.includes(n), `'${n}' not run: ${JSON.stringify(ran)}`);
      await waitForExecutions([features, labels, split], t0, 60_000);
      for (const c of [features, labels, split]) assert.equal(c.executionSummary?.success, true, describeCell(c));
      assert.deepEqual(api.staleCells(nb), []);
    },
  );
});
