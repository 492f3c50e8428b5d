/**
 * Cell status-bar items: the cell's kind and name (click to change the kind; the marker line lives
 * in cell metadata), "stale" when its inputs changed since it last ran, and — in an untrusted
 * workspace — that nothing runs (VS Code's own trust prompt comes before the controller, so the
 * cell itself has to say why it did not run).
 */
import * as vscode from 'vscode';
import { CommandId, NOTEBOOK_TYPE } from '../base/commandIds';
import type { PhasebookController } from '../kernel/controller';
import { kindOfCell } from '../notebook/cellText';
import { kindDoc } from '../notebook/keyDocs';
import { cellLike, type NotebookModels } from '../notebook/models';
import { Disposable } from '../util/disposables';

export class CellStatusBar extends Disposable implements vscode.NotebookCellStatusBarItemProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCellStatusBarItems = this.emitter.event;

  constructor(
    private readonly models: NotebookModels,
    private readonly controller: PhasebookController,
  ) {
    super();
    this.track(
      this.emitter,
      vscode.notebooks.registerNotebookCellStatusBarItemProvider(NOTEBOOK_TYPE, this),
      models.onDidChange(() => this.emitter.fire()),
      controller.onDidChangeKernel(() => this.emitter.fire()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.emitter.fire()),
    );
  }

  async provideCellStatusBarItems(cell: vscode.NotebookCell): Promise<vscode.NotebookCellStatusBarItem[]> {
    if (cell.kind !== vscode.NotebookCellKind.Code) return [];
    const model = this.models.modelNow(cell.notebook);
    const name = model.names[cell.index];
    const kind = kindOfCell(cellLike(cell));
    const items: vscode.NotebookCellStatusBarItem[] = [];
    const kindItem = new vscode.NotebookCellStatusBarItem(
      kind ? `$(symbol-class) ${kind}${name && name !== kind ? ` · ${name}` : ''}` : '$(question) choose a phase kind',
      vscode.NotebookCellStatusBarAlignment.Left,
    );
    kindItem.tooltip = kind
      ? `${kindDoc(kind) ?? `unknown kind '${kind}'`}\nClick to change the kind or name of this cell.`
      : 'This cell has no phase kind yet: click to choose one.';
    kindItem.command = {
      title: 'Change phase kind',
      command: CommandId.ChangeCellKind,
      arguments: [cell.notebook.uri, cell.index],
    };
    items.push(kindItem);
    if (!vscode.workspace.isTrusted) {
      const restricted = new vscode.NotebookCellStatusBarItem(
        '$(shield) not run: untrusted workspace',
        vscode.NotebookCellStatusBarAlignment.Left,
      );
      restricted.tooltip =
        'Phasebook runs nothing in an untrusted workspace (Restricted Mode). Trust this folder to run the ' +
        'pipeline; the run explorer still lists runs.';
      restricted.command = { title: 'Manage Workspace Trust', command: 'workbench.trust.manage' };
      items.push(restricted);
    }
    const kernel = this.controller.existingKernel(cell.notebook);
    if (name && kernel?.stale.has(name)) {
      const stale = new vscode.NotebookCellStatusBarItem(
        '$(history) stale',
        vscode.NotebookCellStatusBarAlignment.Left,
      );
      stale.tooltip =
        'Its inputs changed since this cell last ran: its output is out of date. Click to run the stale cells.';
      stale.command = { title: 'Run stale cells', command: CommandId.RunStaleCells, arguments: [cell.notebook.uri] };
      stale.accessibilityInformation = { label: `cell ${name} is stale` };
      items.push(stale);
    }
    const upstream = name ? kernel?.waiting.get(name) : undefined;
    if (upstream) {
      const waiting = new vscode.NotebookCellStatusBarItem(
        `$(debug-pause) waiting for '${upstream}'`,
        vscode.NotebookCellStatusBarAlignment.Left,
      );
      waiting.tooltip =
        `This cell did not run because cell '${upstream}' ` + `failed. Fix '${upstream}', then run the stale cells.`;
      waiting.command = { title: 'Run stale cells', command: CommandId.RunStaleCells, arguments: [cell.notebook.uri] };
      items.push(waiting);
    }
    return items;
  }
}
