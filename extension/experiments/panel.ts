/**
 * "Phasebook: Experiments" (docs/design.md §9): one webview editor over the explorer's run index.
 * The host only ships run summaries (run.json fields the index already read); the webview builds
 * the table (core/experiments). Live: the index's changes are forwarded, batched per DEBOUNCE_MS,
 * as upserts and removals. A WebviewPanelSerializer brings the panel back after a window reload.
 */
import { resolve } from 'node:path';
import * as vscode from 'vscode';
import { experimentRun } from '../../core/experiments/table';
import { CommandId } from '../base/commandIds';
import type { PhasebookLog } from '../base/logChannel';
import { dashboardHtml, newNonce } from '../dashboard/html';
import type { DashboardOpener } from '../dashboard/panels';
import type { RunIndex } from '../explorer/runIndex';
import { Disposable } from '../util/disposables';
import { isExperimentsMessage, type ExperimentsToHost, type ExperimentsToWebview } from './protocol';

export const EXPERIMENTS_VIEW_TYPE = 'phasebook.experiments';
export const DEBOUNCE_MS = 200;
/** Dashboards opened at once from a selection; more would bury the editor. */
export const MAX_DASHBOARDS = 8;

export interface ExperimentsDeps {
  extensionUri: vscode.Uri;
  index: RunIndex;
  /** Resolves once the index's first scan is done. */
  whenReady(): Promise<void>;
  /** Run folders added, changed or removed (the explorer's watcher). */
  runChanges: vscode.Event<readonly string[]>;
  dashboards: DashboardOpener;
  log: PhasebookLog;
}

type Rendered = Extract<ExperimentsToHost, { type: 'rendered' }>;

export class ExperimentsPanel extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private pending = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** What the webview last drew (host tests read it through the API). */
  lastRendered: Rendered | undefined;

  constructor(private readonly deps: ExperimentsDeps) {
    super();
    this.track(
      deps.runChanges((dirs) => this.changed(dirs)),
      vscode.window.registerWebviewPanelSerializer(EXPERIMENTS_VIEW_TYPE, {
        deserializeWebviewPanel: (panel) => {
          this.adopt(panel);
          return Promise.resolve();
        },
      }),
      { dispose: () => this.panel?.dispose() },
    );
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  open(): vscode.WebviewPanel {
    if (this.panel) {
      this.panel.reveal();
      return this.panel;
    }
    const panel = vscode.window.createWebviewPanel(
      EXPERIMENTS_VIEW_TYPE,
      'Phasebook: Experiments',
      vscode.ViewColumn.Active,
      {
        retainContextWhenHidden: false,
      },
    );
    this.adopt(panel);
    return panel;
  }

  private adopt(panel: vscode.WebviewPanel): void {
    const dist = vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'webview');
    panel.webview.options = {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [dist, vscode.Uri.joinPath(this.deps.extensionUri, 'media')],
    };
    panel.iconPath = vscode.Uri.joinPath(this.deps.extensionUri, 'media', 'phasebook.svg');
    this.panel = panel;
    this.ready = false;
    this.lastRendered = undefined;
    panel.webview.html = dashboardHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'experiments.js')).toString(),
      nonce: newNonce(),
      title: 'Phasebook: Experiments',
    });
    const sub = panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m));
    panel.onDidDispose(() => {
      sub.dispose();
      if (this.panel === panel) this.panel = undefined;
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.pending.clear();
    });
  }

  private post(m: ExperimentsToWebview): void {
    void this.panel?.webview.postMessage(m);
  }

  private changed(dirs: readonly string[]): void {
    if (!this.panel || !this.ready) return;
    for (const d of dirs) this.pending.add(d);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const dirs = [...this.pending];
      this.pending.clear();
      const present = dirs.map((d) => this.deps.index.get(d)).filter((s) => s !== undefined);
      const removed = dirs.filter((d) => !this.deps.index.get(d));
      if (present.length) this.post({ type: 'runs', runs: present.map(experimentRun), reset: false });
      if (removed.length) this.post({ type: 'removed', dirs: removed });
    }, DEBOUNCE_MS);
  }

  private known(dirs: readonly string[]): string[] {
    return [...new Set(dirs.map((d) => resolve(d)))].filter((d) => this.deps.index.get(d));
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (!isExperimentsMessage(raw)) return;
    switch (raw.type) {
      case 'ready':
        await this.deps.whenReady();
        this.ready = true;
        this.post({ type: 'runs', runs: this.deps.index.all().map(experimentRun), reset: true });
        return;
      case 'openDashboards': {
        const dirs = this.known(raw.dirs);
        if (dirs.length > MAX_DASHBOARDS)
          void vscode.window.showInformationMessage(
            `Phasebook: opening the first ${MAX_DASHBOARDS} of ${dirs.length} dashboards; use Compare for more runs.`,
          );
        for (const d of dirs.slice(0, MAX_DASHBOARDS)) await this.deps.dashboards.openRun(d);
        return;
      }
      case 'compare':
        await this.deps.dashboards.compare(this.known(raw.dirs));
        return;
      case 'trainStacking': {
        const [dir] = this.known([raw.dir]);
        if (dir) await vscode.commands.executeCommand(CommandId.TrainStackingOnRun, dir);
        return;
      }
      case 'rendered':
        this.lastRendered = raw;
        return;
      case 'log':
        this.deps.log[raw.level](`experiments webview: ${raw.message}`);
        return;
    }
  }
}
