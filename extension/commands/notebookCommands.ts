/**
 * Notebook and kernel commands: run stale cells, autorun/lazy, restart/interrupt the kernel,
 * change a cell's kind, add a phase cell, new notebook from a data file (or the template), run
 * headless in a terminal, validate a data file, show logs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { CommandId, NOTEBOOK_TYPE } from '../base/commandIds';
import type { PhasebookController } from '../kernel/controller';
import type { NotebookKernel } from '../kernel/notebookKernel';
import type { PhasebookLog } from '../base/logChannel';
import { changeCellKind } from '../notebook/kindCommand';
import { BUILTIN_CONTRACTS } from './shellLine';
import { registerCommand, type CommandSpec } from '../base/commands';
import { UNTRUSTED_MESSAGE } from '../base/commandBoundary';
import { runCliTask } from './cliTask';
import type { UtilityKernel } from '../kernel/utilityKernel';
import { newNotebookFromData, type NewNotebookArgs } from './newNotebookFlow';
import { addPhaseCell } from '../notebook/phaseCells';

export interface NotebookCommandDeps {
  controller: PhasebookController;
  log: PhasebookLog;
  extensionUri: vscode.Uri;
  /** Reads the columns of a Parquet file for the New-notebook flow. */
  utility: UtilityKernel;
}

/** The phasebook notebook a command is about: the one given, else the active one. */
export function targetNotebook(arg?: unknown): vscode.NotebookDocument | undefined {
  if (arg instanceof vscode.Uri)
    return vscode.workspace.notebookDocuments.find((n) => n.uri.toString() === arg.toString());
  const maybe = arg as
    { notebookEditor?: { notebookUri?: vscode.Uri }; notebook?: vscode.NotebookDocument } | undefined;
  if (maybe?.notebookEditor?.notebookUri) return targetNotebook(maybe.notebookEditor.notebookUri);
  const nb = vscode.window.activeNotebookEditor?.notebook;
  return nb?.notebookType === NOTEBOOK_TYPE ? nb : undefined;
}

function requireKernel(deps: NotebookCommandDeps, arg?: unknown): NotebookKernel | undefined {
  const nb = targetNotebook(arg);
  if (!nb) {
    void vscode.window.showInformationMessage('Phasebook: open a .pipeline notebook first.');
    return undefined;
  }
  return deps.controller.kernelFor(nb);
}

function untrusted(): boolean {
  if (vscode.workspace.isTrusted) return false;
  void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE);
  return true;
}

async function setMode(deps: NotebookCommandDeps, arg: unknown, mode: 'autorun' | 'lazy' | 'toggle'): Promise<void> {
  const kernel = requireKernel(deps, arg);
  if (!kernel) return;
  const next = mode === 'toggle' ? ((await kernel.mode()) === 'autorun' ? 'lazy' : 'autorun') : mode;
  if (next === 'autorun' && untrusted()) return;
  await kernel.setMode(next);
  vscode.window.setStatusBarMessage(
    `Phasebook: ${next === 'autorun' ? 'autorun — edits re-run stale cells' : 'lazy — edits only mark cells stale'}`,
    4000,
  );
}

/** The first free `untitled-N.pipeline` in a folder. */
function freeName(folder: string): string {
  for (let i = 1; ; i++) {
    const name = i === 1 ? 'untitled.pipeline' : `untitled-${i}.pipeline`;
    if (!existsSync(join(folder, name))) return join(folder, name);
  }
}

export async function newPipelineNotebook(extensionUri: vscode.Uri): Promise<vscode.NotebookEditor> {
  const template = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, 'media', 'template.pipeline'));
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder && folder.uri.scheme === 'file') {
    const target = vscode.Uri.file(freeName(folder.uri.fsPath));
    await vscode.workspace.fs.writeFile(target, template);
    const doc = await vscode.workspace.openNotebookDocument(target);
    return vscode.window.showNotebookDocument(doc);
  }
  const serializer = await import('../notebook/serializer');
  const data = serializer.notebookDataOf(new TextDecoder().decode(template));
  const doc = await vscode.workspace.openNotebookDocument(NOTEBOOK_TYPE, data);
  return vscode.window.showNotebookDocument(doc);
}

/** The New-notebook flow: from the Explorer the argument is the data file; tests pass { data, target }. */
function newNotebook(deps: NotebookCommandDeps, arg?: unknown): Promise<vscode.NotebookEditor | undefined> {
  const args: NewNotebookArgs =
    arg instanceof vscode.Uri ? { data: arg } : ((arg as NewNotebookArgs | undefined) ?? {});
  return newNotebookFromData(deps.utility, () => newPipelineNotebook(deps.extensionUri), args);
}

