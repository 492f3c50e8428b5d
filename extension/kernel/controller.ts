/**
 * The notebook controller for `phasebook` notebooks and the kernels behind it, one per open
 * notebook. Runs only in trusted workspaces; restores the last outputs when a notebook opens;
 * forwards edits (debounced) so stale cells are marked, and re-run in autorun mode once an edit burst is over.
 */
import * as vscode from 'vscode';
import { CONTROLLER_ID, NOTEBOOK_TYPE } from '../base/commandIds';
import type { NotebookModels } from '../notebook/models';
import { Disposable, Debouncer } from '../util/disposables';
import { AutorunTimer } from './autorunTimer';
import { messageOutput } from './outputs';
import { toNotebookOutput } from './executionRegistry';
import { NotebookKernel, type NotebookKernelDeps } from './notebookKernel';

export const UNTRUSTED_MESSAGE =
  'Phasebook runs nothing in an untrusted workspace (Restricted Mode). Trust this folder (Manage Workspace ' +
  'Trust) to run the pipeline; the run explorer still lists runs.';

/** How long after the last keystroke an edit reaches the kernel. */
const EDIT_DEBOUNCE_MS = 300;

/** The notebook a tab shows (a Phasebook notebook only), as a URI string. */
function notebookUriOf(tab: vscode.Tab): string | undefined {
  const input = tab.input;
  return input instanceof vscode.TabInputNotebook && input.notebookType === NOTEBOOK_TYPE
    ? input.uri.toString()
    : undefined;
}

export type KernelDeps = Omit<NotebookKernelDeps, 'controller'>;

export class PhasebookController extends Disposable implements vscode.Disposable {
  readonly controller: vscode.NotebookController;
  private readonly kernels = new Map<string, NotebookKernel>();
  private readonly edits = new Map<string, Debouncer>();
  private readonly restored = new Set<string>();
  /** Notebooks this controller is selected for (outputs can be shown there only then). */
  private readonly selected = new Set<string>();
  private readonly autorun: AutorunTimer;
  private readonly changed = new vscode.EventEmitter<NotebookKernel>();
  /** A kernel's state, stale cells, runs or mode changed. */
  readonly onDidChangeKernel = this.changed.event;
  private readonly nodesChanged = new vscode.EventEmitter<NotebookKernel>();
  /** A kernel's cells were queued, started or finished, or its stale cells changed. */
  readonly onDidChangeNodes = this.nodesChanged.event;

