/**
 * "Phasebook: Query metrics…" (docs/design.md §4.8): SQL on artifacts/metrics.db, the result as an aligned
 * table in a read-only `phasebook-query:` document (the same layout as `phasebook query`). A SQL
 * mistake is an error message that lists the tables and views.
 */
import * as vscode from 'vscode';
import { formatQueryTable } from '../../core/cli/commands/query';
import { metricsDbPath, queryMetrics } from '../../core/orchestrate/metricsDb';
import { resolveRoots, type ArtifactRoots } from '../../core/runs/roots';
import { explicitRootDefaults } from '../base/config';
import { CommandId } from '../base/commandIds';
import { registerCommand } from '../base/commands';
import type { PhasebookLog } from '../base/logChannel';

export const QUERY_METRICS_COMMAND = CommandId.QueryMetrics;
export const QUERY_SCHEME = 'phasebook-query';
export const DEFAULT_QUERY = 'SELECT * FROM latest_metrics LIMIT 50';

export interface QueryCommandDeps {
  /** The roots of the active notebook's kernel, when one runs. */
  activeRoots(): ArtifactRoots | undefined;
  workspaceDir(): string;
  log: PhasebookLog;
}

/** The document text: the SQL and database, then the table. */
export function queryResultText(dbPath: string, sql: string, table: string): string {
  return [`-- ${dbPath}`, `-- ${sql}`, '', table, ''].join('\n');
}

class QueryDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private count = 0;

  add(text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: QUERY_SCHEME, path: `/query-${++this.count}.txt` });
    this.texts.set(uri.toString(), text);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '(this query result is no longer available: run the query again)\n';
  }
}

/** Registers the command; `sql` as an argument skips the input box (tests, keybindings). */
export function registerQueryCommand(deps: QueryCommandDeps): vscode.Disposable {
  const docs = new QueryDocuments();
  let lastSql = DEFAULT_QUERY;
  return vscode.Disposable.from(
    vscode.workspace.registerTextDocumentContentProvider(QUERY_SCHEME, docs),
    registerCommand(deps.log, {
      id: QUERY_METRICS_COMMAND,
      args: (raw): [string | undefined] => [typeof raw[0] === 'string' ? raw[0] : undefined],
      run: async (sqlArg): Promise<vscode.TextEditor | undefined> => {
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
        const db = metricsDbPath(
          deps.activeRoots()?.artifacts ?? resolveRoots(deps.workspaceDir(), explicitRootDefaults()).artifacts,
        );
        // A SQL error is the user's (a UserError): the command layer shows it and opens nothing.
        const table = formatQueryTable(await queryMetrics(db, sql));
        const doc = await vscode.workspace.openTextDocument(docs.add(queryResultText(db, sql, table)));
        return await vscode.window.showTextDocument(doc, { preview: true });
      },
    }),
  );
}
