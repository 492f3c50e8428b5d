// The kernel as a user meets it: a kernel killed mid-cell (kill -9) or out of memory fails its
// running cell with a clear message and the host lives on; the next run or "Restart kernel"
// brings a new process; interrupt stops what is queued.
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { PhasebookApi } from '../../../extension/api';
import {
  cellNamed,
  describeCell,
  endedAfter,
  outputText,
  phasebookApi,
  runCells,
  showNotebook,
  TINY_CSV,
  waitFor,
  waitForExecutions,
} from './helpers/phasebook';
import { writeWorkspaceFile } from '../support';

const SLOW = (ms: number) => `export default async function (inputs) {
  const t = Date.now();
  while (Date.now() - t < ${ms}) await new Promise((r) => setTimeout(r, 50));
  return inputs.prices;
}`;

const NOTEBOOK = [
  '# %% load prices',
  'source: tiny.csv',
  'timestamp: ts',
  '',
  '# %% ts slow',
  SLOW(15_000),
  '',
  '# %% ts after',
  '// from: slow',
  'export default function (inputs) { return inputs.slow; }',
  '',
].join('\n');

const HOG = [
  '# %% load prices',
  'source: tiny.csv',
  'timestamp: ts',
  '',
  '# %% ts hog',
  'export default function () { const keep = []; for (;;) keep.push(new Array(1e5).fill(Math.random())); }',
  '',
].join('\n');

suite('kernel lifecycle', function () {
  this.timeout(180_000);
  let api: PhasebookApi;

  suiteSetup(async () => {
    api = await phasebookApi();
    await writeWorkspaceFile('host-tests/kernel/tiny.csv', TINY_CSV);
  });

  test(
    'a kernel killed with SIGKILL fails its running cell ' + 'with a clear message; the next run starts a new kernel',
    async () => {
      const nb = (await showNotebook('host-tests/kernel/crash.pipeline', NOTEBOOK)).notebook;
      const slow = await cellNamed(nb, 'slow');
      const prices = await cellNamed(nb, 'prices');
      const t0 = Date.now();
      const running = runCells(nb, [slow]); // resolves when the execution ends

      // The slow cell runs once its ancestor is done (it takes 15 s).
      const seen: string[] = [];
      await waitFor(
        () => {
          const now = `${endedAfter(prices, t0)}/${endedAfter(slow, t0)}/${api.kernelState(nb)}`;
          if (seen[seen.length - 1] !== now) seen.push(now);
          return endedAfter(prices, t0) && !endedAfter(slow, t0) && api.kernelState(nb) === 'busy';
        },
        30_000,
        () => `the slow cell to run; seen ${seen.join(' -> ')}; ${describeCell(prices)}; ${describeCell(slow)}`,
      );
      await new Promise((r) => setTimeout(r, 1000));
      const pid = api.kernelPid(nb)!;
      process.kill(pid, 'SIGKILL');
      await running;
      await waitForExecutions([slow], t0, 10_000);
      assert.equal(slow.executionSummary?.success, false);
      const shown = `${outputText(slow)}\n${outputText(slow, 'application/vnd.code.notebook.error')}`;
      assert.match(shown, /kernel was killed \(SIGKILL/);
      assert.equal(api.kernelState(nb), 'dead');
      assert.ok(
        vscode.extensions.getExtension('phasebook.phasebook')?.isActive,
        'the extension host went down with the kernel',
      );
      const t1 = Date.now();
      await runCells(nb, [prices]);
      await waitForExecutions([prices], t1, 60_000);
      assert.equal(prices.executionSummary?.success, true, outputText(prices));
      assert.notEqual(api.kernelPid(nb), pid);
    },
  );

  test('"Restart kernel" replaces the process', async () => {
    const nb = (await showNotebook('host-tests/kernel/crash.pipeline')).notebook;
    const before = api.kernelPid(nb);
    assert.ok(before, 'no kernel to restart');
    await vscode.commands.executeCommand('phasebook.restartKernel', nb.uri);
    await waitFor(() => api.kernelState(nb) === 'idle' && api.kernelPid(nb) !== before, 30_000, 'a new kernel');
  });

  test('interrupt stops the run: queued cells end cancelled', async () => {
    const nb = (await showNotebook('host-tests/kernel/crash.pipeline')).notebook;
    const slow = await cellNamed(nb, 'slow');
    const after = await cellNamed(nb, 'after');
    const prices = await cellNamed(nb, 'prices');
    const t0 = Date.now();
    const running = runCells(nb, [after]);
    await waitFor(
      () => endedAfter(prices, t0) && !endedAfter(slow, t0) && api.kernelState(nb) === 'busy',
      30_000,
      () => `the slow cell to start; kernel ${api.kernelState(nb)}; ${describeCell(prices)}; ${describeCell(slow)}`,
    );
    await new Promise((r) => setTimeout(r, 500));
    await vscode.commands.executeCommand('notebook.cancelExecution', nb.uri);
    await running;
    await waitForExecutions([slow, after], t0, 30_000);
    assert.equal(after.executionSummary?.success, false);
    assert.match(outputText(after), /cancel/i);
  });

  test('a kernel out of memory says so, naming the memory setting', async () => {
    const config = vscode.workspace.getConfiguration('phasebook');
    await config.update('kernel.memoryLimitMb', 256, vscode.ConfigurationTarget.Workspace);
    try {
      const nb = (await showNotebook('host-tests/kernel/hog.pipeline', HOG)).notebook;
      const hog = await cellNamed(nb, 'hog');
      const t0 = Date.now();
      await runCells(nb, [hog]);
      await waitForExecutions([hog], t0, 120_000);
      assert.equal(hog.executionSummary?.success, false);
      assert.match(
        `${outputText(hog)}\n${outputText(hog, 'application/vnd.code.notebook.error')}`,
        /ran out of memory \(limit 256 MB, setting phasebook\.kernel\.memoryLimitMb\)/,
      );
    } finally {
      await config.update('kernel.memoryLimitMb', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
