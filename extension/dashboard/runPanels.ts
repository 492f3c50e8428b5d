/**
 * Run panels: "Open dashboard" and "Compare". A minimal, static placeholder (the run's facts,
 * metrics and run.json) until the issue-6 dashboard webview takes over; it re-renders when the
 * run's files change (the explorer's watcher drives it).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RunSummary } from '../../core/runs/index';
import type { RunExplorer } from '../explorer/runExplorer';
import { comparePanelHtml, runPanelHtml } from './placeholderHtml';

export interface DashboardOpener {
  openRun(dir: string): Promise<vscode.WebviewPanel | undefined>;
  compare(dirs: readonly string[]): Promise<vscode.WebviewPanel | undefined>;
}

export class PlaceholderDashboards implements DashboardOpener, vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly explorer: RunExplorer,
    private readonly extensionUri: vscode.Uri,
  ) {
    this.subscription = explorer.onDidChangeRuns((dirs) => {
      for (const dir of dirs) {
        const panel = this.panels.get(dir);
        if (panel) void this.render(panel, dir);
      }
    });
  }

  /** Open panels, by run folder (tests and the API read it). */
  get openRuns(): string[] {
    return [...this.panels.keys()];
  }

  async openRun(dir: string): Promise<vscode.WebviewPanel | undefined> {
    const existing = this.panels.get(dir);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const s = this.explorer.index.get(dir) ?? (await this.explorer.refreshRun(dir));
    if (!s) {
      void vscode.window.showWarningMessage(`Phasebook: no run in ${dir}`);
      return undefined;
    }
    const panel = vscode.window.createWebviewPanel('phasebook.run', `Run ${s.id}`, vscode.ViewColumn.Active, {
      enableScripts: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist')],
    });
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'phasebook.svg');
    this.panels.set(dir, panel);
    panel.onDidDispose(() => this.panels.delete(dir));
    await this.render(panel, dir);
    return panel;
  }

  async compare(dirs: readonly string[]): Promise<vscode.WebviewPanel | undefined> {
    const runs = dirs.map((d) => this.explorer.index.get(d)).filter((s): s is RunSummary => !!s);
    if (runs.length < 2) {
      void vscode.window.showInformationMessage('Phasebook: select at least two runs to compare.');
      return undefined;
    }
    const panel = vscode.window.createWebviewPanel('phasebook.compare', `Compare ${runs.length} runs`, vscode.ViewColumn.Active, { enableScripts: false, localResourceRoots: [] });
    panel.webview.html = comparePanelHtml(runs, panel.webview.cspSource, randomBytes(16).toString('base64'));
    return panel;
  }

  private async render(panel: vscode.WebviewPanel, dir: string): Promise<void> {
    const s = this.explorer.index.get(dir);
    if (!s) return;
    const manifest = await readFile(join(dir, 'run.json'), 'utf8').catch(() => undefined);
    panel.title = `Run ${s.id}`;
    panel.webview.html = runPanelHtml(s, manifest, panel.webview.cspSource, randomBytes(16).toString('base64'));
  }

  dispose(): void {
    this.subscription.dispose();
    for (const p of this.panels.values()) p.dispose();
    this.panels.clear();
  }
}
