// Getting started (issue 18 item 2): the walkthrough and its commands, the File > New File entry,
// the New-notebook flow from a data file, "Add phase cell…", and markers of hand-added cells
// kept out of the cell text (as template cells show them).
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { phasebookExtension, TINY_PIPELINE, writeWorkspaceFile } from '../support';
import { showNotebook, waitFor } from './helpers/phasebook';

interface WalkthroughStep {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string };
}
interface Manifest {
  contributes: {
    walkthroughs?: { id: string; steps: WalkthroughStep[] }[];
    menus: Record<string, { command: string }[]>;
    commands: { command: string; title: string }[];
  };
}

const manifest = () => phasebookExtension().packageJSON as Manifest;
const header = (cell: vscode.NotebookCell) => (cell.metadata.phasebook as { header?: string } | undefined)?.header;

/** Runs a command that shows quick picks, accepting the selected item until the command settles. */
async function acceptingPicks<T>(run: () => Thenable<T>): Promise<T> {
  let settled = false;
  const result = Promise.resolve(run()).finally(() => (settled = true));
  while (!settled) {
    await new Promise((r) => setTimeout(r, 400));
    if (!settled) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  }
  return result;
}

suite('getting started', function () {
  this.timeout(60_000);
  let registered = new Set<string>();
  suiteSetup(async () => {
    await phasebookExtension().activate();
    registered = new Set(await vscode.commands.getCommands(true));
  });

  test('the walkthrough has the five steps; each links a registered command and has its page', async () => {
    const walk = manifest().contributes.walkthroughs?.[0];
    assert.ok(walk, 'no walkthrough contributed');
    assert.deepEqual(
      walk.steps.map((s) => s.id),
      ['openData', 'run', 'readCv', 'trainStacking', 'compare'],
    );
    for (const step of walk.steps) {
      const commands = [...step.description.matchAll(/\(command:([\w.]+)/g)].map((m) => m[1] as string);
      assert.equal(commands.length, 1, `step ${step.id} links no command`);
      for (const c of commands) assert.ok(registered.has(c), `step ${step.id} links ${c}, which is not registered`);
      const page = join(phasebookExtension().extensionPath, step.media.markdown ?? '');
      assert.ok(step.media.markdown && existsSync(page), `step ${step.id}: no page at ${page}`);
    }
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `phasebook.phasebook#${walk.id}`, false);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('File > New File… lists "Phasebook pipeline", a registered command', () => {
    const entries = manifest().contributes.menus['file/newFile'] ?? [];
    const titles = entries.map((e) => manifest().contributes.commands.find((c) => c.command === e.command)?.title);
    assert.deepEqual(titles, ['Phasebook pipeline']);
    for (const e of entries) assert.ok(registered.has(e.command), `${e.command} is not registered`);
  });

  test(
    'New pipeline notebook from a CSV: timestamp and symbol from its header, the whole pipeline, saved where ' +
      'asked',
    async () => {
      const rows = ['date,ticker,open,high,low,close,volume'];
      for (let i = 0; i < 30; i++)
        for (const t of ['AAA', 'BBB'])
          rows.push(`2024-01-${String(1 + i).padStart(2, '0')},${t},10,11,9,${10 + Math.sin(i)},100`);
      const data = await writeWorkspaceFile('host-tests/start/prices.csv', rows.join('\n') + '\n');
      const target = vscode.Uri.joinPath(data, '..', 'nb', 'starter.pipeline');
      const editor = (await vscode.commands.executeCommand('phasebook.newNotebook', {
        data,
        target,
      })) as vscode.NotebookEditor;
      assert.equal(editor.notebook.uri.toString(), target.toString(), 'the notebook was not opened where asked');
      const code = editor.notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
      assert.deepEqual(
        code.map((c) => header(c)?.split(' ')[2]),
        ['load', 'validate', 'features', 'labels', 'split', 'scale', 'cv', 'stack', 'train', 'evaluate'],
      );
      const load = code[0]?.document.getText() ?? '';
      assert.match(load, /^source: \.\.\/prices\.csv$/m, `source is relative to the notebook:\n${load}`);
      assert.match(load, /^timestamp: date$/m);
      assert.match(load, /^symbol: ticker$/m);
      assert.ok(
        code.every((c) => !c.document.getText().startsWith('# %%')),
        'a starter cell shows a raw marker line',
      );
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    },
  );

  test(
    '"Add phase cell…" inserts the picked kind below the ' + 'selection, its marker in metadata like a template cell',
    async () => {
      const editor = await showNotebook('host-tests/add-cell.pipeline', TINY_PIPELINE);
      editor.selections = [new vscode.NotebookRange(1, 2)];
      const index = await vscode.commands.executeCommand<number>('phasebook.addPhaseCell', 'features');
      assert.equal(index, 2);
      const cell = editor.notebook.cellAt(2);
      assert.equal(header(cell), '# %% features');
      assert.equal(cell.document.getText(), 'returns: ');
      assert.equal(cell.document.languageId, 'yaml');
      const picked = await acceptingPicks(() => vscode.commands.executeCommand<number>('phasebook.addPhaseCell'));
      const added = editor.notebook.cellAt(picked);
      assert.match(header(added) ?? '', /^# %% load$/, 'the quick pick lists the kinds in pipeline order, load first');
      assert.ok(!added.document.getText().includes('# %%'));
    },
  );

  test('a marker typed or pasted as the first line of a new cell moves into its metadata', async () => {
    const editor = await showNotebook('host-tests/typed-marker.pipeline', TINY_PIPELINE);
    const edit = new vscode.WorkspaceEdit();
    const cell = new vscode.NotebookCellData(vscode.NotebookCellKind.Code, '# %% labels\nhorizon: 5', 'yaml');
    edit.set(editor.notebook.uri, [vscode.NotebookEdit.insertCells(2, [cell])]);
    await vscode.workspace.applyEdit(edit);
    const lifted = await waitFor(
      () => header(editor.notebook.cellAt(2)) === '# %% labels' && editor.notebook.cellAt(2),
      5_000,
      () => `the marker to leave the text (cell text: ${JSON.stringify(editor.notebook.cellAt(2).document.getText())})`,
    );
    assert.equal(lifted.document.getText(), 'horizon: 5');
  });
});
