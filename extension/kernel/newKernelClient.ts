/**
 * The client for a notebook's kernel process, as the settings ask: a forked child of the extension host, or a
 * detached process owned by the workspace folder (docs/design.md §8.5). Not started.
 */
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { PhasebookSettings } from '../base/config';
import { DetachedKernel } from './detachedKernel';
import type { KernelClient } from './kernelClient';
import { KernelProcess } from './kernelProcess';

export function newKernelClient(
  notebook: vscode.NotebookDocument,
  file: string,
  settings: PhasebookSettings,
  modulePath: string,
): KernelClient {
  const common = { modulePath, cwd: dirname(file), memoryLimitMb: settings.kernelMemoryLimitMb };
  if (!settings.kernelDetached) return new KernelProcess(common);
  const folder = vscode.workspace.getWorkspaceFolder(notebook.uri)?.uri.fsPath ?? dirname(file);
  return new DetachedKernel({
    ...common,
    kernelsDir: join(folder, '.phasebook', 'kernels'),
    notebookUri: notebook.uri.toString(),
    idleMinutes: settings.kernelDetachedIdleMinutes,
  });
}
