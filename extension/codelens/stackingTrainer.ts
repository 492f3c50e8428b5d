/**
 * "Train stacking on this run": asks for the horizon and the meta-learner (quick picks, defaults
 * from the settings), trains in a kernel with a cancellable progress notification, then shows the
 * new training run in the explorer and opens its dashboard. The loader's errors (a horizon the CV
 * run lacks, with the horizons it has) are shown as they come.
 */
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { formatCellError } from '../../core/graph/cellError';
import type { TrainStackingReply } from '../../core/kernel/protocol';
import type { RunSummary } from '../../core/runs/scan';
import { readSettings } from '../base/config';
import type { DashboardOpener } from '../dashboard/register';
import type { RunExplorer } from '../explorer/runExplorer';
import { KernelGoneError, KernelRequestError } from '../kernel/kernelClient';
import type { NotebookKernel } from '../kernel/notebookKernel';
import type { UtilityKernel } from '../kernel/utilityKernel';
import type { PhasebookLog } from '../base/logChannel';
import { horizonChoices, metaLearnerChoices, oneLine, type StackingChoice } from './stackingChoices';

export type { StackingChoice } from './stackingChoices';

export class StackingTrainer {
  constructor(
    private readonly explorer: RunExplorer,
    private readonly dashboards: DashboardOpener,
    private readonly kernel: UtilityKernel,
    private readonly log: PhasebookLog,
  ) {}

  /** Picks horizon and meta-learner; undefined when the user backs out. */
  async ask(run: RunSummary): Promise<StackingChoice | undefined> {
    const settings = readSettings(vscode.Uri.file(run.dir));
    const horizons = horizonChoices(run.horizons ?? [], settings.defaultHorizon);
    const other = { label: 'Other horizon…', horizon: NaN, description: 'type a horizon' };
    const pickedH = await vscode.window.showQuickPick(
      [...horizons.map((h) => ({ label: `H${h.horizon}`, horizon: h.horizon, description: h.note })), other],
      { title: `Train stacking on ${run.id}: horizon`, placeHolder: 'Out-of-fold predictions of which label horizon?' },
    );
    if (!pickedH) return undefined;
    let horizon = pickedH.horizon;
    if (Number.isNaN(horizon)) {
      const typed = await vscode.window.showInputBox({
        title: 'Horizon',
        prompt: `Horizons of this run: ${(run.horizons ?? []).join(', ') || 'unknown'}`,
        validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) > 0 ? undefined : 'a whole number of rows, e.g. 20'),
      });
      if (!typed) return undefined;
      horizon = Number(typed.trim());
    }
    const learners = metaLearnerChoices(settings.defaultMetaLearner);
    const pickedM = await vscode.window.showQuickPick(
      learners.map((m, i) => ({ label: m, description: i === 0 ? 'default' : undefined })),
      { title: `Train stacking on ${run.id}: meta-learner (H${horizon})` },
    );
    if (!pickedM) return undefined;
    return { horizon, metaLearner: pickedM.label };
  }

  /** Where a training run for this CV run goes: the runs root of the same root set. */
  runsRootFor(run: RunSummary): string {
    const owner = this.explorer.watchedRoots().find((r) => r.layout === 'stacking' && r.path === dirname(run.dir));
    return owner?.roots.runs ?? `${dirname(dirname(dirname(run.dir)))}/runs`;
  }

  /**
   * The whole flow for a CV run folder; resolves with the reply when a run was trained. From a
   * notebook's CodeLens it trains in that notebook's kernel (its seed and folder), else in the
   * explorer's kernel.
   */
  async trainOn(
    cvRunDir: string,
    choice?: StackingChoice,
    notebookKernel?: NotebookKernel,
  ): Promise<TrainStackingReply | undefined> {
    const run = this.explorer.index.get(cvRunDir) ?? (await this.explorer.refreshRun(cvRunDir));
    if (!run || run.kind !== 'cv') {
      void vscode.window.showErrorMessage(`Phasebook: ${basename(cvRunDir)} is not a cross-validation run.`);
      return undefined;
    }
    const picked = choice ?? (await this.ask(run));
    if (!picked) return undefined;
    const request = {
      type: 'trainStacking' as const,
      cvRunId: run.id,
      horizon: picked.horizon,
      metaLearner: picked.metaLearner,
      stackingRoot: dirname(run.dir),
      runsRoot: this.runsRootFor(run),
    };
    this.log.info(`training stacking on ${run.id}: H${picked.horizon}, meta-learner ${picked.metaLearner}`);
    try {
      const reply = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Training stacking (H${picked.horizon}, ${picked.metaLearner}) on ${run.id}`,
          cancellable: true,
        },
        (_progress, token) =>
          notebookKernel ? notebookKernel.request(request, token) : this.kernel.request(request, token),
      );
      this.log.info(`stacking run ${reply.runId} written to ${reply.dir}`);
      await this.explorer.refreshRun(reply.dir);
      await this.explorer.reveal(reply.dir);
      await this.dashboards.openRun(reply.dir);
      return reply;
    } catch (e) {
      const message =
        e instanceof KernelRequestError
          ? formatCellError(e.error)
          : e instanceof KernelGoneError
            ? 'cancelled'
            : (e as Error).message;
      this.log.error(`stacking on ${run.id} failed: ${message}`);
      if (message !== 'cancelled')
        void vscode.window.showErrorMessage(`Phasebook: stacking on ${run.id} failed: ${oneLine(message)}`);
      throw e instanceof KernelRequestError ? e : new Error(message);
    }
  }
}