/** Runs `phasebook <args>` as a task (cliTask.ts); returns the command line. */
export async function runInTerminal(extensionUri: vscode.Uri, args: string[]): Promise<string> {
  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return (await runCliTask(extensionUri.fsPath, args, cwd)).line;
}

async function runHeadless(deps: NotebookCommandDeps, arg?: unknown): Promise<string | undefined> {
  const nb = targetNotebook(arg);
  let file = nb?.uri.scheme === 'file' ? nb.uri.fsPath : undefined;
  if (!file) {
    const picked = await vscode.window.showOpenDialog({
      filters: { 'Phasebook pipeline': ['pipeline'] },
      canSelectMany: false,
      title: 'Run which pipeline headless?',
    });
    file = picked?.[0]?.fsPath;
  }
  if (!file) return undefined;
  if (nb?.isDirty) await nb.save();
  if (untrusted()) return undefined;
  return runInTerminal(deps.extensionUri, ['run', file]);
}

async function validateDataFile(deps: NotebookCommandDeps, arg?: unknown): Promise<string | undefined> {
  let file = arg instanceof vscode.Uri ? arg.fsPath : undefined;
  if (!file) {
    const picked = await vscode.window.showOpenDialog({
      filters: { 'Data files': ['csv', 'parquet'] },
      canSelectMany: false,
      title: 'Validate which data file?',
    });
    file = picked?.[0]?.fsPath;
  }
  if (!file) return undefined;
  const choice = await vscode.window.showQuickPick(
    [
      ...BUILTIN_CONTRACTS.map((c) => ({ label: c, description: 'built-in contract' })),
      { label: 'Contract file…', description: 'a YAML contract' },
    ],
    {
      title: 'Validate against which contract?',
    },
  );
  if (!choice) return undefined;
  let contract = choice.label;
  if (contract === 'Contract file…') {
    const yaml = await vscode.window.showOpenDialog({
      filters: { 'YAML contract': ['yaml', 'yml'] },
      canSelectMany: false,
    });
    if (!yaml?.[0]) return undefined;
    contract = yaml[0].fsPath;
  }
  if (untrusted()) return undefined;
  return runInTerminal(deps.extensionUri, ['validate', file, '--contract', contract]);
}

export function registerNotebookCommands(deps: NotebookCommandDeps): vscode.Disposable {
  const reg = (id: CommandId, run: (...args: unknown[]) => unknown, opts: Omit<CommandSpec, 'id' | 'run'> = {}) =>
    registerCommand(deps.log, { id, run, ...opts });
  return vscode.Disposable.from(
    reg(
      CommandId.RunStaleCells,
      async (arg) => {
        const kernel = requireKernel(deps, arg);
        if (!kernel) return undefined;
        const ran = await kernel.runStale();
        if (!ran.length)
          void vscode.window.showInformationMessage(
            'Phasebook: nothing to run — no cell is stale, failed or waiting on a failed cell.',
          );
        return ran;
      },
      { needsTrust: true },
    ),
    reg(CommandId.ToggleAutorun, (arg) => setMode(deps, arg, 'toggle')),
    reg(CommandId.SwitchToAutorun, (arg) => setMode(deps, arg, 'autorun')),
    reg(CommandId.SwitchToLazy, (arg) => setMode(deps, arg, 'lazy')),
    reg(CommandId.RestartKernel, async (arg) => {
      const kernel = requireKernel(deps, arg);
      if (!kernel || untrusted()) return;
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Restarting the Phasebook kernel' },
        () => kernel.restart(),
      );
    }),
    reg(CommandId.InterruptKernel, (arg) => requireKernel(deps, arg)?.cancel()),
    reg(CommandId.ChangeCellKind, (uri, index) => {
      // From the cell toolbar the argument is the cell itself; from its status bar, (notebook uri, index).
      const cell = uri as Partial<vscode.NotebookCell> | undefined;
      if (cell?.notebook && typeof cell.index === 'number') return changeCellKind(cell.notebook.uri, cell.index);
      return changeCellKind(uri instanceof vscode.Uri ? uri : undefined, typeof index === 'number' ? index : undefined);
    }),
    reg(CommandId.NewNotebook, (arg) => newNotebook(deps, arg)),
    reg(CommandId.NewPipelineFile, () => newNotebook(deps)),
    reg(CommandId.AddPhaseCell, (kind) => addPhaseCell(typeof kind === 'string' ? kind : undefined)),
    reg(CommandId.RunHeadless, (arg) => runHeadless(deps, arg)),
    reg(CommandId.ValidateDataFile, (arg) => validateDataFile(deps, arg)),
    reg(CommandId.ShowLogs, () => deps.log.show()),
  );
}
