// Restricted Mode: in an untrusted workspace Phasebook executes nothing. Running a cell makes
// VS Code ask for trust first ("Executing a notebook cell will run code from this workspace");
// the launcher declines, as a user keeping the folder untrusted does; then no cell runs, no kernel
// process is forked, no file is written, stacking is refused, and the run explorer still lists
// the runs already on disk and new ones. Runs only in the launcher's second code-server, started
// with workspace trust on and the folder left untrusted (test/harness/hostTests.ts).
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { PhasebookApi } from '../../../extension/api';
import { workspaceRoot, writeWorkspaceFile } from '../support';
import {
  parseTrustPrompts,
  TRUST_PROMPTS_ENV,
  UNTRUSTED_CV_RUN,
  UNTRUSTED_TRAINING_RUN,
  type TrustPrompt,
} from '../untrustedFixture';
import { outputText, phasebookApi, showNotebook, TINY_CSV, waitFor } from './helpers/phasebook';

const PIPELINE = 'host-tests/untrusted/prices.pipeline';
const PIPELINE_TEXT = [
  '# %% load prices',
  'source: prices.csv',
  'timestamp: ts',
  'symbol: symbol',
  '',
  '# %% features',
  'returns: close',
  'lags: [1, 2]',
  '',
].join('\n');

/** VS Code's own prompt before a cell runs in Restricted Mode. */
const RUN_NEEDS_TRUST = /trust the authors[\s\S]*Executing a notebook cell will run code from this workspace/;

/** The trust prompts the launcher declined since `t0` (it records each one before clicking Cancel). */
function trustPromptsSince(t0: number): TrustPrompt[] {
  const file = process.env[TRUST_PROMPTS_ENV];
  assert.ok(file, `${TRUST_PROMPTS_ENV} is not set: run this suite through npm run test:host`);
  return existsSync(file) ? parseTrustPrompts(readFileSync(file, 'utf8')).filter((p) => p.at >= t0) : [];
}

/** Every file under the workspace (relative paths), to prove nothing was written. */
function workspaceFiles(): string[] {
  const root = workspaceRoot().fsPath;
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(root, p));
    }
  };
  walk(root);
  return out.sort();
}

/** Processes descended from this extension host whose command line names a Phasebook kernel or worker. */
function phasebookChildProcesses(): string[] {
  const parent = new Map<number, number>();
  const cmd = new Map<number, string>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      cmd.set(Number(name), readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim());
    } catch {
      /* the process ended while we looked */
    }
  }
  const descends = (pid: number): boolean => {
    for (let p = parent.get(pid), hops = 0; p !== undefined && p > 1 && hops < 64; p = parent.get(p), hops++) {
      if (p === process.pid) return true;
    }
    return false;
  };
  return [...cmd]
    .filter(([pid, c]) => descends(pid) && /dist\/(kernel|gbdt-worker|orchestrate-worker)\.js/.test(c))
    .map(([pid, c]) => `${pid}: ${c}`);
}

