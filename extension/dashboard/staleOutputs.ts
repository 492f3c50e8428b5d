/**
 * Stale outputs dimmed (docs/design.md §9.4): tells the notebook renderer of each visible Phasebook editor which
 * cells are stale, whenever the kernel's stale cells change and when a renderer starts, and keeps what each
 * renderer reports it dims. VS Code draws text outputs itself (they cannot be styled); tables and charts dim.
 */
import * as vscode from 'vscode';
import { isRendererStaleMessage, type StaleCellsMessage } from '../../core/kernel/mimes';
import { originOf } from '../../core/orchestrate/branch';
import type { PhasebookController } from '../kernel/controller';
import { Disposable } from '../util/disposables';
import { RENDERER_ID } from './protocol';

export class StaleOutputs extends Disposable implements vscode.Disposable {
  private readonly messaging = vscode.notebooks.createRendererMessaging(RENDERER_ID);
  /** Per notebook: the cells whose tables and charts its renderer last said it dims. */
  private readonly dimmed = new Map<string, readonly string[]>();

  constructor(private readonly controller: PhasebookController) {
    super();
    this.track(
      controller.onDidChangeKernel((k) => this.send(k.notebook)),
      this.messaging.onDidReceiveMessage(({ editor, message }) => {
        if (!isRendererStaleMessage(message)) return;
        if (message.type === 'rendererReady') this.send(editor.notebook, [editor]);
        else this.dimmed.set(editor.notebook.uri.toString(), message.cells);
      }),
      vscode.workspace.onDidCloseNotebookDocument((nb) => this.dimmed.delete(nb.uri.toString())),
    );
  }

  private send(
    nb: vscode.NotebookDocument,
    editors = vscode.window.visibleNotebookEditors.filter((e) => e.notebook === nb),
  ): void {
    // A fanned-out branch is stale as its cell: the outputs carry the cell's name.
    const cells = [...new Set([...(this.controller.existingKernel(nb)?.stale ?? [])].map(originOf))];
    const message: StaleCellsMessage = { type: 'staleCells', cells };
    for (const e of editors) void this.messaging.postMessage(message, e);
  }

  /** The cells whose tables and charts a notebook's renderer shows dimmed, as it last reported. */
  dimmedCells(nb: vscode.NotebookDocument): readonly string[] {
    return this.dimmed.get(nb.uri.toString()) ?? [];
  }
}
