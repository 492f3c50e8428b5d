/**
 * "Phasebook: Query metrics…" (docs/design.md §4.8): SQL on artifacts/metrics.db, the result as an aligned
 * table in a read-only `phasebook-query:` document (the same layout as `phasebook query`). A SQL
 * mistake is an error message that lists the tables and views.
 */
import * as vscode from 'vscode';
import { formatQueryTable } from '../../core/cli/commands/query';
import { formatUserError, isUserError } from '../../core/errors';
import { metricsDbPath, queryMetrics } from '../../core/orchestrate/metricsDb';
import { resolveRoots, type ArtifactRoots } from '../../core/runs/roots';
import { explicitRootDefaults } from '../base/config';
import { CommandId } from '../base/commandIds';

export const QUERY_METRICS_COMMAND = CommandId.QueryMetrics;
export const QUERY_SCHEME = 'phasebook-query';
export const DEFAULT_QUERY = 'SELECT * FROM latest_metrics LIMIT 50';

export interface QueryCommandDeps {
  /** The roots of the active notebook's kernel, when one runs. */
  activeRoots(): ArtifactRoots | undefined;
  workspaceDir(): string;
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
    vscode.commands.registerCommand(QUERY_METRICS_COMMAND, async (sqlArg?: string): Promise<vscode.TextEditor | undefined> => {
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
      const db = metricsDbPath(deps.activeRoots()?.artifacts ?? resolveRoots(deps.workspaceDir(), explicitRootDefaults()).artifacts);
      try {
        const table = formatQueryTable(await queryMetrics(db, sql));
        const doc = await vscode.workspace.openTextDocument(docs.add(queryResultText(db, sql, table)));
        return await vscode.window.showTextDocument(doc, { preview: true });
      } catch (e) {
        const message = isUserError(e) ? formatUserError(e) : `internal error: ${(e as Error).message}`;
        void vscode.window.showErrorMessage(`Phasebook: ${message}`, { modal: false });
        return undefined;
      }
    }),
  );
}
