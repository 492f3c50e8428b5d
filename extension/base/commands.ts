/** registerCommand with the boundary of commandBoundary.ts: every Phasebook command goes through it. */
import * as vscode from 'vscode';
import { invokeCommand, UNTRUSTED_MESSAGE, type CommandHost, type CommandSpec } from './commandBoundary';
import type { PhasebookLog } from './logChannel';

export type { CommandSpec };

const SHOW_LOGS = 'Show logs';

function hostFor(log: PhasebookLog): CommandHost {
  return {
    isTrusted: () => vscode.workspace.isTrusted,
    refuseUntrusted: () => void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE),
    failed: (_id, f) => {
      if (f.user) log.warn(f.detail);
      else log.error(f.detail);
      void vscode.window.showErrorMessage(f.message, SHOW_LOGS).then((choice) => {
        if (choice === SHOW_LOGS) log.show();
      });
    },
  };
}

export function registerCommand<A extends unknown[]>(log: PhasebookLog, spec: CommandSpec<A>): vscode.Disposable {
  const host = hostFor(log);
  return vscode.commands.registerCommand(spec.id, (...raw: unknown[]) => invokeCommand(spec, raw, host));
}
