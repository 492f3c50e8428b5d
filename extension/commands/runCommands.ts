/**
 * Run commands, from the explorer's context menu, CodeLens and the palette: open dashboard,
 * compare, train stacking, copy id, reveal, delete, open artifacts, list CV runs, open run.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RunSummary } from '../../core/runs/scan';
import type { StackingTrainer } from '../codelens/stackingTrainer';
import { CommandId } from '../base/commandIds';
import type { DashboardOpener } from '../dashboard/register';
import type { RunExplorer } from '../explorer/runExplorer';
import { formatLocalTime, runItemView } from '../explorer/runItems';
import type { RunGroup } from '../explorer/runIndex';
import type { RunNode } from '../explorer/runTree';
import type { NotebookKernel } from '../kernel/notebookKernel';
import type { PhasebookLog } from '../base/logChannel';
import { registerCommand, type CommandSpec } from '../base/commands';

export interface RunCommandDeps {
  explorer: RunExplorer;
  dashboards: DashboardOpener;
  trainer: StackingTrainer;
  /** Opens a table file in the grid editor. */
  tables: { open(path: string): Promise<void> };
  log: PhasebookLog;
  /** The kernel of an open notebook (a CodeLens in a notebook trains there). */
  notebookKernel(uri: vscode.Uri): NotebookKernel | undefined;
}

const TABLE_FILE = /\.(parquet|ipc|arrow|feather)$/i;

/** Run folders a command is about: a tree node, the tree's selection, a folder path or uri. */
function runDirsOf(deps: RunCommandDeps, arg: unknown, selected?: unknown): string[] {
  const fromOne = (x: unknown): string | undefined => {
    if (typeof x === 'string') return x;
    if (x instanceof vscode.Uri) return x.fsPath;
    const node = x as RunNode | undefined;
    if (node?.type === 'run' || node?.type === 'metrics') return node.dir;
    if (node?.type === 'file') return node.runDir;
    return undefined;
  };
  if (Array.isArray(selected) && selected.length)
    return [...new Set(selected.map(fromOne).filter((d): d is string => !!d))];
  const one = fromOne(arg);
  if (one) return [one];
  return deps.explorer.view.selection.map(fromOne).filter((d): d is string => !!d);
}

function pickItem(s: RunSummary): vscode.QuickPickItem & { dir: string } {
  const view = runItemView(s);
  return {
    label: s.id,
    description: view.description,
    detail:
      `${s.kind} · ${s.status}${s.horizons?.length ? ` · horizons ${s.horizons.join(', ')}` : ''}` +
      `${s.models?.length ? ` · ${s.models.join(', ')}` : ''}`,
    dir: s.dir,
  };
}