  constructor(
    private readonly models: NotebookModels,
    private readonly deps: KernelDeps,
  ) {
    super();
    this.autorun = this.track(
      new AutorunTimer(
        () => this.deps.settings().autorunDelayMs,
        (key) => this.autorunFired(key),
      ),
    );
    const c = vscode.notebooks.createNotebookController(CONTROLLER_ID, NOTEBOOK_TYPE, 'Phasebook');
    c.supportedLanguages = ['yaml', 'typescript'];
    c.supportsExecutionOrder = true;
    c.description = 'pipeline kernel';
    c.detail = 'Runs phases in a child process over nodejs-polars';
    c.executeHandler = (cells, notebook) => this.execute(cells, notebook);
    c.interruptHandler = (notebook) => this.kernels.get(notebook.uri.toString())?.cancel();
    this.controller = c;
    this.track(
      c,
      this.changed,
      this.nodesChanged,
      c.onDidChangeSelectedNotebooks(({ notebook, selected }) => {
        if (selected) this.selected.add(notebook.uri.toString());
        else this.selected.delete(notebook.uri.toString());
        if (selected) void this.restoreOnce(notebook);
      }),
      vscode.workspace.onDidOpenNotebookDocument((nb) => this.opened(nb)),
      vscode.workspace.onDidCloseNotebookDocument((nb) => this.closed(nb)),
      vscode.window.tabGroups.onDidChangeTabs((e) => this.tabsChanged(e)),
      vscode.window.onDidChangeVisibleNotebookEditors((editors) => this.editorsShown(editors)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        for (const nb of vscode.workspace.notebookDocuments)
          if (nb.notebookType === NOTEBOOK_TYPE) void this.restoreOnce(nb);
      }),
      models.onDidChange((nb) => {
        this.autorun.cancel(nb.uri.toString());
        this.editDebouncer(nb).schedule();
      }),
    );
    for (const nb of vscode.workspace.notebookDocuments) this.opened(nb);
  }

  /** The kernel of a notebook (created on first use, not started until needed). */
  kernelFor(notebook: vscode.NotebookDocument): NotebookKernel {
    const key = notebook.uri.toString();
    let k = this.kernels.get(key);
    if (!k) {
      k = new NotebookKernel(notebook, { ...this.deps, controller: this.controller });
      const kernel = k;
      k.onDidChange(() => this.changed.fire(kernel));
      k.onDidChangeNodes(() => this.nodesChanged.fire(kernel));
      this.kernels.set(key, k);
    }
    return k;
  }

  existingKernel(notebook: vscode.NotebookDocument): NotebookKernel | undefined {
    return this.kernels.get(notebook.uri.toString());
  }

  get allKernels(): NotebookKernel[] {
    return [...this.kernels.values()];
  }

  private opened(nb: vscode.NotebookDocument): void {
    if (nb.notebookType !== NOTEBOOK_TYPE) return;
    this.controller.updateNotebookAffinity(nb, vscode.NotebookControllerAffinity.Preferred);
  }

  private closed(nb: vscode.NotebookDocument): void {
    const key = nb.uri.toString();
    this.edits.get(key)?.dispose();
    this.edits.delete(key);
    this.autorun.cancel(key);
    this.selected.delete(key);
    this.closeKernel(key);
  }

  /** The notebook is no longer shown: its kernel closes, and showing it again restores (or reattaches) once. */
  private closeKernel(key: string): void {
    this.kernels.get(key)?.close();
    this.kernels.delete(key);
    this.restored.delete(key);
  }

  /**
   * VS Code may keep a notebook document open long after its last tab closed (and fire no close event): for the
   * kernel the last tab closing is the close. Its kernel closes (an idle one stops, a running detached one goes on);
   * an editor that shows the notebook again brings a kernel back the way opening does (restore, or reattach).
   */
  private tabsChanged(e: vscode.TabChangeEvent): void {
    const shown = new Set(vscode.window.tabGroups.all.flatMap((g) => g.tabs.map(notebookUriOf)));
    for (const tab of e.closed) {
      const key = notebookUriOf(tab);
      if (key && !shown.has(key)) this.closeKernel(key);
    }
  }

  /** A notebook shown again after its last tab closed gets its kernel back the way opening does (once). */
  private editorsShown(editors: readonly vscode.NotebookEditor[]): void {
    for (const { notebook } of editors) if (this.selected.has(notebook.uri.toString())) void this.restoreOnce(notebook);
  }

  private editDebouncer(nb: vscode.NotebookDocument): Debouncer {
    const key = nb.uri.toString();
    let d = this.edits.get(key);
    if (!d) {
      d = new Debouncer(EDIT_DEBOUNCE_MS, () => {
        if (!vscode.workspace.isTrusted || nb.isClosed) return;
        this.kernelFor(nb)
          .edited()
          .then((rerun) => rerun && this.autorun.schedule(key))
          .catch((e: Error) => this.deps.log.error(`update failed: ${e.message}`));
      });
      this.edits.set(key, d);
    }
    return d;
  }

  /** An autorun burst is over: the stale cells re-run once, and the runs they create are marked autorun. */
  private autorunFired(key: string): void {
    const kernel = this.kernels.get(key);
    if (!kernel || !vscode.workspace.isTrusted || kernel.notebook.isClosed) return;
    // Switched to lazy while the burst settled: the cells stay stale.
    void kernel.mode().then(async (mode) => {
      if (mode === 'autorun') await kernel.runStale(true);
    });
  }

  /** Brings back the outputs of the last run of a notebook that was just opened (trusted only). */
  async restoreOnce(nb: vscode.NotebookDocument): Promise<void> {
    const key = nb.uri.toString();
    if (!vscode.workspace.isTrusted || this.restored.has(key) || nb.isClosed || nb.notebookType !== NOTEBOOK_TYPE)
      return;
    this.restored.add(key);
    const cells = await this.kernelFor(nb).restore();
    if (cells.length)
      this.deps.log.info(`${this.kernelFor(nb).label}: restored outputs of ${cells.length} cell(s) from the cache`);
  }

  private async execute(cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      for (const cell of cells) {
        const exec = this.controller.createNotebookCellExecution(cell);
        exec.start(Date.now());
        await exec.replaceOutput([toNotebookOutput(messageOutput(UNTRUSTED_MESSAGE))]);
        exec.end(false, Date.now());
      }
      return;
    }
    // An edit still waiting for its debounce goes to the kernel with this run.
    this.edits.get(notebook.uri.toString())?.dispose();
    const model = await this.models.model(notebook);
    const names = cells
      .filter((c) => c.kind === vscode.NotebookCellKind.Code)
      .map((c) => model.names[c.index])
      .filter((n): n is string => !!n);
    const all = cells.length === notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code).length;
    await this.kernelFor(notebook).run(all ? undefined : names);
  }

  override dispose(): void {
    for (const d of this.edits.values()) d.dispose();
    for (const k of this.kernels.values()) k.dispose();
    this.kernels.clear();
    super.dispose();
  }
}
