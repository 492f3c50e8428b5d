/**
 * "Phasebook: Experiments" (docs/design.md §9): one webview editor over the explorer's run index.
 * The host only ships run summaries (run.json fields the index already read); the webview builds
 * the table (core/experiments). Live: the index's changes are forwarded, batched per DEBOUNCE_MS,
 * as upserts and removals. metrics.db's per-run metrics are read by a kernel (request `runMetrics`:
 * the host never loads sql.js) after the runs are drawn, and again, batched the same way, whenever a
 * watched metrics.db changes. A WebviewPanelSerializer brings the panel back after a window reload.
 */
import { resolve } from 'node:path';
import * as vscode from 'vscode';
import type { RunDbMetrics } from '../../core/experiments/dbMetrics';
import { experimentRun } from '../../core/experiments/table';
import { METRICS_DB } from '../../core/orchestrate/metricsDb';
import { CommandId } from '../base/commandIds';
import type { PhasebookLog } from '../base/logChannel';
import { dashboardHtml, newNonce } from '../dashboard/html';
import type { DashboardOpener } from '../dashboard/panels';
import type { KernelRequester } from '../dashboard/tableEditor';
import type { RunIndex } from '../explorer/runIndex';
import { Disposable } from '../util/disposables';
import {
  isExperimentsMessage,
  type ExperimentsRendered,
  type ExperimentsToWebview,
  type ExperimentsViewRequest,
} from './protocol';

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
  /** Reads metrics.db (the utility kernel). */
  kernel: KernelRequester;
  /** The artifacts roots whose metrics.db the table reads (the workspace's, open notebooks'). */
  artifactsRoots(): string[];
  log: PhasebookLog;
}

export class ExperimentsPanel extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private pending = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private metricsTimer: ReturnType<typeof setTimeout> | undefined;
  private watchers: vscode.Disposable[] = [];
  /**
   * The last view asked for, until a drawing reports it applied (`viewSeq`): a webview torn down before it read
   * the message (the panel was being hidden) gets it again with its next `ready`.
   */
  private view: (ExperimentsViewRequest & { seq: number }) | undefined;
  private viewSeq = 0;
  /** What the webview last drew (host tests read it through the API). */
  lastRendered: ExperimentsRendered | undefined;

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
      { dispose: () => this.unwatch() },
    );
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  /** Opens (or reveals) the table; `view` sets its grouping, filter or selection. */
  open(view?: ExperimentsViewRequest): vscode.WebviewPanel {
    if (view) {
      this.view = { ...view, seq: ++this.viewSeq };
      if (this.panel && this.ready) this.post({ type: 'view', ...this.view });
    }
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
    // Hidden, the webview is torn down; shown again, it reloads and says `ready` (the runs are sent anew).
    const shown = panel.onDidChangeViewState(() => {
      if (panel.visible) return;
      this.ready = false;
      this.lastRendered = undefined;
    });
    panel.onDidDispose(() => {
      sub.dispose();
      shown.dispose();
      if (this.panel === panel) this.panel = undefined;
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.pending.clear();
      this.unwatch();
    });
  }

  private unwatch(): void {
    if (this.metricsTimer) clearTimeout(this.metricsTimer);
    this.metricsTimer = undefined;
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
  }

  private async startMetrics(): Promise<void> {
    const roots = [...new Set(this.deps.artifactsRoots().map((r) => resolve(r)))];
    this.watchMetrics(roots);
    await this.sendMetrics(roots);
  }

  /** Watches each root's metrics.db: an execution recorded after its run.json landed re-reads them. */
  private watchMetrics(roots: readonly string[]): void {
    this.unwatch();
    const later = () => {
      this.metricsTimer ??= setTimeout(() => {
        this.metricsTimer = undefined;
        void this.sendMetrics(roots);
      }, DEBOUNCE_MS);
    };
    for (const root of roots) {
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), METRICS_DB));
      this.watchers.push(w, w.onDidCreate(later), w.onDidChange(later), w.onDidDelete(later));
    }
  }

  /** Every root's metrics.db read by the kernel, as one `metrics` message. A bad database is logged. */
  private async sendMetrics(roots: readonly string[]): Promise<void> {
    const runs: RunDbMetrics[] = [];
    for (const artifactsRoot of roots) {
      try {
        runs.push(...(await this.deps.kernel.request({ type: 'runMetrics', artifactsRoot })).runs);
      } catch (e) {
        this.deps.log.warn(`experiments: could not read ${artifactsRoot}/${METRICS_DB}: ${(e as Error).message}`);
      }
    }
    if (this.panel && this.ready) this.post({ type: 'metrics', runs });
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

  /** A message from the webview (or a host test posing as it). */
  receive(raw: unknown): Promise<void> {
    return this.onMessage(raw);
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (!isExperimentsMessage(raw)) return;
    switch (raw.type) {
      case 'ready':
        await this.deps.whenReady();
        this.ready = true;
        this.post({ type: 'runs', runs: this.deps.index.all().map(experimentRun), reset: true });
        if (this.view) this.post({ type: 'view', ...this.view });
        await this.startMetrics();
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
      case 'rendered': {
        const { type: _type, ...rendered } = raw;
        this.lastRendered = rendered;
        if (this.view && rendered.viewSeq >= this.view.seq) this.view = undefined;
        return;
      }
      case 'log':
        this.deps.log[raw.level](`experiments webview: ${raw.message}`);
        return;
    }
  }
}
