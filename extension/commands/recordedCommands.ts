/**
 * Commands on files a run kept, from the explorer's context menu: "Open checkpoint…" (a training
 * run's top-N checkpoints: open one, copy how to train from it) and "Open notebook at this run"
 * (a pipeline run's stored notebook, read-only, and its diff against today's file).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { UserError } from '../../core/errors';
import {
  fromCheckpointLine,
  recordedCheckpoints,
  recordedNotebook,
  STORED_NOTEBOOK,
  trainFromCheckpointArgs,
  type RecordedCheckpoint,
} from '../../core/runs/recorded';
import { CommandId } from '../base/commandIds';
import { registerCommand } from '../base/commands';
import type { PhasebookLog } from '../base/logChannel';
import type { RunExplorer } from '../explorer/runExplorer';
import type { RunNode } from '../explorer/runTree';
import { formatNumber } from '../kernel/outputs';
import { StoredNotebookProvider } from '../explorer/storedNotebook';
import { quoteArg } from './shellLine';

export interface RecordedCommandDeps {
  explorer: RunExplorer;
  log: PhasebookLog;
}

/** What "Open checkpoint…" did (the command's result, for tests and other extensions). */
export interface OpenedCheckpoint {
  file: string;
  step: number;
  copied?: string;
}

/** What "Open notebook at this run" did: the documents shown, or why it could not. */
export type OpenedRunNotebook = { stored: string; current?: string; title?: string } | { missing: string };

function runDirOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg instanceof vscode.Uri) return arg.fsPath;
  const node = arg as RunNode | undefined;
  if (node?.type === 'run' || node?.type === 'metrics') return node.dir;
  if (node?.type === 'file') return node.runDir;
  return undefined;
}

async function readManifest(dir: string): Promise<Record<string, unknown>> {
  const file = join(dir, 'run.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UserError(`${dir} has no run.json: it is not a Phasebook run`, { file });
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new UserError(`run.json is not valid JSON: ${(e as Error).message}`, { file });
  }
}

async function pickRunDir(
  deps: RecordedCommandDeps,
  title: string,
  filter: (s: ReturnType<RunExplorer['index']['all']>[number]) => boolean,
): Promise<string | undefined> {
  await deps.explorer.whenReady();
  const runs = deps.explorer.index.all().filter(filter);
  if (!runs.length) {
    void vscode.window.showInformationMessage(
      `Phasebook: ${title.toLowerCase()}: no such runs under the artifact roots yet.`,
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    runs.map((s) => ({ label: s.id, description: s.kind, dir: s.dir })),
    { title },
  );
  return picked?.dir;
}

function checkpointItem(
  k: RecordedCheckpoint,
  metric: string,
  of: number,
): vscode.QuickPickItem & { checkpoint: RecordedCheckpoint } {
  return {
    label: `${k.rank === 1 ? '$(star-full) ' : ''}step ${k.step}`,
    description: `${metric} ${formatNumber(k.score)} · #${k.rank} of ${of}`,
    detail: basename(k.path),
    checkpoint: k,
  };
}

/** Copies to the clipboard; a browser host may refuse (or never answer): then the text is shown instead. */
async function copyText(text: string): Promise<void> {
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3000));
  const ok = await Promise.race([
    Promise.resolve(vscode.env.clipboard.writeText(text)).then(
      () => true,
      () => false,
    ),
    timeout,
  ]);
  if (ok) vscode.window.setStatusBarMessage(`Phasebook: copied ${text}`, 4000);
  else
    void vscode.window.showInformationMessage(
      `Phasebook: the clipboard cannot be reached here; copy it yourself: ${text}`,
    );
}

