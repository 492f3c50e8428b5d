/**
 * Run dashboard and compare panels (WebviewPanel manager). One panel per run folder (reopening
 * reveals it) and one per compared set. Each panel serves dist/webview/dashboard.js under a strict
 * CSP (html.ts), waits for the webview's `ready`, then sends the run payload(s) read by
 * runReader.ts; `notifyRunChanged(dir)` (the explorer's watcher) re-sends to every panel showing
 * that run, debounced. The webview never polls. Messages are checked against the contract.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import * as vscode from 'vscode';
import { isUserError } from '../../core/errors';
import type { ArtifactRoots } from '../../core/runs/roots';
import { dashboardHtml, newNonce } from './html';
import { isWebviewMessage, type HostToWebview, type RunPayload, type WebviewToHost } from './protocol';
import { readRunPayload, type RunFrameReader } from './runReader';
import { COMPARE_VIEW_TYPE, DASHBOARD_VIEW_TYPE, restoredPanel } from './restore';
import { saveExport } from './saveFile';

export interface DashboardOpener {
  openRun(dir: string): Promise<vscode.WebviewPanel | undefined>;
  compare(dirs: readonly string[]): Promise<vscode.WebviewPanel | undefined>;
}

export interface DashboardLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface DashboardDeps {
  extensionUri: vscode.Uri;
  /** Artifact roots that apply to a run folder (to find a stacking run's parent CV run). */
  rootsFor?(dir: string): ArtifactRoots | undefined;
  /** Reads a run's chart frames (a kernel request). */
  readFrames: RunFrameReader;
  /** Reads a run (tests substitute it). */
  read?(dir: string, roots: ArtifactRoots | undefined): Promise<RunPayload>;
  log?: DashboardLog;
}

interface PanelEntry {
  panel: vscode.WebviewPanel;
  mode: 'run' | 'compare';
  dirs: string[];
  ready: boolean;
  timer?: ReturnType<typeof setTimeout>;
  /** Paths the webview may ask to open (artifacts, run folders, parent runs it was sent). */
  allowed: Set<string>;
  /** Serialises sends so a slow read never overwrites a newer one. */
  sending: Promise<void>;
}

export const DEBOUNCE_MS = 200;
const key = (dirs: readonly string[]): string =>
  dirs
    .map((d) => resolve(d))
    .sort()
    .join('\n');