async function pickRun(
  deps: RunCommandDeps,
  title: string,
  filter: (s: RunSummary) => boolean = () => true,
): Promise<string | undefined> {
  await deps.explorer.whenReady();
  const runs = deps.explorer.index.all().filter(filter);
  if (!runs.length) {
    void vscode.window.showInformationMessage('Phasebook: no matching runs under the artifact roots yet.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(runs.map(pickItem), {
    title,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.dir;
}

async function trainStacking(deps: RunCommandDeps, arg?: unknown, notebook?: unknown): Promise<unknown> {
  const dir =
    runDirsOf(deps, arg)[0] ??
    (await pickRun(deps, 'Train stacking on which CV run?', (s) => s.kind === 'cv' && s.status === 'complete'));
  if (!dir) return undefined;
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(
      'Phasebook trains nothing in an untrusted workspace. Trust this folder first.',
    );
    return undefined;
  }
  try {
    return await deps.trainer.trainOn(
      dir,
      undefined,
      notebook instanceof vscode.Uri ? deps.notebookKernel(notebook) : undefined,
    );
  } catch {
    return undefined; // shown to the user by the trainer
  }
}

async function deleteRuns(deps: RunCommandDeps, arg: unknown, selected: unknown): Promise<boolean> {
  const dirs = runDirsOf(deps, arg, selected).filter((d) => deps.explorer.index.get(d));
  if (!dirs.length) return false;
  const names = dirs.map((d) => deps.explorer.index.get(d)?.id ?? d);
  const what =
    dirs.length === 1
      ? `run ${names[0]}`
      : `${dirs.length} runs (${names.slice(0, 3).join(', ')}${dirs.length > 3 ? ', …' : ''})`;
  const answer = await vscode.window.showWarningMessage(
    `Delete ${what}?`,
    {
      modal: true,
      detail:
        `This removes ${dirs.length === 1 ? `the folder ${dirs[0]}` : 'their folders'} and everything in ` +
        `${dirs.length === 1 ? 'it' : 'them'}. It cannot be undone.`,
    },
    'Delete',
  );
  if (answer !== 'Delete') return false;
  for (const dir of dirs) {
    await rm(dir, { recursive: true, force: true });
    deps.explorer.index.remove(dir);
    deps.log.info(`deleted run ${dir}`);
  }
  return true;
}

async function reveal(dir: string): Promise<void> {
  const uri = vscode.Uri.file(dir);
  if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
  else await vscode.commands.executeCommand('revealFileInOS', uri);
}

async function listCvRuns(deps: RunCommandDeps): Promise<void> {
  const dir = await pickRun(deps, 'CV runs (newest first)', (s) => s.kind === 'cv');
  if (!dir) return;
  const s = deps.explorer.index.get(dir);
  const action = await vscode.window.showQuickPick(
    [
      { label: '$(layers) Train stacking on this run', id: 'train' },
      { label: '$(graph) Open dashboard', id: 'dashboard' },
      { label: '$(json) Open cv_results.json', id: 'results' },
      { label: '$(copy) Copy run id', id: 'copy' },
    ],
    { title: `${s?.id ?? dir}${s ? ` · created ${formatLocalTime(s.created)}` : ''}` },
  );
  if (action?.id === 'train') await trainStacking(deps, dir);
  if (action?.id === 'dashboard') await deps.dashboards.openRun(dir);
  if (action?.id === 'results') await vscode.window.showTextDocument(vscode.Uri.file(join(dir, 'cv_results.json')));
  if (action?.id === 'copy' && s) await vscode.env.clipboard.writeText(s.id);
}

export function registerRunCommands(deps: RunCommandDeps): vscode.Disposable {
  const reg = (id: CommandId, run: (...args: unknown[]) => unknown, opts: Omit<CommandSpec, 'id' | 'run'> = {}) =>
    registerCommand(deps.log, { id, run, ...opts });
  return vscode.Disposable.from(
    reg(CommandId.OpenDashboard, async (arg) => {
      const dir = runDirsOf(deps, arg)[0] ?? (await pickRun(deps, 'Open which run?'));
      return dir ? deps.dashboards.openRun(dir) : undefined;
    }),
    reg(CommandId.OpenRun, async () => {
      const dir = await pickRun(deps, 'Open run');
      return dir ? deps.dashboards.openRun(dir) : undefined;
    }),
    reg(CommandId.CompareSelected, (arg, selected) => deps.dashboards.compare(runDirsOf(deps, arg, selected))),
    reg(CommandId.CompareRuns, async () => {
      await deps.explorer.whenReady();
      const picked = await vscode.window.showQuickPick(deps.explorer.index.all().map(pickItem), {
        title: 'Compare which runs? (pick two or more)',
        canPickMany: true,
        matchOnDescription: true,
      });
      return picked && picked.length ? deps.dashboards.compare(picked.map((p) => p.dir)) : undefined;
    }),
    reg(CommandId.TrainStackingOnRun, (arg, notebook) => trainStacking(deps, arg, notebook)),
    reg(CommandId.TrainStacking, (arg) => trainStacking(deps, arg)),
    reg(CommandId.ListCvRuns, () => listCvRuns(deps)),
    reg(CommandId.CopyRunId, async (arg, selected) => {
      const ids = runDirsOf(deps, arg, selected).map((d) => deps.explorer.index.get(d)?.id ?? d);
      if (ids.length) await vscode.env.clipboard.writeText(ids.join('\n'));
    }),
    reg(CommandId.RevealRun, async (arg) => {
      const dir = runDirsOf(deps, arg)[0];
      if (dir) await reveal(dir);
    }),
    reg(CommandId.DeleteRun, (arg, selected) => deleteRuns(deps, arg, selected)),
    reg(CommandId.RefreshRuns, () => deps.explorer.rescan()),
    reg(CommandId.ShowMoreRuns, (group) => deps.explorer.showMore(group as RunGroup)),
    reg(CommandId.OpenArtifact, async (arg) => {
      const node = arg as RunNode | undefined;
      const path = node?.type === 'file' ? node.path : arg instanceof vscode.Uri ? arg.fsPath : undefined;
      if (!path) return;
      if (TABLE_FILE.test(path)) await deps.tables.open(path);
      else await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(path));
    }),
    reg(CommandId.PreviewTable, async (arg) => {
      const node = arg as RunNode | undefined;
      const path = node?.type === 'file' ? node.path : arg instanceof vscode.Uri ? arg.fsPath : undefined;
      if (path) await deps.tables.open(path);
    }),
  );
}
