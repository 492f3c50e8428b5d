/**
 * The dashboard feature for the extension host: run and compare panels, run-file change
 * notifications from the explorer's watcher, and saving of chart exports from the notebook
 * renderer (renderer messaging for `phasebook.renderer`).
 */
import * as vscode from 'vscode';
import { resolveRoots, type ArtifactRoots } from '../../core/runs/roots';
import { readSettings } from '../base/config';
import { RunDashboards, type DashboardLog } from './panels';
import { COMPARE_VIEW_TYPE, DASHBOARD_VIEW_TYPE } from './restore';
import { isRendererMessage, RENDERER_ID } from './protocol';
import { saveExport } from './saveFile';
import type { KernelRequester } from './tableEditor';
import { DisposableStore } from '../util/disposables';

export { RunDashboards, type DashboardOpener } from './panels';

export interface DashboardOptions {
  log?: DashboardLog;
  /** Run folders whose files changed (the explorer's watcher); each one refreshes its panels. */
  runChanges?: vscode.Event<readonly string[]>;
  /** Where the run's frames are read: a kernel, never the host. */
  kernel: KernelRequester;
}

export interface DashboardService extends vscode.Disposable {
  openRun(dir: string): Promise<vscode.WebviewPanel | undefined>;
  compare(dirs: readonly string[]): Promise<vscode.WebviewPanel | undefined>;
  notifyRunChanged(dir: string): void;
  readonly openRuns: string[];
}

/** The artifact roots of the workspace folder holding `dir` (settings apply per folder). */
export function rootsFor(dir: string): ArtifactRoots | undefined {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(dir)) ?? vscode.workspace.workspaceFolders?.[0];
  return folder ? resolveRoots(folder.uri.fsPath, readSettings(folder.uri).artifactRoots) : undefined;
}

export function registerDashboard(context: vscode.ExtensionContext, options: DashboardOptions): DashboardService {
  const dashboards = new RunDashboards({
    extensionUri: context.extensionUri,
    rootsFor,
    log: options.log,
    readFrames: (req) => options.kernel.request({ type: 'readRunFrames', ...req }),
  });
  const disposables = new DisposableStore();
  disposables.add(dashboards);
  if (options.runChanges)
    disposables.add(options.runChanges((dirs) => dirs.forEach((d) => dashboards.notifyRunChanged(d))));
  // Dashboards and compare tabs come back after a window reload, re-read from the run folders.
  for (const viewType of [DASHBOARD_VIEW_TYPE, COMPARE_VIEW_TYPE])
    disposables.add(
      vscode.window.registerWebviewPanelSerializer(viewType, {
        deserializeWebviewPanel: (panel, state) => Promise.resolve(dashboards.restore(panel, state)),
      }),
    );
  const messaging = vscode.notebooks.createRendererMessaging(RENDERER_ID);
  disposables.add(
    messaging.onDidReceiveMessage((e) => {
      if (!isRendererMessage(e.message)) return;
      const dir = vscode.workspace.getWorkspaceFolder(e.editor.notebook.uri)?.uri;
      void saveExport(e.message, dir);
    }),
  );
  return {
    openRun: (dir) => dashboards.openRun(dir),
    compare: (dirs) => dashboards.compare(dirs),
    notifyRunChanged: (dir) => dashboards.notifyRunChanged(dir),
    get openRuns() {
      return dashboards.openRuns;
    },
    dispose: () => disposables.dispose(),
  };
}
