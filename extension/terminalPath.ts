/**
 * `phasebook` on the PATH (docs/design.md §9.10). Integrated terminals get the installed extension's
 * bin/ folder prepended to PATH and PHASEBOOK_NODE set to this extension host's runtime (an
 * EnvironmentVariableCollection), so the command works where the welcome view says it does, even
 * without node installed. "Install 'phasebook' command in PATH" writes a shim into ~/.local/bin
 * for other terminals; an installed shim follows the extension when it updates.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import * as vscode from 'vscode';
import { CommandId } from './base/commandIds';
import { registerCommand } from './base/commands';
import type { PhasebookLog } from './base/logChannel';
import { onPath, shimDir, shimLauncher, shimText } from './terminalShim';

/** The extension's own bin/ folder, when it holds the launcher (a packaged extension, or a checkout's bin/). */
export function cliBinDir(extensionPath: string): string | undefined {
  const bin = join(extensionPath, 'bin');
  return existsSync(join(bin, process.platform === 'win32' ? 'phasebook.cmd' : 'phasebook')) ? bin : undefined;
}

async function readShim(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function writeShim(path: string, launcher: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, shimText(launcher, process.execPath));
  await chmod(path, 0o755);
}

/** Installs ~/.local/bin/phasebook; returns its path (undefined when the user declined or it failed). */
export async function installCliShim(bin: string | undefined, log: PhasebookLog): Promise<string | undefined> {
  if (!bin) {
    void vscode.window.showErrorMessage(
      'Phasebook: this installation has no bin/phasebook launcher to put on the PATH.',
    );
    return undefined;
  }
  if (process.platform === 'win32') {
    void vscode.window.showInformationMessage(
      `Phasebook: integrated terminals already have \`phasebook\`. For other terminals add ${bin} to your PATH.`,
    );
    return undefined;
  }
  const dir = shimDir(homedir());
  const path = join(dir, 'phasebook');
  const existing = await readShim(path);
  if (existing !== undefined && shimLauncher(existing) === undefined) {
    const choice = await vscode.window.showWarningMessage(
      `${path} exists and was not written by Phasebook. Replace it?`,
      { modal: true },
      'Replace',
    );
    if (choice !== 'Replace') return undefined;
  }
  try {
    await writeShim(path, join(bin, 'phasebook'));
  } catch (e) {
    void vscode.window.showErrorMessage(`Phasebook: could not write ${path}: ${(e as Error).message}`);
    return undefined;
  }
  log.info(`installed the 'phasebook' command: ${path}`);
  const hint = onPath(dir, process.env.PATH)
    ? ''
    : ` ${dir} is not on your PATH: add \`export PATH="$HOME/.local/bin:$PATH"\` to your shell profile.`;
  void vscode.window.showInformationMessage(`Phasebook: 'phasebook' command installed in ${dir}.${hint}`);
  return path;
}

/** After an update the extension folder changes: a shim that still runs an older copy is rewritten. */
async function refreshShim(bin: string, log: PhasebookLog): Promise<void> {
  if (process.platform === 'win32') return;
  const path = join(shimDir(homedir()), 'phasebook');
  const launcher = shimLauncher((await readShim(path)) ?? '');
  const current = join(bin, 'phasebook');
  if (launcher === undefined || (launcher === current && existsSync(launcher))) return;
  await writeShim(path, current).then(
    () => log.info(`updated the 'phasebook' command ${path} to run ${current}`),
    () => undefined,
  );
}

export function registerTerminalPath(context: vscode.ExtensionContext, log: PhasebookLog): vscode.Disposable {
  const bin = cliBinDir(context.extensionPath);
  const env = context.environmentVariableCollection;
  env.clear();
  if (bin) {
    env.description = 'Puts the `phasebook` command on the PATH of integrated terminals.';
    env.prepend('PATH', `${bin}${delimiter}`);
    env.replace('PHASEBOOK_NODE', process.execPath);
    void refreshShim(bin, log);
  }
  return registerCommand(log, { id: CommandId.InstallCli, run: () => installCliShim(bin, log) });
}
