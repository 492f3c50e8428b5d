/**
 * What activate() returns: a small read-mostly view of the extension's state, for the host test
 * suites (and other extensions). Everything here goes through the same objects the UI uses.
 */
import type * as vscode from 'vscode';
import type { TrainStackingReply } from '../core/kernel/protocol';
import type { RunSummary } from '../core/runs/scan';
import type { StackingChoice } from './codelens/stackingTrainer';
import type { ExecutionMode } from './base/config';
import type { TableRendered } from './dashboard/protocol';
import type { ExperimentsRendered } from './experiments/protocol';
import type { RenderedGraph } from './graph/graphPanel';
import type { GraphHostToWebview } from './graph/protocol';

export interface PhasebookApi {
  /** Kernel state of a notebook: none | starting | idle | busy | dead | stopped. */
  kernelState(notebook: vscode.NotebookDocument): string;
  /** The kernel process id (undefined when none runs). */
  kernelPid(notebook: vscode.NotebookDocument): number | undefined;
  /** Names of the cells marked stale. */
  staleCells(notebook: vscode.NotebookDocument): string[];
  /** Cells whose tables and charts the notebook renderer shows dimmed (stale), as it last reported. */
  dimmedCells(notebook: vscode.NotebookDocument): string[];
  /** The texts of the cell's status-bar items, as the cell shows them (e.g. '$(history) stale'). */
  cellStatusItems(cell: vscode.NotebookCell): Promise<string[]>;
  /** Core cell name per editor cell. */
  cellNames(notebook: vscode.NotebookDocument): Promise<string[]>;
  mode(notebook: vscode.NotebookDocument): Promise<ExecutionMode>;
  /** The last completed run of each cell that created one. */
  completedRuns(notebook: vscode.NotebookDocument): { cell: string; id: string; dir: string; kind: string }[];
  /** Every run the explorer knows, newest first. */
  runs(): RunSummary[];
  /** Resolves with the first run (already known or arriving) that matches. */
  waitForRun(match: (run: RunSummary) => boolean, timeoutMs?: number): Promise<RunSummary>;
  /** Top-level explorer rows and the runs under a group label, as the tree shows them. */
  explorerRows(): Promise<{ group: string; runs: string[] }[]>;
  /** The rows the tree shows inside a folder of a run (e.g. its checkpoints/), in order. */
  explorerFolderRows(
    runDir: string,
    folder: string,
  ): Promise<{ name: string; description?: string; contextValue?: string }[]>;
  /** The row the tree shows for a run: its description and tooltip text. */
  explorerRunRow(runDir: string): Promise<{ label?: string; description?: string; tooltip?: string }>;
  watcherIsPolling(): boolean;
  /** Diagnostics shown on a cell. */
  diagnostics(cell: vscode.NotebookCell): readonly vscode.Diagnostic[];
  /** The causality audit's diagnostics on a cell (from the last pipeline run's run.json `audit`). */
  auditDiagnostics(cell: vscode.NotebookCell): readonly vscode.Diagnostic[];
  /** The audit badge per editor cell: 'look-ahead', 'clean', 'inconclusive' or '' (none). */
  auditBadges(notebook: vscode.NotebookDocument): string[];
  /** Trains stacking without the quick picks (the choice given), in the notebook's kernel when one is given. */
  trainStacking(
    cvRunDir: string,
    choice: StackingChoice,
    notebook?: vscode.NotebookDocument,
  ): Promise<TrainStackingReply | undefined>;
  /** Run folders with an open dashboard panel. */
  openDashboards(): string[];
  /** Last cell finished -> notebook idle of the notebook's last run, in ms (the host's event timeline). */
  idleLatencyMs(notebook: vscode.NotebookDocument): number | undefined;
  /** What each open grid view (table editor: the file path; query result: query-N) drew: its header and rows. */
  tableViews(): Record<string, TableRendered>;
  /** What the experiments webview last drew (undefined until it rendered, or when closed). */
  experimentsRendered(): ExperimentsRendered | undefined;
  /** Hands a message to the experiments panel exactly as its webview would (e.g. a selection's Compare). */
  experimentsPost(message: unknown): Promise<void>;
  /**
   * The Pipeline graph panel: whether it is open, the last graph sent to its webview, the last drawing the webview
   * reported, and `post`, which hands a message to the panel exactly as its webview would.
   */
  pipelineGraph(): {
    open: boolean;
    sent?: GraphHostToWebview;
    rendered?: RenderedGraph;
    post(message: unknown): Promise<void>;
  };
}
