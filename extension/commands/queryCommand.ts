/**
 * "Phasebook: Query metrics…" (docs/design.md §4.8): SQL on artifacts/metrics.db, run by a kernel
 * (request `query`: the host never loads sql.js), the result in the grid webview (sort, dtype
 * badges, column stats). A SQL mistake is an error message that lists the tables and views, and
 * opens nothing.
 */
import * as vscode from 'vscode';
import { UserError } from '../../core/errors';
import type { QueryReply } from '../../core/kernel/protocol';
import { resolveRoots, type ArtifactRoots } from '../../core/runs/roots';
import { explicitRootDefaults } from '../base/config';
import { CommandId } from '../base/commandIds';
import { registerCommand } from '../base/commands';
import type { PhasebookLog } from '../base/logChannel';
import type { KernelRequester } from '../dashboard/tableEditor';
import type { TableViews } from '../dashboard/tableView';
import { KernelRequestError } from '../kernel/kernelClient';

export const QUERY_METRICS_COMMAND = CommandId.QueryMetrics;
export const DEFAULT_QUERY = 'SELECT * FROM latest_metrics LIMIT 50';
const QUERY_VIEW_TYPE = 'phasebook.queryResult';

export interface QueryCommandDeps {
  /** The roots of the active notebook's kernel, when one runs. */
  activeRoots(): ArtifactRoots | undefined;
  /** Resolves when the active notebook's last run is recorded in metrics.db (it shows idle before that). */
  recorded(): Promise<void>;
  workspaceDir(): string;
  log: PhasebookLog;
  views: TableViews;
  kernel: KernelRequester;
}

/** Runs the SQL in the kernel; the user's SQL or missing database comes back as a UserError. */
async function query(kernel: KernelRequester, artifactsRoot: string, sql: string): Promise<QueryReply> {
  try {
    return await kernel.request({ type: 'query', artifactsRoot, sql });
  } catch (e) {
    if (e instanceof KernelRequestError && !e.error.stack)
      throw new UserError(e.error.message, e.error.location, e.error.details);
    throw e;
  }
}

/** Registers the command; `sql` as an argument skips the input box (tests, keybindings). */
export function registerQueryCommand(deps: QueryCommandDeps): vscode.Disposable {
  let lastSql = DEFAULT_QUERY;
  let count = 0;
  return registerCommand(deps.log, {
    id: QUERY_METRICS_COMMAND,
    args: (raw): [string | undefined] => [typeof raw[0] === 'string' ? raw[0] : undefined],
    run: async (sqlArg): Promise<vscode.WebviewPanel | undefined> => {
      // The kernel starts while the user types (a cold one takes about a second under load).
      deps.kernel.warm?.();
      const sql =
        typeof sqlArg === 'string'
          ? sqlArg
          : await vscode.window.showInputBox({
              title: 'Phasebook: Query metrics',
              prompt: 'SQL on artifacts/metrics.db — tables executions, cells, metrics; view latest_metrics',
              value: lastSql,
              ignoreFocusOut: true,
            });
      if (!sql?.trim()) return undefined;
      lastSql = sql;
      const artifacts =
        deps.activeRoots()?.artifacts ?? resolveRoots(deps.workspaceDir(), explicitRootDefaults()).artifacts;
      await deps.recorded();
      // A SQL error is the user's (a UserError): the command layer shows it and opens nothing.
      const reply = await query(deps.kernel, artifacts, sql);
      const key = `query-${++count}`;
      const panel = vscode.window.createWebviewPanel(QUERY_VIEW_TYPE, `Query ${count}`, vscode.ViewColumn.Active);
      const lifetime: vscode.Disposable[] = [];
      panel.onDidDispose(() => vscode.Disposable.from(...lifetime).dispose());
      deps.views.show(
        key,
        panel.webview,
        () => Promise.resolve({ title: 'Query result', source: reply.db, detail: sql, ipc: reply.ipc }),
        lifetime,
      );
      return panel;
    },
  });
}