async function openCheckpoint(deps: RecordedCommandDeps, arg: unknown): Promise<OpenedCheckpoint | undefined> {
  const dir = runDirOf(arg) ?? (await pickRunDir(deps, 'Open a checkpoint of which run?', (s) => !!s.checkpoints));
  if (!dir) return undefined;
  const manifest = await readManifest(dir);
  const id = typeof manifest.id === 'string' ? manifest.id : basename(dir);
  const record = recordedCheckpoints(dir, manifest);
  if (!record) {
    void vscode.window.showInformationMessage(
      `Phasebook: run ${id} kept no checkpoints (train with checkpoints: { top_n: 3, metric: val_loss } to keep some).`,
    );
    return undefined;
  }
  const node = arg as RunNode | undefined;
  let chosen = node?.type === 'file' ? record.kept.find((k) => k.path === node.path) : undefined;
  if (!chosen) {
    const picked = await vscode.window.showQuickPick(
      record.kept.map((k) => checkpointItem(k, record.metric, record.kept.length)),
      {
        title: `Checkpoints of ${id} (best ${record.metric} first)`,
        matchOnDescription: true,
      },
    );
    chosen = picked?.checkpoint;
  }
  if (!chosen) return undefined;
  if (!existsSync(chosen.path))
    throw new UserError(`checkpoint step ${chosen.step} is recorded in run.json but its file is gone`, {
      file: chosen.path,
    });
  await vscode.window.showTextDocument(vscode.Uri.file(chosen.path), { preview: true });
  const line = fromCheckpointLine(id, chosen.step);
  const cli = ['phasebook', ...trainFromCheckpointArgs(dir, id, chosen.step)].map((a) => quoteArg(a)).join(' ');
  const copy = await vscode.window.showQuickPick(
    [
      { label: '$(copy) Copy the train cell line', description: line, text: line },
      { label: '$(terminal) Copy the CLI command', description: cli, text: cli },
    ],
    {
      title: `Train from ${id}@${chosen.step}`,
      placeHolder: 'Copy how to train from this checkpoint (Esc: just look at it)',
    },
  );
  if (copy) await copyText(copy.text);
  return { file: chosen.path, step: chosen.step, ...(copy ? { copied: copy.text } : {}) };
}

async function openRunNotebook(deps: RecordedCommandDeps, arg: unknown): Promise<OpenedRunNotebook | undefined> {
  const dir =
    runDirOf(arg) ?? (await pickRunDir(deps, 'Open the notebook of which pipeline run?', (s) => s.kind === 'pipeline'));
  if (!dir) return undefined;
  const manifest = await readManifest(dir);
  const id = typeof manifest.id === 'string' ? manifest.id : basename(dir);
  const found = recordedNotebook(dir, manifest, existsSync(join(dir, STORED_NOTEBOOK)));
  if ('missing' in found) {
    void vscode.window.showWarningMessage(`Phasebook: ${found.missing}.`);
    return found;
  }
  const stored = StoredNotebookProvider.uriFor(found.stored, found.name, id);
  if (!found.current || !existsSync(found.current)) {
    await vscode.window.showTextDocument(stored, { preview: false });
    const missing = `${found.current ?? found.name} is not there today: showing the notebook as run ${id} ran it`;
    void vscode.window.showInformationMessage(`Phasebook: ${missing}.`);
    return { stored: found.stored };
  }
  // The stored copy, read-only, in its own tab; then its diff against today's file.
  await vscode.window.showTextDocument(stored, { preview: false });
  const title = `${basename(found.name)} at ${id} ↔ now`;
  await vscode.commands.executeCommand('vscode.diff', stored, vscode.Uri.file(found.current), title, {
    preview: false,
  });
  deps.log.info(`opened the notebook of ${id} (${found.stored}) against ${found.current}`);
  return { stored: found.stored, current: found.current, title };
}

export function registerRecordedCommands(deps: RecordedCommandDeps): vscode.Disposable {
  const provider = new StoredNotebookProvider();
  return vscode.Disposable.from(
    provider,
    registerCommand(deps.log, { id: CommandId.OpenCheckpoint, run: (arg: unknown) => openCheckpoint(deps, arg) }),
    registerCommand(deps.log, { id: CommandId.OpenRunNotebook, run: (arg: unknown) => openRunNotebook(deps, arg) }),
  );
}
