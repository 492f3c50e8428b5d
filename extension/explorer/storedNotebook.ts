/**
 * The notebook a pipeline run kept (notebook.pipeline in its folder), shown read-only as a
 * `phasebook-run-notebook:` document: a content provider's documents cannot be edited or saved.
 * The document's name is "<notebook> at <run id>" and does not end in .pipeline, so it opens as
 * text (and as the left side of a text diff), never as a notebook.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from '../util/disposables';

export const RUN_NOTEBOOK_SCHEME = 'phasebook-run-notebook';

export class StoredNotebookProvider extends Disposable implements vscode.TextDocumentContentProvider {
  constructor() {
    super();
    this.track(vscode.workspace.registerTextDocumentContentProvider(RUN_NOTEBOOK_SCHEME, this));
  }

  /** The read-only document of a stored notebook file, named after the notebook and the run. */
  static uriFor(storedPath: string, notebookName: string, runId: string): vscode.Uri {
    const name = `${basename(notebookName)} at ${runId.replace(/[\\/]/g, '_')}`;
    return vscode.Uri.from({
      scheme: RUN_NOTEBOOK_SCHEME,
      path: join(dirname(storedPath), name).replace(/\\/g, '/'),
      query: encodeURIComponent(storedPath),
    });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const path = decodeURIComponent(uri.query);
    try {
      return await readFile(path, 'utf8');
    } catch (e) {
      return `${path} cannot be read: ${(e as Error).message}\n`;
    }
  }
}
