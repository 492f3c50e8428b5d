/**
 * Where the editor's audit marks come from: a pipeline run's run.json carries the audit report
 * (`audit`, core/audit/types.ts) of the notebook it ran — from `phasebook run` in a terminal or
 * the kernel. When such a run lands for an open notebook, its report is shown on the cells.
 */
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import * as vscode from 'vscode';
import { NOTEBOOK_TYPE } from '../base/commandIds';
import type { PhasebookLog } from '../base/logChannel';
import { Disposable } from '../util/disposables';
import { auditOfManifest } from './auditMarks';
import type { AuditView } from './auditView';

export class AuditSource extends Disposable implements vscode.Disposable {
  constructor(onDidChangeRuns: vscode.Event<string[]>, private readonly view: AuditView, private readonly log: PhasebookLog) {
    super();
    this.track(onDidChangeRuns((dirs) => void this.read(dirs.filter((d) => basename(d).startsWith('pipeline_')))));
  }

  private async read(dirs: string[]): Promise<void> {
    for (const dir of dirs) {
      let json: unknown;
      try {
        json = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'));
      } catch {
        continue; // not written yet, or removed: the next change brings it
      }
      const report = auditOfManifest(json);
      if (!report) continue;
      const nb = vscode.workspace.notebookDocuments.find((n) => n.notebookType === NOTEBOOK_TYPE && resolve(n.uri.fsPath) === resolve(report.notebook));
      if (!nb) continue;
      this.log.info(`causality audit of ${basename(report.notebook)} (${basename(dir)}): ${report.verdict}`);
      await this.view.show(nb, report);
    }
  }
}
