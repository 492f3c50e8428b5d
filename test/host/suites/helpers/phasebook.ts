// Helpers for the Phasebook host suites: the extension's API, notebooks opened in an editor,
// running cells through VS Code's own commands, and waiting for what the user would see.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RunSummary } from '../../../../core/runs/scan';
import type { PhasebookApi } from '../../../../extension/api';
import { phasebookExtension, workspaceRoot, writeWorkspaceFile } from '../../support';

export async function phasebookApi(): Promise<PhasebookApi> {
  const api = (await phasebookExtension().activate()) as PhasebookApi | undefined;
  assert.ok(api && typeof api.runs === 'function', 'activate() did not return the Phasebook API');
  return api;
}

export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  what: string | (() => string),
): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - t0 > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Trains stacking through a command that asks horizon, then meta-learner: takes the first choice of each quick
 * pick (as Enter does) until a stacking run that was not in `before` appears; resolves with it once the command
 * settled.
 */
export async function trainStackingWithFirstChoices(
  command: PromiseLike<unknown>,
  before: ReadonlySet<string>,
  what: string,
): Promise<RunSummary> {
  let done = false;
  void Promise.resolve(command).finally(() => (done = true));
  const api = await phasebookApi();
  const run = await waitFor(
    async () => {
      if (!done) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return api.runs().find((r) => r.kind === 'stacking' && !before.has(r.dir));
    },
    90_000,
    what,
  );
  await command;
  return run;
}

/** Opens a workspace notebook in an editor (so the Phasebook controller is selected for it). */
export async function showNotebook(relativePath: string, text?: string): Promise<vscode.NotebookEditor> {
  const uri =
    text === undefined
      ? vscode.Uri.joinPath(workspaceRoot(), relativePath)
      : await writeWorkspaceFile(relativePath, text);
  const doc = await vscode.workspace.openNotebookDocument(uri);
  const editor = await vscode.window.showNotebookDocument(doc);
  await vscode.commands.executeCommand('notebook.selectKernel', {
    id: 'phasebook-kernel',
    extension: 'phasebook.phasebook',
  });
  return editor;
}

export async function cellNamed(nb: vscode.NotebookDocument, name: string): Promise<vscode.NotebookCell> {
  const names = await (await phasebookApi()).cellNames(nb);
  const i = names.indexOf(name);
  assert.ok(i >= 0, `no cell named '${name}' (cells: ${names.join(', ')})`);
  return nb.cellAt(i);
}

/** Executable cells: code cells except the settings cell. */
export async function phaseCells(nb: vscode.NotebookDocument): Promise<vscode.NotebookCell[]> {
  const names = await (await phasebookApi()).cellNames(nb);
  return nb.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code && names[c.index] !== 'settings');
}

export function endedAfter(cell: vscode.NotebookCell, t0: number): boolean {
  const end = cell.executionSummary?.timing?.endTime;
  return end !== undefined && end >= t0;
}

/** What a cell shows, for failure messages. */
export function describeCell(cell: vscode.NotebookCell): string {
  return (
    `cell ${cell.index} (summary ${JSON.stringify(cell.executionSummary)}): ${outputText(cell)} ` +
    `${outputText(cell, 'application/vnd.code.notebook.error')}`
  );
}

/** Waits until each cell finished an execution that started after t0; returns them. */
export function waitForExecutions(
  cells: vscode.NotebookCell[],
  t0: number,
  timeoutMs: number,
): Promise<vscode.NotebookCell[]> {
  return waitFor(
    () => cells.every((c) => endedAfter(c, t0)) && cells,
    timeoutMs,
    `cells ${cells.map((c) => c.index).join(', ')} to finish`,
  );
}

export async function runCells(nb: vscode.NotebookDocument, cells: vscode.NotebookCell[]): Promise<void> {
  await vscode.commands.executeCommand('notebook.cell.execute', {
    ranges: cells.map((c) => ({ start: c.index, end: c.index + 1 })),
    document: nb.uri,
  });
}

export function outputText(cell: vscode.NotebookCell, mime = 'text/plain'): string {
  return cell.outputs
    .flatMap((o) => o.items.filter((i) => i.mime === mime).map((i) => new TextDecoder().decode(i.data)))
    .join('\n');
}

export function outputMimes(cell: vscode.NotebookCell): string[] {
  return cell.outputs.flatMap((o) => o.items.map((i) => i.mime));
}

export async function setCellText(cell: vscode.NotebookCell, text: string): Promise<void> {
  const doc = cell.document;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
  assert.ok(await vscode.workspace.applyEdit(edit), 'the cell edit was not applied');
}

/** The demo's data file, made with the CLI's seeded generator when the workspace lacks it (as `npm run demo` does). */
export function ensureDemoData(): void {
  const data = join(workspaceRoot().fsPath, 'data', 'demo_ohlcv_1h.csv');
  if (existsSync(data)) return;
  const cli = join(phasebookExtension().extensionUri.fsPath, 'dist', 'cli.js');
  const r = spawnSync(process.execPath, [cli, 'demo-data', data, '--symbols', '5', '--bars', '4000', '--seed', '7'], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', PHASEBOOK_CLI_MAIN: '1' },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `could not make the demo data: ${r.stderr}`);
}

/** A small CSV the kernel suites load quickly. */
export const TINY_CSV =
  [
    'ts,symbol,close',
    ...Array.from({ length: 50 }, (_, i) => `2024-01-01T00:${String(i).padStart(2, '0')}:00Z,BTC,${100 + i}`),
  ].join('\n') + '\n';
