/**
 * Activation: builds every feature of the host and hands each Disposable to the context.
 * Data flows one way (docs/design.md §1.1): the host sends notebooks and requests to kernels, and shows what
 * comes back and what lands on disk; it never computes.
 */
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { maybeRunHostTests } from './testHook';
import type { PhasebookApi } from './api';
import { StackingTrainer } from './codelens/stackingTrainer';
import { registerStackingLenses } from './codelens/stackingLenses';
import { CommandId, NOTEBOOK_TYPE } from './base/commandIds';
import { registerGraphRunCommands } from './commands/graphRunCommands';
import { registerNotebookCommands, targetNotebook } from './commands/notebookCommands';
import { registerQueryCommand } from './commands/queryCommand';
import { registerRunCommands } from './commands/runCommands';
import { registerRecordedCommands } from './commands/recordedCommands';
import { registerAnnotateCommands } from './commands/annotateCommands';
import { registerCommand } from './base/commands';
import { ExperimentsPanel } from './experiments/panel';
import { viewRequestOf, type ExperimentsViewRequest } from './experiments/protocol';
import { resolveRoots } from '../core/runs/roots';
import { explicitRootDefaults, readSettings } from './base/config';
import { registerDashboard } from './dashboard/register';
import { TableEditorProvider } from './dashboard/tableEditor';
import { PipelineGraphPanel } from './graph/graphPanel';
import { RunExplorer } from './explorer/runExplorer';
import { GROUP_LABEL, GROUP_ORDER } from './explorer/runIndex';
import { PhasebookController } from './kernel/controller';
import { KernelStatusBar } from './kernel/kernelStatusBar';
import { UtilityKernel } from './kernel/utilityKernel';
import { PhasebookLog } from './base/logChannel';
import { AuditSource } from './audit/auditSource';
import { AuditView } from './audit/auditView';
import { CellStatusBar } from './kernel/cellStatusBar';
import { CellDiagnosticsProvider } from './notebook/diagnostics';
import { StaleOutputs } from './dashboard/staleOutputs';
import { registerLanguageFeatures } from './notebook/languageFeatures';
import { NotebookModels } from './notebook/models';
import { InlineMarkerLifter } from './notebook/phaseCells';
import { PipelineSerializer, SERIALIZER_OPTIONS } from './notebook/serializer';
import { registerTerminalPath } from './terminalPath';

