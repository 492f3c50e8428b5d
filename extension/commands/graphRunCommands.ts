/**
 * "Run to here" (the cell and everything upstream) and "Run from here" (the cell and everything downstream), from
 * the cell toolbar, the palette (the selected cell) and the Pipeline graph's nodes (notebook uri and cell name).
 * Both go to the notebook's kernel as one `run` request (docs/design.md §9.13); valid results come from the cache.
 */
import * as vscode from 'vscode';
import { cellsToRun } from '../../core/orchestrate/pipelineGraph';
import { CommandId } from '../base/commandIds';
import { registerCommand } from '../base/commands';
import type { PhasebookLog } from '../base/logChannel';
import type { PhasebookController } from '../kernel/controller';
import type { NotebookModels } from '../notebook/models';
import { targetNotebook } from './notebookCommands';

export interface GraphRunDeps {
  controller: PhasebookController;
  models: NotebookModels;
  log: PhasebookLog;
}

interface Target {
  notebook: vscode.NotebookDocument;
  /** The cell's name, or its editor index when the name is still to be read from the model. */
  cell: string | number;
}

/** (cell) from the cell toolbar, (uri, name) from the graph, () from the palette: the selected cell. */
function targetOf(a: unknown, b: unknown): Target | undefined {
  const cell = a as Partial<vscode.NotebookCell> | undefined;
  if (cell?.notebook && typeof cell.index === 'number') return { notebook: cell.notebook, cell: cell.index };
  const notebook = targetNotebook(a);
  if (!notebook) return undefined;
  if (typeof b === 'string') return { notebook, cell: b };
  const editor = vscode.window.visibleNotebookEditors.find((e) => e.notebook === notebook);
  const index = editor?.selection.start;
  return index === undefined ? undefined : { notebook, cell: index };
}

async function runAround(deps: GraphRunDeps, way: 'to' | 'from', a: unknown, b: unknown): Promise<string[]> {
  const target = targetOf(a, b);
  if (!target) {
    void vscode.window.showInformationMessage('Phasebook: select a cell of a .pipeline notebook first.');
    return [];
  }
  const model = await deps.models.model(target.notebook);
  const name = typeof target.cell === 'number' ? model.names[target.cell] : target.cell;
  const cells = name ? cellsToRun(model.parsed, name, way) : [];
  if (!cells.length) {
    void vscode.window.showInformationMessage(
      `Phasebook: ${name ? `'${name}' is not a cell that runs` : 'this cell does not run'} (markdown and ` +
        `settings cells have no place in the graph).`,
    );
    return [];
  }
  deps.log.info(`run ${way} here (${name}): ${cells.join(', ')}`);
  await deps.controller.kernelFor(target.notebook).run(cells);
  return cells;
}

export function registerGraphRunCommands(deps: GraphRunDeps): vscode.Disposable {
  return vscode.Disposable.from(
    registerCommand(deps.log, {
      id: CommandId.RunToHere,
      needsTrust: true,
      run: (a: unknown, b: unknown) => runAround(deps, 'to', a, b),
    }),
    registerCommand(deps.log, {
      id: CommandId.RunFromHere,
      needsTrust: true,
      run: (a: unknown, b: unknown) => runAround(deps, 'from', a, b),
    }),
  );
}
