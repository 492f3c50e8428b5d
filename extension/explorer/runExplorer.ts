/**
 * The run explorer: which roots to watch (each workspace folder's roots from the settings, the
 * folders of `.pipeline` files, and the roots each open notebook's kernel reports), the index,
 * the watcher and the tree view. Runs written by the kernel, the CLI or other tools all arrive the
 * same way: through the files.
 */
import { dirname, resolve } from 'node:path';
import * as vscode from 'vscode';
import { resolveRoots, type ArtifactRoots } from '../../core/runs/roots';
import type { RunSummary } from '../../core/runs/scan';
import { RUNS_VIEW_ID } from '../base/commandIds';
import { readSettings } from '../base/config';
import type { PhasebookLog } from '../base/logChannel';
import { LAYOUTS, RunIndex, type WatchedRoot } from './runIndex';
import { RunTreeProvider, type RunNode } from './runTree';
import { RunWatcher, type WatchFactory } from './runWatcher';
import { Disposable } from '../util/disposables';

export class RunExplorer extends Disposable implements vscode.Disposable {
  readonly index = new RunIndex();
  readonly tree: RunTreeProvider;
  readonly view: vscode.TreeView<RunNode>;
  private readonly watcher: RunWatcher;
  private readonly extraRoots = new Map<string, ArtifactRoots>();
  private readonly changed = new vscode.EventEmitter<string[]>();
  /** Run folders added, changed or removed. */
  readonly onDidChangeRuns = this.changed.event;
  private ready: Promise<void> = Promise.resolve();
  private warnedPolling = false;

  constructor(
    private readonly log: PhasebookLog,
    factory?: WatchFactory,
  ) {
    super();
    this.tree = new RunTreeProvider(this.index);
    this.view = vscode.window.createTreeView(RUNS_VIEW_ID, {
      treeDataProvider: this.tree,
      canSelectMany: true,
      showCollapseAll: true,
    });
    this.watcher = new RunWatcher({
      factory,
      onRunDirs: (dirs) => void this.index.refresh(dirs).catch((e: Error) => log.error(`run explorer: ${e.message}`)),
      onRootAppeared: (root) => {
        log.info(`run explorer: ${root.path} appeared; reading its runs`);
        void this.index.scanRoot(root);
      },
      onRootVanished: (root) => {
        log.info(`run explorer: ${root.path} was removed`);
        this.index.removeUnder(root.path);
      },
      onWarning: (message) => {
        log.warn(message);
        if (!this.warnedPolling) void vscode.window.showWarningMessage(message);
        this.warnedPolling = true;
      },
      onError: (message) => log.error(`run explorer: ${message}`),
    });
    const listener = this.index.onChange.on((c) => {
      this.view.description = this.index.size ? `${this.index.size} run${this.index.size === 1 ? '' : 's'}` : undefined;
      this.changed.fire(c.dirs);
    });
    this.track(
      this.tree,
      this.view,
      this.changed,
      { dispose: () => listener.dispose() },
      { dispose: () => this.watcher.dispose() },
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('phasebook.artifactRoots')) void this.rescan();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.rescan()),
    );
    this.ready = this.start();
  }

  /** Resolves once the first scan is done. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  private async start(): Promise<void> {
    await this.addPipelineFolders();
    await this.rescan();
  }

  /** Folders of `.pipeline` files get their default roots too (the CLI writes runs next to them). */
  private async addPipelineFolders(): Promise<void> {
    try {
      const files = await vscode.workspace.findFiles('**/*.pipeline', '**/node_modules/**', 200);
      for (const f of files) this.addRootsQuietly(resolveRoots(dirname(f.fsPath), readSettings(f).artifactRoots));
    } catch (e) {
      this.log.warn(`run explorer: could not look for .pipeline files: ${(e as Error).message}`);
    }
  }

  private addRootsQuietly(roots: ArtifactRoots): boolean {
    const key = LAYOUTS.map((l) => roots[l]).join('\0');
    if (this.extraRoots.has(key)) return false;
    this.extraRoots.set(key, roots);
    return true;
  }

  /** Roots an open notebook resolved (its settings cell may move them): watch them too. */
  addRoots(roots: ArtifactRoots): void {
    if (!this.addRootsQuietly(roots)) return;
    const before = new Set(this.watcher.activeRoots);
    const watched = this.watchedRoots();
    this.watcher.setRoots(watched);
    for (const r of watched) if (!before.has(r.path)) void this.index.scanRoot(r);
  }

  watchedRoots(): WatchedRoot[] {
    const sets: ArtifactRoots[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? [])
      sets.push(resolveRoots(folder.uri.fsPath, readSettings(folder.uri).artifactRoots));
    sets.push(...this.extraRoots.values());
    const byPath = new Map<string, WatchedRoot>();
    for (const roots of sets)
      for (const layout of LAYOUTS) {
        const path = resolve(roots[layout]);
        if (!byPath.has(path)) byPath.set(path, { path, layout, roots });
      }
    return [...byPath.values()];
  }

  /** Rebuilds the index from the roots (settings changed, or the user asked). */
  async rescan(): Promise<void> {
    const roots = this.watchedRoots();
    this.watcher.setRoots(roots);
    await this.index.scanAll(roots);
    this.log.info(`run explorer: ${this.index.size} runs under ${roots.length} roots`);
  }

  /** Reads one run folder now (a run the host just created), without waiting for the watcher. */
  async refreshRun(dir: string): Promise<RunSummary | undefined> {
    const abs = resolve(dir);
    const parent = dirname(abs);
    // A run outside every known root: watch its parent folder as a runs root from now on.
    // A workflow run in a results_dir (results/{results_dir}/{workflow_id}) belongs to the results root.
    const ownerOf = () =>
      this.watchedRoots().find((r) => r.path === parent || (r.layout === 'results' && r.path === dirname(parent)));
    if (!ownerOf()) this.addRoots({ ...resolveRoots(parent), runs: parent });
    const owner = ownerOf();
    if (owner) await this.index.refresh([{ dir: abs, root: owner }]);
    return this.index.get(abs);
  }

  async reveal(dir: string): Promise<void> {
    if (!this.index.get(dir)) return;
    try {
      await this.view.reveal(this.tree.runNode(dir), { select: true, focus: false, expand: false });
    } catch {
      // the view is not visible: nothing to reveal into
    }
  }

  showMore(group: Parameters<RunTreeProvider['showMore']>[0]): void {
    this.tree.showMore(group);
  }

  get isPolling(): boolean {
    return this.watcher.isPolling;
  }
}