function inside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export class RunDashboards implements DashboardOpener, vscode.Disposable {
  private readonly panels = new Map<string, PanelEntry>();

  constructor(private readonly deps: DashboardDeps) {}

  /** Run folders with an open single-run dashboard. */
  get openRuns(): string[] {
    return [...this.panels.values()].filter((e) => e.mode === 'run').map((e) => e.dirs[0]);
  }

  async openRun(dir: string): Promise<vscode.WebviewPanel | undefined> {
    return this.open('run', [dir]);
  }

  async compare(dirs: readonly string[]): Promise<vscode.WebviewPanel | undefined> {
    const unique = [...new Set(dirs.map((d) => resolve(d)))];
    if (unique.length < 2) {
      void vscode.window.showInformationMessage('Phasebook: select at least two runs to compare.');
      return undefined;
    }
    return this.open('compare', unique);
  }

  /** A file of run `dir` changed on disk: refresh every panel showing it. */
  notifyRunChanged(dir: string): void {
    const abs = resolve(dir);
    for (const entry of this.panels.values()) {
      if (!entry.dirs.some((d) => resolve(d) === abs || inside(abs, resolve(d)))) continue;
      if (entry.timer) clearTimeout(entry.timer);
      entry.timer = setTimeout(() => {
        entry.timer = undefined;
        if (entry.ready) this.send(entry, false);
      }, DEBOUNCE_MS);
    }
  }

  /** A dashboard or compare panel VS Code restored after a window reload (WebviewPanelSerializer). */
  restore(panel: vscode.WebviewPanel, state: unknown): void {
    const r = restoredPanel(panel.viewType, state);
    if (!r || this.panels.has(`${r.mode}:${key(r.dirs)}`)) {
      panel.dispose();
      return;
    }
    const dist = vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'webview');
    panel.webview.options = this.webviewOptions(dist);
    this.adopt(panel, r.mode, r.dirs, dist);
  }

  private webviewOptions(dist: vscode.Uri): vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [dist, vscode.Uri.joinPath(this.deps.extensionUri, 'media')],
    };
  }

  private open(mode: 'run' | 'compare', dirs: string[]): vscode.WebviewPanel {
    const id = `${mode}:${key(dirs)}`;
    const existing = this.panels.get(id);
    if (existing) {
      existing.panel.reveal();
      return existing.panel;
    }
    const dist = vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'webview');
    const title = mode === 'run' ? `Run ${dirs[0].split(/[\\/]/).pop()}` : `Compare ${dirs.length} runs`;
    const panel = vscode.window.createWebviewPanel(
      mode === 'run' ? DASHBOARD_VIEW_TYPE : COMPARE_VIEW_TYPE,
      title,
      vscode.ViewColumn.Active,
      this.webviewOptions(dist),
    );
    this.adopt(panel, mode, dirs, dist);
    return panel;
  }

  private adopt(panel: vscode.WebviewPanel, mode: 'run' | 'compare', dirs: string[], dist: vscode.Uri): void {
    const id = `${mode}:${key(dirs)}`;
    const title = panel.title;
    panel.iconPath = vscode.Uri.joinPath(this.deps.extensionUri, 'media', 'phasebook.svg');
    const entry: PanelEntry = {
      panel,
      mode,
      dirs,
      ready: false,
      allowed: new Set(dirs.map((d) => resolve(d))),
      sending: Promise.resolve(),
    };
    this.panels.set(id, entry);
    panel.webview.html = dashboardHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'dashboard.js')).toString(),
      nonce: newNonce(),
      title,
    });
    const sub = panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(entry, m));
    panel.onDidDispose(() => {
      sub.dispose();
      if (entry.timer) clearTimeout(entry.timer);
      this.panels.delete(id);
    });
  }

  private post(entry: PanelEntry, message: HostToWebview): void {
    void entry.panel.webview.postMessage(message);
  }

  private send(entry: PanelEntry, first: boolean): void {
    entry.sending = entry.sending.then(async () => {
      if (first)
        this.post(entry, {
          type: 'loading',
          message: entry.mode === 'run' ? 'Reading the run…' : `Reading ${entry.dirs.length} runs…`,
        });
      try {
        const read = this.deps.read ?? ((d: string, r?: ArtifactRoots) => readRunPayload(d, r, this.deps.readFrames));
        const runs = await Promise.all(entry.dirs.map((d) => read(d, this.deps.rootsFor?.(d))));
        for (const r of runs) {
          entry.allowed.add(resolve(r.dir));
          for (const a of r.artifacts) entry.allowed.add(resolve(a.absPath));
          if (r.lineage.parentRun?.dir) entry.allowed.add(resolve(r.lineage.parentRun.dir));
        }
        if (entry.mode === 'run') entry.panel.title = `Run ${runs[0].id}`;
        this.post(entry, entry.mode === 'run' ? { type: 'run', run: runs[0] } : { type: 'compare', runs });
      } catch (e) {
        const message = isUserError(e) ? e.message : `Could not read the run: ${(e as Error).message}`;
        if (!isUserError(e)) this.deps.log?.error(`dashboard: ${(e as Error).stack ?? String(e)}`);
        this.post(entry, { type: 'error', message });
      }
    });
  }

  private allowedPath(entry: PanelEntry, path: string): boolean {
    const abs = resolve(path);
    return entry.allowed.has(abs) || entry.dirs.some((d) => inside(abs, resolve(d)));
  }

  private async onMessage(entry: PanelEntry, raw: unknown): Promise<void> {
    if (!isWebviewMessage(raw)) return;
    const m: WebviewToHost = raw;
    switch (m.type) {
      case 'ready':
        entry.ready = true;
        this.send(entry, true);
        return;
      case 'openArtifact':
        if (!this.allowedPath(entry, m.path)) return;
        await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(m.path));
        return;
      case 'reveal':
        if (this.allowedPath(entry, m.path))
          await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(m.path));
        return;
      case 'openRun':
        if (entry.allowed.has(resolve(m.dir))) await this.openRun(m.dir);
        return;
      case 'save':
        await saveExport(m, entry.mode === 'run' ? vscode.Uri.file(entry.dirs[0]) : undefined).catch(
          (e: Error) => void vscode.window.showErrorMessage(`Phasebook: could not save ${m.fileName}: ${e.message}`),
        );
        return;
      case 'log':
        this.deps.log?.[m.level](`dashboard webview: ${m.message}`);
        return;
    }
  }

  dispose(): void {
    for (const e of [...this.panels.values()]) e.panel.dispose();
    this.panels.clear();
  }
}
