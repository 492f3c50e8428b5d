// Lets the test launcher run mocha inside this real extension host: when PHASEBOOK_HOST_TESTS
// names a bundled test entry, it is loaded once, after activation, and its report is written to
// PHASEBOOK_HOST_TEST_RESULTS. Does nothing (and costs nothing) otherwise.
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import {
  HOST_TEST_RESULTS_ENV,
  HOST_TESTS_ENV,
  loadFailureReport,
  startedMarkerPath,
  writeReport,
  type HostTestEntry,
} from './util/hostTestProtocol';

let started = false;

export async function maybeRunHostTests(context: vscode.ExtensionContext): Promise<void> {
  const entryPath = process.env[HOST_TESTS_ENV];
  if (!entryPath || started) return;
  started = true;
  const resultsPath = process.env[HOST_TEST_RESULTS_ENV];
  if (resultsPath) writeFileSync(startedMarkerPath(resultsPath), new Date().toISOString());
  // Let activate() return first, so the suites see the extension as active.
  await new Promise((resolveLater) => setTimeout(resolveLater, 0));
  await activationEditorSettled();
  const output = vscode.window.createOutputChannel('Phasebook Host Tests');
  context.subscriptions.push(output);
  output.appendLine(`running host tests from ${entryPath}`);
  try {
    // A runtime path chosen by the launcher; not part of the extension bundle.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a path known only at run time
    const entry = require(entryPath) as HostTestEntry;
    const report = await entry.runHostTests();
    const failed = report.tests.filter((t) => t.state === 'failed').length;
    output.appendLine(`host tests finished: ${report.tests.length} tests, ${failed} failed`);
  } catch (err) {
    output.appendLine(`host tests could not run: ${(err as Error).stack ?? String(err)}`);
    if (resultsPath) writeReport(resultsPath, loadFailureReport(vscode.version, `load ${entryPath}`, err));
  }
}

/**
 * The launcher activates the extension by opening a notebook through quick open; that editor is
 * still being created when activate() runs. A suite that opens its own notebook at once races it
 * and VS Code fails one of the two ("Notebook Editor creation failure"). Wait until a notebook
 * editor shows (bounded: a launcher that opened none must not hang the tests), then let it settle.
 */
async function activationEditorSettled(): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!vscode.window.visibleNotebookEditors.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 500));
}
