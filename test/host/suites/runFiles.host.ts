// Files a run kept, opened from the run explorer inside a real VS Code: "Open checkpoint…" on a
// training run with top-N checkpoints (quick pick -> the checkpoint's JSON in an editor -> the
// from_checkpoint line or the CLI command on the clipboard), and "Open notebook at this run" on a
// pipeline run (its stored notebook read-only, diffed against today's file; a clear message
// for a run that kept none). The run folders are written here in the layout core writes them.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { PhasebookApi } from '../../../extension/api';
import { phasebookApi, waitFor } from './helpers/phasebook';
import { workspaceRoot } from '../support';

function writeRun(dir: string, manifest: Record<string, unknown>, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  writeFileSync(join(dir, 'run.json'), JSON.stringify(manifest, null, 2));
}

function base(id: string, kind: string): Record<string, unknown> {
  return {
    id,
    kind,
    status: 'complete',
    created: new Date().toISOString(),
    source: { cli: ['test'] },
    config: {},
    config_hash: 'h',
    seed: 1,
    metrics: { val_log_loss: 0.61 },
    artifacts: [],
    engine_version: 'test',
  };
}

/** Runs a command that shows quick picks, answering each as `answer` does, until the command settles. */
async function withQuickPicks<T>(run: () => Thenable<T>, answer: () => Promise<void>): Promise<T> {
  let settled = false;
  const result = Promise.resolve(run()).finally(() => {
    settled = true;
  });
  while (!settled) {
    await new Promise((r) => setTimeout(r, 400));
    if (!settled) await answer();
  }
  return result;
}

const accept = async () => {
  await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
};

