/**
 * CodeLens "Train stacking on this run": on a `cv` cell whose last run completed, and at the top
 * of any CV run's cv_results.json.
 */
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { CommandId, NOTEBOOK_TYPE } from '../base/commandIds';
import type { PhasebookController } from '../kernel/controller';
import { kindOfCell } from '../notebook/cellText';
import { cellLike, cellOfDocument, type NotebookModels } from '../notebook/models';

export const TRAIN_STACKING_TITLE = 'Train stacking on this run';

/** The lens on a cv cell; when the cell is stale its run predates the edit, and the lens says so. */
export function cvLensText(runId: string, stale: boolean): { title: string; tooltip: string } {
  if (!stale)
    return {
      title: `$(layers) ${TRAIN_STACKING_TITLE}`,
      tooltip: `Train a meta-learner on the out-of-fold predictions of ${runId}`,
    };
  return {
    title: `$(warning) ${TRAIN_STACKING_TITLE} (stale: ${runId} predates your edit)`,
    tooltip:
      `This cv cell changed since ${runId} ran: its out-of-fold predictions are from the old config. Run the ` +
      `cell first to stack the current one, or train on the old run anyway.`,
  };
}

export class CvCellLensProvider implements vscode.CodeLensProvider {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly models: NotebookModels,
    private readonly controller: PhasebookController,
  ) {
    this.subscription = controller.onDidChangeKernel(() => this.emitter.fire());
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const found = cellOfDocument(document);
    if (!found || kindOfCell(cellLike(found.cell)) !== 'cv') return [];
    const name = this.models.modelNow(found.notebook).names[found.cell.index];
    const kernel = this.controller.existingKernel(found.notebook);
    const run = name ? kernel?.completedRuns.get(name) : undefined;
    if (!run || run.kind !== 'cv') return [];
    return [
      new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), {
        ...cvLensText(run.id, !!name && !!kernel?.stale.has(name)),
        command: CommandId.TrainStackingOnRun,
        arguments: [run.dir, found.notebook.uri],
      }),
    ];
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

export class CvResultsLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!document.uri.path.endsWith('/cv_results.json')) return [];
    const dir = dirname(document.uri.fsPath);
    return [
      new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), {
        title: `$(layers) ${TRAIN_STACKING_TITLE}`,
        tooltip: `Train a meta-learner on the out-of-fold predictions in ${dir}`,
        command: CommandId.TrainStackingOnRun,
        arguments: [dir],
      }),
    ];
  }
}

export function registerStackingLenses(models: NotebookModels, controller: PhasebookController): vscode.Disposable {
  const cells = new CvCellLensProvider(models, controller);
  return vscode.Disposable.from(
    cells,
    vscode.languages.registerCodeLensProvider([{ notebookType: NOTEBOOK_TYPE, language: 'yaml' }], cells),
    vscode.languages.registerCodeLensProvider([{ pattern: '**/cv_results.json' }], new CvResultsLensProvider()),
  );
}
