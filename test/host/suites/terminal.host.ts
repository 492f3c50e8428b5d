// The CLI the UI points to is there (docs/design.md §9.10): integrated terminals find `phasebook` on
// their PATH, and "Validate data file…" runs its command whole, as a task whose exit code is the
// CLI's (0 valid, 2 invalid), instead of typing it into a terminal that may drop characters.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { phasebookExtension, workspaceRoot, writeWorkspaceFile } from '../support';

const HEADER = 'timestamp,symbol,open,high,low,close,volume';
const rows = (n: number, bad?: number) =>
  Array.from({ length: n }, (_, i) => {
    const ts = new Date(Date.UTC(2024, 0, 1, i)).toISOString();
    const [high, low] = i === bad ? [99, 101] : [101, 99];
    return `${ts},BTCUSDT,100,${high},${low},100.5,10`;
  });

/**
 * Runs "Validate data file…" on `file`, picking the first contract offered (ohlcv); resolves with the task's exit code.
 */
async function validateViaCommand(file: vscode.Uri): Promise<{ name: string; exitCode: number | undefined }> {
  const ended = new Promise<{ name: string; exitCode: number | undefined }>((resolve) => {
    const sub = vscode.tasks.onDidEndTaskProcess((e) => {
      if (e.execution.task.definition.type !== 'phasebook') return;
      sub.dispose();
      resolve({ name: e.execution.task.name, exitCode: e.exitCode });
    });
  });
  let settled = false;
  const command = Promise.resolve(vscode.commands.executeCommand('phasebook.validateDataFile', file)).finally(() => {
    settled = true;
  });
  // The command asks for a contract in a quick pick; accept its first item (ohlcv) as a user would.
  while (!settled) {
    await new Promise((r) => setTimeout(r, 300));
    if (!settled) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  }
  await command;
  return ended;
}

suite('terminal', () => {
  suiteSetup(async () => {
    await phasebookExtension().activate();
    // The harness opens its activation notebook through quick open; a quick pick of ours must not
    // steal that input: wait until the notebook is shown (bounded well inside the hook's timeout:
    // when an earlier suite closed every editor there is no notebook to wait for).
    const deadline = Date.now() + 15_000;
    while (!vscode.window.visibleNotebookEditors.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 500));
  });

  test("an integrated terminal finds `phasebook` on its PATH (the extension's bin/ folder) and it runs", async () => {
    const out = vscode.Uri.joinPath(workspaceRoot(), 'host-tests', 'terminal-path.txt');
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(workspaceRoot(), 'host-tests'));
    const script =
      `command -v phasebook > '${out.fsPath}.tmp'; phasebook --version >> '${out.fsPath}.tmp'; mv ` +
      `'${out.fsPath}.tmp' '${out.fsPath}'`;
    const terminal = vscode.window.createTerminal({
      name: 'phasebook PATH test',
      shellPath: '/bin/sh',
      shellArgs: ['-c', script],
    });
    try {
      const deadline = Date.now() + 30_000;
      let text = '';
      while (Date.now() < deadline) {
        try {
          text = readFileSync(out.fsPath, 'utf8');
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      const [where, version] = text.trim().split('\n');
      const ext = phasebookExtension().extensionPath;
      assert.equal(
        where,
        `${ext}/bin/phasebook`,
        `the terminal's phasebook is not the extension's: ${JSON.stringify(text)}`,
      );
      assert.match(version ?? '', /^\d+\.\d+\.\d+$/, `phasebook --version printed ${JSON.stringify(version)}`);
    } finally {
      terminal.dispose();
    }
  });

  test(
    '"Validate data file…" runs `phasebook validate <file> --contract ohlcv` whole: exit 0 on a valid file, 2 ' +
      'on an invalid one',
    async () => {
      const good = await writeWorkspaceFile('host-tests/validate-good.csv', [HEADER, ...rows(24)].join('\n') + '\n');
      const ok = await validateViaCommand(good);
      assert.equal(ok.name, `phasebook validate ${good.fsPath} --contract ohlcv`);
      assert.equal(ok.exitCode, 0, `the valid file did not validate (exit ${ok.exitCode})`);
      const bad = await writeWorkspaceFile('host-tests/validate-bad.csv', [HEADER, ...rows(24, 5)].join('\n') + '\n');
      const failed = await validateViaCommand(bad);
      assert.equal(
        failed.exitCode,
        2,
        `a file with high below low must fail validation with exit 2 (got ${failed.exitCode})`,
      );
    },
  );
});