suite('run files', function () {
  this.timeout(60_000);
  let api: PhasebookApi;
  const ws = () => workspaceRoot().fsPath;

  suiteSetup(async () => {
    api = await phasebookApi();
    await vscode.commands.executeCommand('workbench.view.extension.phasebook');
  });

  const ckId = 'gbdt_h20_20261202_101010_000001_c0de';
  const ckDir = () => join(ws(), 'runs', ckId);
  const kept = [
    { step: 41, score: 0.6101, file: 'checkpoint_step41.json', sha256: 'a' },
    { step: 39, score: 0.6123, file: 'checkpoint_step39.json', sha256: 'b' },
    { step: 44, score: 0.614, file: 'checkpoint_step44.json', sha256: 'c' },
  ];

  test(
    '"Open checkpoint…" picks the best checkpoint first, ' + 'opens its JSON and copies the from_checkpoint line',
    async () => {
      const files: Record<string, string> = { 'checkpoints/checkpoint_checkpoints.json': '{}' };
      for (const k of kept) files[`checkpoints/${k.file}`] = JSON.stringify({ kind: 'gbdt', rounds: k.step + 1 });
      writeRun(
        ckDir(),
        {
          ...base(ckId, 'training'),
          meta: {
            model: 'gbdt',
            checkpoints: { metric: 'val_loss', direction: 'min', top_n: 3, dir: 'checkpoints', kept, candidates: 80 },
          },
        },
        files,
      );
      const run = await api.waitForRun((s) => s.dir === ckDir(), 5000);
      assert.equal(
        run.checkpoints,
        3,
        'the explorer knows the run kept 3 checkpoints (its context menu offers the command)',
      );
      // In the tree, the run's checkpoints/ folder lists the kept checkpoints best first, with step and score.
      const rows = await api.explorerFolderRows(ckDir(), 'checkpoints');
      assert.deepEqual(
        rows.slice(0, 3).map((r) => [r.name, r.description, r.contextValue]),
        [
          ['checkpoint_step41.json', '#1 · step 41 · val_loss 0.6101', 'artifact checkpoint'],
          ['checkpoint_step39.json', '#2 · step 39 · val_loss 0.6123', 'artifact checkpoint'],
          ['checkpoint_step44.json', '#3 · step 44 · val_loss 0.614', 'artifact checkpoint'],
        ],
      );
      assert.equal(rows[3]?.name, 'checkpoint_checkpoints.json');
      // A user accepts the first item twice: the best checkpoint, then "Copy the train cell line".
      const opened = (await withQuickPicks(
        () => vscode.commands.executeCommand('phasebook.openCheckpoint', ckDir()),
        accept,
      )) as { file: string; step: number; copied?: string } | undefined;
      assert.equal(opened?.step, 41, 'the best (lowest val_loss) checkpoint is offered first');
      const editor = await waitFor(
        () =>
          vscode.window.activeTextEditor?.document.uri.fsPath ===
            join(ckDir(), 'checkpoints', 'checkpoint_step41.json') && vscode.window.activeTextEditor,
        5000,
        'the checkpoint JSON in an editor',
      );
      assert.match(editor.document.getText(), /"rounds":42/);
      // What went to the clipboard (code-server's browser does not let a test read the clipboard back).
      assert.equal(opened?.copied, `from_checkpoint: ${ckId}@41`);
    },
  );

  test('"Open checkpoint…" on a checkpoint file in the tree opens that one and can copy the CLI command', async () => {
    const path = join(ckDir(), 'checkpoints', 'checkpoint_step39.json');
    const node = {
      type: 'file',
      path,
      isDir: false,
      runDir: ckDir(),
      checkpoint: { step: 39, score: 0.6123, rank: 2, metric: 'val_loss' },
    };
    const opened = (await withQuickPicks(
      () => vscode.commands.executeCommand('phasebook.openCheckpoint', node),
      async () => {
        await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
        await accept();
      },
    )) as { file: string; step: number; copied?: string } | undefined;
    assert.equal(opened?.step, 39);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, path);
    assert.equal(opened?.copied, `phasebook train --from-checkpoint ${ckId}@39 --dir ${ws()}`);
  });

  test(
    '"Open notebook at this run" shows the stored ' + "notebook read-only and its diff against today's " + 'file',
    async () => {
      const id = 'pipeline_20261202_111111_000001_beef';
      const dir = join(ws(), 'runs', id);
      const then = '# %% load prices\nsource: data.csv\n\n# %% labels\nhorizon: 5\n';
      const now = '# %% load prices\nsource: data.csv\n\n# %% labels\nhorizon: 20\n';
      writeFileSync(join(ws(), 'at_run.pipeline'), now);
      writeRun(
        dir,
        {
          ...base(id, 'pipeline'),
          config: { notebook: 'at_run.pipeline', cells: ['load prices', 'labels'] },
          meta: { reproduce: { notebook_sha256: 'x', base_dir: '../..' } },
        },
        { 'notebook.pipeline': then },
      );
      await api.waitForRun((s) => s.dir === dir, 5000);
      const result = (await vscode.commands.executeCommand('phasebook.openRunNotebook', dir)) as
        { title?: string; current?: string } | undefined;
      const title = `at_run.pipeline at ${id} ↔ now`;
      assert.equal(result?.title, title);
      const tab = await waitFor(
        () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === title),
        5000,
        `a tab titled "${title}"`,
      );
      assert.ok(tab.input instanceof vscode.TabInputTextDiff, `a text diff (got ${tab.input?.constructor.name})`);
      const diff = tab.input as vscode.TabInputTextDiff;
      assert.equal(diff.modified.fsPath, join(ws(), 'at_run.pipeline'), "the right side is today's file");
      assert.equal(diff.original.scheme, 'phasebook-run-notebook');
      const stored = await vscode.workspace.openTextDocument(diff.original);
      assert.equal(stored.getText(), then, 'the left side is the notebook as the run ran it');
      // The stored copy has its own tab too, a content provider's document (VS Code shows it read-only).
      assert.ok(
        vscode.window.tabGroups.all
          .flatMap((g) => g.tabs)
          .some(
            (t) =>
              t.input instanceof vscode.TabInputText &&
              t.input.uri.scheme === 'phasebook-run-notebook' &&
              t.label === `at_run.pipeline at ${id}`,
          ),
      );
    },
  );

  test('"Open notebook at this run" on a run that kept no notebook says so', async () => {
    const id = 'pipeline_20261202_121212_000001_dead';
    const dir = join(ws(), 'runs', id);
    writeRun(dir, { ...base(id, 'pipeline'), config: { notebook: 'at_run.pipeline' } }, {});
    await api.waitForRun((s) => s.dir === dir, 5000);
    const result = (await vscode.commands.executeCommand('phasebook.openRunNotebook', dir)) as
      { missing?: string } | undefined;
    assert.match(
      result?.missing ?? '',
      new RegExp(`run ${id} has no notebook\\.pipeline: it was recorded before runs kept a copy of their notebook`),
    );
    const training = (await vscode.commands.executeCommand('phasebook.openRunNotebook', ckDir())) as
      { missing?: string } | undefined;
    assert.match(training?.missing ?? '', /is a training run: only pipeline runs/);
  });
});
