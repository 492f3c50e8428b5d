// The detached kernel (phasebook.kernel.detached, docs/design.md §8.5) in the real extension host:
// it is a workspace-owned process with a private info file; killed mid-cell it fails the running
// cell with the same clear message as a forked kernel; "Restart kernel" replaces it; closing an idle notebook
// stops its kernel, closing a running one lets the run finish and reopening reattaches. (The reload
// journey, test/e2e/journeys/reload.test.ts, covers a window that reloads mid-run.)
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { DetachedKernelInfo } from '../../../core/kernel/wire';
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
import { workspaceRoot, writeWorkspaceFile } from '../support';

const NOTEBOOK = [
  '# %% load prices',
  'source: tiny.csv',
  'timestamp: ts',
  '',
  '# %% ts slow',
  'export default async function (inputs) {',
  '  await new Promise((r) => setTimeout(r, 15000));',
  '  return inputs.prices;',
  '}',
  '',
].join('\n');

const kernelsDir = (): string => join(workspaceRoot().fsPath, '.phasebook', 'kernels');

function infos(): { file: string; info: DetachedKernelInfo }[] {
  let names: string[];
  try {
    names = readdirSync(kernelsDir()).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names.map((n) => ({
    file: join(kernelsDir(), n),
    info: JSON.parse(readFileSync(join(kernelsDir(), n), 'utf8')) as DetachedKernelInfo,
  }));
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

suite('detached kernel', function () {
  this.timeout(180_000);
  let api: PhasebookApi;
  const config = () => vscode.workspace.getConfiguration('phasebook');

  suiteSetup(async () => {
    api = await phasebookApi();
    await config().update('kernel.detached', true, vscode.ConfigurationTarget.Workspace);
    await writeWorkspaceFile('host-tests/detached/tiny.csv', TINY_CSV);
  });

  suiteTeardown(async () => {
    await config().update('kernel.detached', undefined, vscode.ConfigurationTarget.Workspace);
    // Detached kernels outlive the host by design: end this suite's.
    for (const { info } of infos()) if (alive(info.pid)) process.kill(info.pid, 'SIGKILL');
  });

  test('the kernel is a workspace-owned process with a private info file naming its notebook', async () => {
    const nb = (await showNotebook('host-tests/detached/nb.pipeline', NOTEBOOK)).notebook;
    const prices = await cellNamed(nb, 'prices');
    const t0 = Date.now();
    await runCells(nb, [prices]);
    await waitForExecutions([prices], t0, 60_000);
    assert.equal(prices.executionSummary?.success, true, outputText(prices));
    const pid = api.kernelPid(nb);
    const mine = infos().find((i) => i.info.notebookUri === nb.uri.toString());
    assert.ok(mine, `no info file for ${nb.uri.toString()} in ${kernelsDir()}: ${JSON.stringify(infos())}`);
    assert.equal(mine.info.pid, pid, 'the info file names the kernel the notebook runs on');
    assert.equal(statSync(mine.file).mode & 0o777, 0o600);
  });

  test(
    'killed with SIGKILL mid-cell, the running cell fails with a clear message; "Restart kernel" starts a new ' + 'one',
    async () => {
      const nb = (await showNotebook('host-tests/detached/nb.pipeline')).notebook;
      const slow = await cellNamed(nb, 'slow');
      const t0 = Date.now();
      const running = runCells(nb, [slow]);
      await waitFor(
        () => api.kernelState(nb) === 'busy' && !endedAfter(slow, t0),
        30_000,
        () => `the slow cell to run; kernel ${api.kernelState(nb)}; ${describeCell(slow)}`,
      );
      await new Promise((r) => setTimeout(r, 1000));
      const pid = api.kernelPid(nb)!;
      process.kill(pid, 'SIGKILL');
      await running;
      await waitForExecutions([slow], t0, 10_000);
      assert.equal(slow.executionSummary?.success, false);
      assert.match(
        `${outputText(slow)}\n${outputText(slow, 'application/vnd.code.notebook.error')}`,
        /kernel was killed \(SIGKILL/,
      );
      assert.equal(api.kernelState(nb), 'dead');

      await vscode.commands.executeCommand('phasebook.restartKernel', nb.uri);
      await waitFor(() => api.kernelState(nb) === 'idle' && api.kernelPid(nb) !== pid, 30_000, 'a new kernel');
      const fresh = api.kernelPid(nb)!;
      assert.equal(infos().find((i) => i.info.notebookUri === nb.uri.toString())?.info.pid, fresh);
      await vscode.commands.executeCommand('phasebook.restartKernel', nb.uri);
      await waitFor(() => api.kernelState(nb) === 'idle' && api.kernelPid(nb) !== fresh, 30_000, 'another kernel');
      assert.equal(alive(fresh), false, 'the restarted detached kernel was stopped, not left running');
    },
  );

  /** Closes the notebook's tab, as a user does (VS Code may keep the document itself open for a while). */
  async function closeNotebook(nb: vscode.NotebookDocument): Promise<void> {
    const key = nb.uri.toString();
    const tabs = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .filter((t) => t.input instanceof vscode.TabInputNotebook && t.input.uri.toString() === key);
    assert.ok(tabs.length, `no tab shows ${nb.uri.path}`);
    await vscode.window.tabGroups.close(tabs);
  }

  test('closing an idle notebook stops its kernel and removes its info file', async () => {
    const nb = (await showNotebook('host-tests/detached/idle.pipeline', NOTEBOOK)).notebook;
    const prices = await cellNamed(nb, 'prices');
    const t0 = Date.now();
    await runCells(nb, [prices]);
    await waitForExecutions([prices], t0, 60_000);
    const pid = api.kernelPid(nb)!;
    assert.ok(pid && alive(pid), 'no detached kernel for the notebook');
    const uri = nb.uri.toString();
    await closeNotebook(nb);
    await waitFor(() => !alive(pid), 15_000, `the idle kernel ${pid} to stop once its notebook closed`);
    assert.equal(infos().filter((i) => i.info.notebookUri === uri).length, 0, 'the info file outlived the kernel');
  });

  test('closing a notebook mid-run lets the run finish; reopening reattaches and shows its output', async () => {
    const path = 'host-tests/detached/busy.pipeline';
    let nb = (await showNotebook(path, NOTEBOOK)).notebook;
    let slow = await cellNamed(nb, 'slow');
    // The restore on open goes first (it makes the kernel busy too).
    await waitFor(
      () => api.kernelState(nb) === 'idle',
      8_000,
      () => `an idle kernel, not ${api.kernelState(nb)}`,
    );
    const t0 = Date.now();
    void runCells(nb, [slow]);
    const cellLog = join(workspaceRoot().fsPath, 'host-tests/detached/logs/slow.log');
    const startedSince = (): boolean =>
      existsSync(cellLog) &&
      readFileSync(cellLog, 'utf8')
        .split('\n')
        .filter((l) => l.includes('"job slow started"'))
        .some((l) => Date.parse((JSON.parse(l) as { ts: string }).ts) >= t0 - 1000);
    await waitFor(startedSince, 60_000, () => `the slow cell to start (its log); ${describeCell(slow)}`);
    const pid = api.kernelPid(nb)!;
    await closeNotebook(nb);
    await new Promise((r) => setTimeout(r, 2000));
    assert.ok(alive(pid), 'closing the notebook stopped a kernel that was running a cell');

    nb = (await showNotebook(path)).notebook;
    slow = await cellNamed(nb, 'slow');
    await waitFor(
      () => api.kernelPid(nb) === pid && slow.executionSummary?.success === true,
      60_000,
      () =>
        `the reopened notebook to reattach to ${pid} and show the slow cell done; kernel ${api.kernelState(nb)} ` +
        `pid ${api.kernelPid(nb)}; ${describeCell(slow)}`,
    );
    assert.match(outputText(slow), /rows/i, 'the slow cell shows no table summary after the reattach');
  });
});