export function activate(context: vscode.ExtensionContext): PhasebookApi {
  const activationStart = Date.now();
  void maybeRunHostTests(context);
  const push = <T extends vscode.Disposable>(d: T): T => {
    context.subscriptions.push(d);
    return d;
  };
  const kernelModulePath = vscode.Uri.joinPath(context.extensionUri, 'dist', 'kernel.js').fsPath;
  const log = push(new PhasebookLog());
  log.info(
    `Phasebook ${String((context.extension.packageJSON as { version?: string }).version)} activating ` +
      `(workspace ${vscode.workspace.isTrusted ? 'trusted' : 'untrusted'})`,
  );

  push(vscode.workspace.registerNotebookSerializer(NOTEBOOK_TYPE, new PipelineSerializer(), SERIALIZER_OPTIONS));
  const models = push(new NotebookModels());
  const explorer = push(new RunExplorer(log));
  const workspaceDir = () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? context.extensionUri.fsPath;
  const utility = push(
    new UtilityKernel(kernelModulePath, workspaceDir, () => readSettings().kernelMemoryLimitMb, log),
  );
  const dashboards = push(registerDashboard(context, { log, runChanges: explorer.onDidChangeRuns, kernel: utility }));
  const controller = push(
    new PhasebookController(models, {
      models,
      log,
      kernelModulePath,
      settings: () => readSettings(),
      rootDefaults: () => explicitRootDefaults(),
      onRunCreated: (run) => void explorer.refreshRun(run.dir),
      onRoots: (roots) => explorer.addRoots(roots),
      onCrash: (kernel, message) => {
        void vscode.window
          .showErrorMessage(`${kernel.label}: ${message}`, 'Restart kernel', 'Show logs')
          .then((choice) => {
            if (choice === 'Restart kernel')
              void vscode.commands.executeCommand(CommandId.RestartKernel, kernel.notebook.uri);
            if (choice === 'Show logs') log.show();
          });
      },
    }),
  );
  const tables = push(TableEditorProvider.create(context.extensionUri, log, utility));
  const trainer = new StackingTrainer(explorer, dashboards, utility, log);
  const diagnostics = push(
    new CellDiagnosticsProvider(models, {
      facts: (nb) => {
        const kernel = controller.existingKernel(nb);
        return kernel && { schemaOf: (c) => kernel.nodeStates.schemaOf(c), isStale: (c) => kernel.stale.has(c) };
      },
      onDidChange: (listener) => controller.onDidChangeNodes((k) => listener(k.notebook)),
    }),
  );

  const cellStatusBar = push(new CellStatusBar(models, controller));
  const staleOutputs = push(new StaleOutputs(controller));
  const audit = push(new AuditView(models));
  const pipelineRuns = () =>
    explorer.index
      .all()
      .filter((r) => r.kind === 'pipeline')
      .sort((a, b) => b.created.localeCompare(a.created))
      .map((r) => r.dir);
  push(new AuditSource(explorer.onDidChangeRuns, audit, log, pipelineRuns));
  push(new KernelStatusBar(controller));
  push(registerLanguageFeatures(models, (nb, cell) => controller.existingKernel(nb)?.nodeStates.schemaOf(cell)));
  push(registerStackingLenses(models, controller));
  push(registerNotebookCommands({ controller, log, extensionUri: context.extensionUri, utility }));
  push(new InlineMarkerLifter());
  push(registerTerminalPath(context, log));
  push(registerGraphRunCommands({ controller, models, log }));
  const graph = push(new PipelineGraphPanel({ extensionUri: context.extensionUri, models, controller, audit, log }));
  push(
    registerCommand(log, { id: CommandId.ShowPipelineGraph, run: (arg: unknown) => graph.show(targetNotebook(arg)) }),
  );
  const notebookKernel = (uri: vscode.Uri) => {
    const nb = vscode.workspace.notebookDocuments.find((n) => n.uri.toString() === uri.toString());
    return nb ? controller.kernelFor(nb) : undefined;
  };
  push(registerRunCommands({ explorer, dashboards, trainer, tables, log, notebookKernel }));
  push(registerRecordedCommands({ explorer, log }));
  push(registerAnnotateCommands({ explorer, log }));
  const experiments = push(
    new ExperimentsPanel({
      extensionUri: context.extensionUri,
      index: explorer.index,
      whenReady: () => explorer.whenReady(),
      runChanges: explorer.onDidChangeRuns,
      dashboards,
      kernel: utility,
      artifactsRoots: () => [
        resolveRoots(workspaceDir(), explicitRootDefaults()).artifacts,
        ...vscode.workspace.notebookDocuments.flatMap(
          (nb) => controller.existingKernel(nb)?.artifactRoots?.artifacts ?? [],
        ),
      ],
      log,
    }),
  );
  push(
    registerCommand(log, {
      id: CommandId.OpenExperiments,
      args: (raw): [ExperimentsViewRequest | undefined] => [viewRequestOf(raw[0])],
      run: (view) => experiments.open(view),
    }),
  );
  push(
    registerQueryCommand({
      log,
      workspaceDir,
      views: tables.views,
      kernel: utility,
      activeRoots: () => {
        const nb = vscode.window.activeNotebookEditor?.notebook;
        return nb ? controller.existingKernel(nb)?.artifactRoots : undefined;
      },
      recorded: async () => {
        const nb = vscode.window.activeNotebookEditor?.notebook;
        await (nb ? controller.existingKernel(nb)?.recorded() : undefined);
      },
    }),
  );

  log.info(
    `Phasebook ${String((context.extension.packageJSON as { version?: string }).version)} activated in ` +
      `${Date.now() - activationStart} ms`,
  );
  return {
    kernelState: (nb) => controller.existingKernel(nb)?.state ?? 'none',
    kernelPid: (nb) => controller.existingKernel(nb)?.pid,
    staleCells: (nb) => [...(controller.existingKernel(nb)?.stale ?? [])],
    dimmedCells: (nb) => [...staleOutputs.dimmedCells(nb)],
    cellStatusItems: async (cell) => (await cellStatusBar.provideCellStatusBarItems(cell)).map((i) => i.text),
    cellNames: async (nb) => (await models.model(nb)).names,
    mode: (nb) => controller.kernelFor(nb).mode(),
    completedRuns: (nb) => [...(controller.existingKernel(nb)?.completedRuns.values() ?? [])],
    runs: () => explorer.index.all(),
    waitForRun: (match, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const now = explorer.index.all().find(match);
        if (now) return resolve(now);
        const timer = setTimeout(() => {
          sub.dispose();
          reject(new Error(`no matching run appeared in the explorer within ${timeoutMs} ms`));
        }, timeoutMs);
        const sub = explorer.onDidChangeRuns(() => {
          const found = explorer.index.all().find(match);
          if (!found) return;
          clearTimeout(timer);
          sub.dispose();
          resolve(found);
        });
      }),
    explorerRows: async () => {
      await explorer.whenReady();
      return GROUP_ORDER.filter((g) => explorer.index.group(g).length).map((g) => ({
        group: GROUP_LABEL[g],
        runs: explorer.index.group(g).map((s) => s.id),
      }));
    },
    explorerFolderRows: async (dir, folder) => {
      const tree = explorer.tree;
      const target = (await tree.getChildren(tree.runNode(dir))).find(
        (n) => n.type === 'file' && n.path === join(dir, folder),
      );
      const rows = target ? await tree.getChildren(target) : [];
      return rows.map((n) => {
        const item = tree.getTreeItem(n);
        return {
          name: n.type === 'file' ? basename(n.path) : String(item.label),
          ...(typeof item.description === 'string' ? { description: item.description } : {}),
          ...(item.contextValue ? { contextValue: item.contextValue } : {}),
        };
      });
    },
    explorerRunRow: async (dir) => {
      await explorer.whenReady();
      const item = explorer.tree.getTreeItem(explorer.tree.runNode(dir));
      return {
        ...(typeof item.label === 'string' ? { label: item.label } : {}),
        ...(typeof item.description === 'string' ? { description: item.description } : {}),
        ...(typeof item.tooltip === 'string' ? { tooltip: item.tooltip } : {}),
      };
    },
    watcherIsPolling: () => explorer.isPolling,
    diagnostics: (cell) => diagnostics.diagnosticsOf(cell),
    auditDiagnostics: (cell) => audit.diagnosticsOf(cell),
    auditBadges: (notebook) => audit.badges(notebook),
    trainStacking: (dir, choice, notebook) =>
      trainer.trainOn(dir, choice, notebook ? notebookKernel(notebook.uri) : undefined),
    openDashboards: () => dashboards.openRuns,
    tableViews: () => tables.views.drawn(),
    idleLatencyMs: (nb) => controller.existingKernel(nb)?.timeline.lastIdleLatencyMs,
    experimentsRendered: () => experiments.lastRendered,
    experimentsPost: (message) => experiments.receive(message),
    pipelineGraph: () => ({
      open: graph.isOpen,
      sent: graph.lastSent,
      rendered: graph.lastRendered,
      post: (message) => graph.receive(message),
    }),
  };
}

export function deactivate(): void {}
