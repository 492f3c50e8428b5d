/** Every command id the extension registers (package.json contributes the same ids). */
export enum CommandId {
  NewNotebook = 'phasebook.newNotebook',
  NewPipelineFile = 'phasebook.newPipelineFile',
  AddPhaseCell = 'phasebook.addPhaseCell',
  RunHeadless = 'phasebook.runHeadless',
  TrainStacking = 'phasebook.trainStacking',
  QueryMetrics = 'phasebook.queryMetrics',
  OpenRun = 'phasebook.openRun',
  CompareRuns = 'phasebook.compareRuns',
  ListCvRuns = 'phasebook.listCvRuns',
  RestartKernel = 'phasebook.restartKernel',
  InterruptKernel = 'phasebook.interruptKernel',
  ToggleAutorun = 'phasebook.toggleAutorun',
  SwitchToAutorun = 'phasebook.switchToAutorun',
  SwitchToLazy = 'phasebook.switchToLazy',
  RunStaleCells = 'phasebook.runStaleCells',
  ValidateDataFile = 'phasebook.validateDataFile',
  ShowLogs = 'phasebook.showLogs',
  ChangeCellKind = 'phasebook.changeCellKind',
  RefreshRuns = 'phasebook.refreshRuns',
  ShowMoreRuns = 'phasebook.showMoreRuns',
  OpenDashboard = 'phasebook.openDashboard',
  CompareSelected = 'phasebook.compareSelected',
  TrainStackingOnRun = 'phasebook.trainStackingOnRun',
  CopyRunId = 'phasebook.copyRunId',
  RevealRun = 'phasebook.revealRun',
  DeleteRun = 'phasebook.deleteRun',
  OpenArtifact = 'phasebook.openArtifact',
  PreviewTable = 'phasebook.previewTable',
  InstallCli = 'phasebook.installCli',
  OpenCheckpoint = 'phasebook.openCheckpoint',
  OpenRunNotebook = 'phasebook.openRunNotebook',
  RenameRun = 'phasebook.renameRun',
  TagRun = 'phasebook.tagRun',
  AnnotateRun = 'phasebook.annotateRun',
  OpenExperiments = 'phasebook.openExperiments',
  ShowPipelineGraph = 'phasebook.showPipelineGraph',
  RunToHere = 'phasebook.runToHere',
  RunFromHere = 'phasebook.runFromHere',
}

/** Context keys the manifest's `when` clauses read. */
export enum ContextKey {
  Autorun = 'phasebook.autorun',
  HasStaleCells = 'phasebook.hasStaleCells',
}

export const NOTEBOOK_TYPE = 'phasebook';
export const CONTROLLER_ID = 'phasebook-kernel';
export const RUNS_VIEW_ID = 'phasebook.runs';