suite('untrusted workspace (Restricted Mode)', function () {
  this.timeout(60_000);
  let api: PhasebookApi;
  let nb: vscode.NotebookDocument;
  let filesBefore: string[];

  suiteSetup(async () => {
    assert.equal(
      vscode.workspace.isTrusted,
      false,
      'this suite needs an untrusted workspace, but VS Code trusts it: the launcher must start code-server ' +
        'with workspace trust on (workspaceTrust: true)',
    );
    api = await phasebookApi();
    await writeWorkspaceFile('host-tests/untrusted/prices.csv', TINY_CSV);
    nb = (await showNotebook(PIPELINE, PIPELINE_TEXT)).notebook;
    filesBefore = workspaceFiles();
  });

  test('Run All: VS Code asks for trust first; declined, no cell runs and no kernel is forked', async () => {
    const cells = nb.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
    assert.equal(cells.length, 2);
    const t0 = Date.now();
    await vscode.commands.executeCommand('notebook.execute', nb.uri);
    const prompt = await waitFor(
      () => trustPromptsSince(t0)[0],
      10_000,
      "a workspace-trust prompt (see the launcher's declineTrustPrompts)",
    );
    assert.match(prompt.text, RUN_NEEDS_TRUST, `the prompt does not say that running a cell runs code: ${prompt.text}`);
    await new Promise((r) => setTimeout(r, 500));
    for (const c of cells) {
      assert.equal(c.executionSummary?.timing, undefined, `cell ${c.index} ran: ${JSON.stringify(c.executionSummary)}`);
      assert.doesNotMatch(outputText(c), /rows|run:/, `cell ${c.index} shows results: ${outputText(c)}`);
    }
    assert.equal(api.kernelState(nb), 'none', 'a kernel was started');
    assert.equal(api.kernelPid(nb), undefined, 'a kernel process id is known');
    assert.deepEqual(phasebookChildProcesses(), [], 'Phasebook processes were forked');
  });

  test('running one cell: asked again, declined; no run, cache or artifact file is written', async () => {
    const cell = nb.cellAt(1);
    const t0 = Date.now();
    await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: 1, end: 2 }], document: nb.uri });
    const prompt = await waitFor(() => trustPromptsSince(t0)[0], 10_000, 'a workspace-trust prompt');
    assert.match(prompt.text, RUN_NEEDS_TRUST);
    await new Promise((r) => setTimeout(r, 500)); // a kernel would have written its cache by now
    assert.equal(cell.executionSummary?.timing, undefined, `the cell ran: ${JSON.stringify(cell.executionSummary)}`);
    assert.deepEqual(workspaceFiles(), filesBefore, 'files appeared in the workspace although nothing may run');
    assert.deepEqual(phasebookChildProcesses(), []);
  });

  test('"Train stacking on this run" trains nothing', async () => {
    const runsBefore = api
      .runs()
      .map((r) => r.dir)
      .sort();
    const cvDir = join(workspaceRoot().fsPath, UNTRUSTED_CV_RUN.dir);
    const result: unknown = await vscode.commands.executeCommand('phasebook.trainStackingOnRun', cvDir);
    assert.equal(result, undefined, 'the command returned a trained run');
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(
      api
        .runs()
        .map((r) => r.dir)
        .sort(),
      runsBefore,
      'a run appeared',
    );
    assert.deepEqual(workspaceFiles(), filesBefore, 'files appeared in the workspace');
    assert.deepEqual(phasebookChildProcesses(), [], 'Phasebook processes were forked');
  });

  test('the run explorer lists the runs already on disk, grouped, with their key metric', async () => {
    const rows = await api.explorerRows();
    const ids = (group: string) => rows.find((g) => g.group.startsWith(group))?.runs ?? [];
    assert.ok(ids('Training').includes(UNTRUSTED_TRAINING_RUN.id), `training run not listed: ${JSON.stringify(rows)}`);
    assert.ok(
      ids('Cross-validation').includes(UNTRUSTED_CV_RUN.id),
      `CV run (no run.json) not listed: ${JSON.stringify(rows)}`,
    );
    const training = api.runs().find((r) => r.id === UNTRUSTED_TRAINING_RUN.id);
    assert.equal(training?.status, 'complete');
    assert.deepEqual(training?.keyMetric, {
      name: UNTRUSTED_TRAINING_RUN.metricName,
      value: UNTRUSTED_TRAINING_RUN.metricValue,
    });
  });

  test('a run written by another process while untrusted still appears', async () => {
    const id = '20250103_000000_000003_ef56';
    const dir = join(workspaceRoot().fsPath, 'data', 'stacking', id);
    await writeWorkspaceFile(
      `data/stacking/${id}/cv_results.json`,
      JSON.stringify({ models: ['ridge'], horizons: [20] }),
    );
    const run = await api.waitForRun((s) => s.dir === dir, 5000);
    assert.equal(run.kind, 'cv');
  });
});
