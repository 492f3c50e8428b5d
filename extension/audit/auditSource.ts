/**
 * Where the editor's audit marks come from: a pipeline run's run.json carries the audit report
 * (`audit`, core/audit/types.ts) of the notebook it ran — from `phasebook run` in a terminal or
 * the kernel. When such a run lands for an open notebook, its report is shown on the cells.
 */
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import * as vscode from 'vscode';
import type { AuditReport } from '../../core/audit/types';
import { NOTEBOOK_TYPE } from '../base/commandIds';
import type { PhasebookLog } from '../base/logChannel';
import { Disposable } from '../util/disposables';
import { auditOfManifest } from './auditMarks';
import type { AuditView } from './auditView';

/** Pipeline runs read when a notebook opens, newest first. */
const LATEST_SCANNED = 20;

export class AuditSource extends Disposable implements vscode.Disposable {
  /**
   * `pipelineRuns` lists the known pipeline run folders, newest first: a notebook opened after
   * its run landed shows the audit of its newest run that carries one.
   */
  constructor(
    onDidChangeRuns: vscode.Event<string[]>,
    private readonly view: AuditView,
    private readonly log: PhasebookLog,
    pipelineRuns: () => string[] = () => [],
  ) {
    super();
    this.track(
      onDidChangeRuns((dirs) => void this.read(dirs.filter((d) => basename(d).startsWith('pipeline_')))),
      vscode.workspace.onDidOpenNotebookDocument((nb) => {
        if (nb.notebookType === NOTEBOOK_TYPE) void this.latestFor(nb, pipelineRuns());
      }),
    );
  }

  private async latestFor(nb: vscode.NotebookDocument, dirs: string[]): Promise<void> {
    for (const dir of dirs.slice(0, LATEST_SCANNED)) {
      const report = await this.reportIn(dir);
      if (report && resolve(report.notebook) === resolve(nb.uri.fsPath)) {
        await this.view.show(nb, report);
        return;
      }
    }
  }

  private async reportIn(dir: string): Promise<AuditReport | undefined> {
    try {
      return auditOfManifest(JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')));
    } catch {
      return undefined; // not written yet, or removed: the next change brings it
    }
  }

  private async read(dirs: string[]): Promise<void> {
    for (const dir of dirs) {
      const report = await this.reportIn(dir);
      if (!report) continue;
      const nb = vscode.workspace.notebookDocuments.find(
        (n) => n.notebookType === NOTEBOOK_TYPE && resolve(n.uri.fsPath) === resolve(report.notebook),
      );
      if (!nb) continue;
      this.log.info(`causality audit of ${basename(report.notebook)} (${basename(dir)}): ${report.verdict}`);
      await this.view.show(nb, report);
    }
  }
}
