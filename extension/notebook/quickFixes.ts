/**
 * A Quick Fix for every "did you mean" on a phase cell: unknown keys, values of closed lists
 * (models, scalers, methods...), `from:` cell names. The fix replaces the text the diagnostic
 * covers with the suggested name.
 */
import * as vscode from 'vscode';
import { didYouMeanFix } from './cellDiagnostics';

export class DidYouMeanFixes implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
  };

  provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    return context.diagnostics.flatMap((d) => {
      if (d.source !== 'phasebook') return [];
      const fix = didYouMeanFix(d.message, document.getText(d.range));
      if (!fix) return [];
      const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(document.uri, d.range, fix.text);
      action.diagnostics = [d];
      action.isPreferred = true;
      return [action];
    });
  }
}
