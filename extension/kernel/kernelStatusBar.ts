/**
 * The status-bar item for the active notebook's kernel (state and mode; click for kernel actions),
 * and the context keys the toolbar reads (autorun on/off, stale cells present).
 */
import * as vscode from 'vscode';
import { CommandId, ContextKey, NOTEBOOK_TYPE } from '../base/commandIds';
import type { PhasebookController } from './controller';
import type { NotebookKernel } from './notebookKernel';
import { Disposable } from '../util/disposables';

const STATE_TEXT: Record<string, { icon: string; text: string }> = {
  none: { icon: 'circle-large-outline', text: 'not started' },
  starting: { icon: 'loading~spin', text: 'starting' },
  idle: { icon: 'circle-large-outline', text: 'idle' },
  busy: { icon: 'circle-large-filled', text: 'busy' },
  dead: { icon: 'error', text: 'stopped unexpectedly' },
  stopped: { icon: 'debug-stop', text: 'stopped' },
};

export class KernelStatusBar extends Disposable implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('phasebook.kernel', vscode.StatusBarAlignment.Left, 50);

  constructor(private readonly controller: PhasebookController) {
    super();
    this.item.name = 'Phasebook kernel';
    this.item.command = CommandId.RestartKernel;
    this.track(
      this.item,
      vscode.window.onDidChangeActiveNotebookEditor(() => void this.update()),
      controller.onDidChangeKernel((k) => {
        if (k.notebook === vscode.window.activeNotebookEditor?.notebook) void this.update();
      }),
    );
    void this.update();
  }

  private activeKernel(): NotebookKernel | undefined {
    const nb = vscode.window.activeNotebookEditor?.notebook;
    return nb?.notebookType === NOTEBOOK_TYPE ? this.controller.kernelFor(nb) : undefined;
  }

  async update(): Promise<void> {
    const kernel = this.activeKernel();
    if (!kernel) {
      this.item.hide();
      void vscode.commands.executeCommand('setContext', ContextKey.Autorun, false);
      void vscode.commands.executeCommand('setContext', ContextKey.HasStaleCells, false);
      return;
    }
    const mode = await kernel.mode();
    const s = STATE_TEXT[kernel.state] ?? STATE_TEXT.none!;
    const trusted = vscode.workspace.isTrusted;
    this.item.text =
      `$(${trusted ? s.icon : 'shield'}) Phasebook: ${trusted ? s.text : 'restricted'} · ` +
      `${mode}${kernel.stale.size ? ` · ${kernel.stale.size} stale` : ''}`;
    this.item.tooltip = trusted
      ? `Kernel of ${kernel.label}: ${s.text}. Mode ${mode} ` +
        `(${mode === 'autorun' ? 'edits re-run stale cells' : 'edits only mark cells stale'}). Click to ` +
        `restart the kernel.`
      : 'Untrusted workspace: Phasebook runs nothing here.';
    this.item.backgroundColor =
      kernel.state === 'dead' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
    void vscode.commands.executeCommand('setContext', ContextKey.Autorun, mode === 'autorun');
    void vscode.commands.executeCommand('setContext', ContextKey.HasStaleCells, kernel.stale.size > 0);
  }
}
