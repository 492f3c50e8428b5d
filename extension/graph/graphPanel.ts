/**
 * The Pipeline graph panel (docs/design.md §9.13): one webview beside the notebook that follows the active phasebook
 * notebook editor and draws its cell DAG with each node's state (kernel events through NodeStates), its audit
 * verdict, last time and rows. Redrawn, debounced, when the notebook's text, a kernel state or the audit changes:
 * live during a run. Clicking a node reveals its cell; "run to here" / "run from here" go through the commands.
 */
import * as vscode from 'vscode';
import { pipelineGraph, type PipelineGraphModel } from '../../core/orchestrate/pipelineGraph';
import type { AuditView } from '../audit/auditView';
import { CommandId, NOTEBOOK_TYPE } from '../base/commandIds';
import type { PhasebookLog } from '../base/logChannel';
import { dashboardHtml, newNonce } from '../dashboard/html';
import type { PhasebookController } from '../kernel/controller';
import { editorIndexOfName, type NotebookModel } from '../notebook/cellText';
import type { NotebookModels } from '../notebook/models';
import { Debouncer, Disposable } from '../util/disposables';
import {
  isGraphWebviewMessage,
  type AuditVerdict,
  type GraphHostToWebview,
  type GraphNodeView,
  type GraphWebviewToHost,
} from './protocol';

export interface GraphPanelDeps {
  extensionUri: vscode.Uri;
  models: NotebookModels;
  controller: PhasebookController;
  audit: AuditView;
  log: PhasebookLog;
}

/** What the webview last drew (its `rendered` message). */
export type RenderedGraph = Extract<GraphWebviewToHost, { type: 'rendered' }>;

const REDRAW_MS = 50;
const VERDICTS: ReadonlySet<string> = new Set<AuditVerdict>(['look-ahead', 'clean', 'inconclusive']);

export class PipelineGraphPanel extends Disposable {
  private panel?: vscode.WebviewPanel;
  private notebook?: vscode.NotebookDocument;
  private ready = false;
  private kernelSub?: vscode.Disposable;
  private cached?: { text: string; graph: PipelineGraphModel };
  private readonly redraw = new Debouncer(REDRAW_MS, () => void this.send());
  /** The last message sent and the last drawing the webview reported (for the host suite). */
  lastSent?: GraphHostToWebview;
  lastRendered?: RenderedGraph;

