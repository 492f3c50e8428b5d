/**
 * Runs `phasebook <args>` as a VS Code task: the CLI process is started with its arguments whole
 * (no text typed into a shell that may still be starting and drop the first characters), in a
 * task terminal that shows its output and exit code. Resolves with the process's exit code.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { cliCommandLine } from './shellLine';

/** The task type of CLI runs (package.json contributes.taskDefinitions). */
export const CLI_TASK_TYPE = 'phasebook';

export interface CliTaskRun {
  /** The command line as a user would type it (`<node> <extension>/dist/cli.js <args>`). */
  line: string;
  /** The exit code of the CLI process (undefined when it was killed or never started). */
  exitCode: Promise<number | undefined>;
}

export async function runCliTask(extensionPath: string, args: string[], cwd?: string): Promise<CliTaskRun> {
  const cli = join(extensionPath, 'dist', 'cli.js');
  const execution = new vscode.ProcessExecution(process.execPath, [cli, ...args], {
    env: { ELECTRON_RUN_AS_NODE: '1' },
    ...(cwd ? { cwd } : {}),
  });
  const task = new vscode.Task(
    { type: CLI_TASK_TYPE, args },
    vscode.TaskScope.Workspace,
    `phasebook ${args.join(' ')}`,
    'phasebook',
    execution,
  );
  task.presentationOptions = {
    reveal: vscode.TaskRevealKind.Always,
    panel: vscode.TaskPanelKind.Dedicated,
    clear: true,
    showReuseMessage: false,
  };
  let settle: (code: number | undefined) => void = () => undefined;
  const exitCode = new Promise<number | undefined>((resolve) => {
    settle = resolve;
  });
  const started = await vscode.tasks.executeTask(task);
  const sub = vscode.tasks.onDidEndTaskProcess((e) => {
    if (e.execution !== started) return;
    sub.dispose();
    settle(e.exitCode);
  });
  return { line: cliCommandLine(process.execPath, cli, args), exitCode };
}