  constructor(private readonly deps: GraphPanelDeps) {
    super();
    this.track(
      this.redraw,
      { dispose: () => this.kernelSub?.dispose() },
      vscode.window.onDidChangeActiveNotebookEditor((e) => {
        if (this.panel && e?.notebook.notebookType === NOTEBOOK_TYPE) this.follow(e.notebook);
      }),
      deps.models.onDidChange((nb) => nb === this.notebook && this.redraw.schedule()),
      deps.audit.onDidChangeCellStatusBarItems(() => this.redraw.schedule()),
      vscode.workspace.onDidCloseNotebookDocument((nb) => nb === this.notebook && this.follow(undefined)),
    );
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  /** Opens (or reveals) the panel beside the notebook, showing `nb`'s graph. */
  show(nb: vscode.NotebookDocument | undefined): vscode.WebviewPanel {
    const panel = this.panel ?? this.create();
    panel.reveal(vscode.ViewColumn.Beside, true);
    this.follow(nb ?? this.notebook);
    return panel;
  }

  private create(): vscode.WebviewPanel {
    const dist = vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'webview');
    const panel = vscode.window.createWebviewPanel(
      'phasebook.pipelineGraph',
      'Pipeline graph',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, enableCommandUris: false, localResourceRoots: [dist] },
    );
    panel.iconPath = vscode.Uri.joinPath(this.deps.extensionUri, 'media', 'phasebook.svg');
    panel.webview.html = dashboardHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'graph.js')).toString(),
      nonce: newNonce(),
      title: 'Pipeline graph',
    });
    const sub = panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m));
    panel.onDidDispose(() => {
      sub.dispose();
      this.panel = undefined;
      this.ready = false;
      this.lastRendered = undefined;
      this.follow(undefined);
    });
    this.panel = panel;
    return panel;
  }

  /** Shows `nb` (undefined: it was closed) and listens to its kernel. */
  private follow(nb: vscode.NotebookDocument | undefined): void {
    if (nb !== this.notebook) {
      this.notebook = nb;
      this.kernelSub?.dispose();
      this.kernelSub = nb
        ? this.deps.controller.kernelFor(nb).onDidChangeNodes(() => this.redraw.schedule())
        : undefined;
    }
    this.redraw.schedule();
  }

  /** One message from the webview (the tests deliver theirs the same way). */
  async receive(raw: unknown): Promise<void> {
    if (!isGraphWebviewMessage(raw)) return;
    const nb = this.notebook;
    switch (raw.type) {
      case 'ready':
        this.ready = true;
        this.redraw.schedule();
        return;
      case 'rendered':
        this.lastRendered = raw;
        return;
      case 'log':
        this.deps.log[raw.level](`pipeline graph webview: ${raw.message}`);
        return;
      case 'reveal':
        if (nb) await this.reveal(nb, raw.cell);
        return;
      case 'runToHere':
      case 'runFromHere':
        if (nb && (await this.hasNode(nb, raw.cell)))
          await vscode.commands.executeCommand(
            raw.type === 'runToHere' ? CommandId.RunToHere : CommandId.RunFromHere,
            nb.uri,
            raw.cell,
          );
        return;
    }
  }

  private async hasNode(nb: vscode.NotebookDocument, cell: string): Promise<boolean> {
    return this.graphOf(await this.deps.models.model(nb)).nodes.some((n) => n.name === cell);
  }

  private async reveal(nb: vscode.NotebookDocument, cell: string): Promise<void> {
    const index = editorIndexOfName(await this.deps.models.model(nb), cell);
    if (index < 0) return;
    const range = new vscode.NotebookRange(index, index + 1);
    const column = vscode.window.visibleNotebookEditors.find((e) => e.notebook === nb)?.viewColumn;
    const editor = await vscode.window.showNotebookDocument(nb, { viewColumn: column, selections: [range] });
    editor.revealRange(range, vscode.NotebookEditorRevealType.InCenterIfOutsideViewport);
  }

  private graphOf(model: NotebookModel): PipelineGraphModel {
    if (this.cached?.text !== model.text) this.cached = { text: model.text, graph: pipelineGraph(model.parsed) };
    return this.cached.graph;
  }

  private async send(): Promise<void> {
    if (!this.panel) return;
    const nb = this.notebook;
    let message: GraphHostToWebview;
    if (!nb || nb.isClosed) message = { type: 'empty', message: 'Open a .pipeline notebook to see its graph.' };
    else {
      const model = await this.deps.models.model(nb);
      const graph = this.graphOf(model);
      const states = this.deps.controller.kernelFor(nb).nodeStates;
      const badges = this.deps.audit.badges(nb);
      const nodes = graph.nodes.map((n): GraphNodeView => {
        const badge = badges[editorIndexOfName(model, n.name)] ?? '';
        const facts = n.branches.length ? states.foldedFacts(n.branches.map((b) => b.name)) : states.factsOf(n.name);
        return {
          ...n,
          ...facts,
          branches: n.branches.map((b) => ({ ...b, ...states.factsOf(b.name) })),
          ...(VERDICTS.has(badge) ? { audit: badge as AuditVerdict } : {}),
        };
      });
      const name = nb.uri.path.split('/').pop() ?? 'notebook';
      this.panel.title = `Pipeline graph · ${name}`;
      message = { type: 'graph', notebook: name, nodes, edges: graph.edges, cycles: graph.cycles };
    }
    this.lastSent = message;
    if (this.ready) await this.panel.webview.postMessage(message);
  }

  override dispose(): void {
    this.panel?.dispose();
    super.dispose();
  }
}
