/**
 * The New-notebook flow (issue 18 item 2): pick the data file, read its header (CSV: the first
 * bytes as text; Parquet: column types from the utility kernel, since the host has no polars),
 * confirm the timestamp and symbol columns when the guess is ambiguous, ask where to save, and open
 * the starter pipeline (core/notebook/starter.ts) that runs as it stands.
 */
import { open } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import {
  guessColumns,
  isAmbiguous,
  sampleCsv,
  starterNotebook,
  type ColumnSample,
  type StarterGuess,
} from '../../core/notebook/starter';
import type { UtilityKernel } from '../kernel/utilityKernel';

/** Bytes of a CSV read for its header and first rows. */
const HEAD_BYTES = 65_536;
const BROWSE = 'Browse…';
const NO_SYMBOL = '(none: one series)';
const TEMPLATE = 'Start from the template';

/** Arguments the flow can be given instead of asking (commands, tests). */
export interface NewNotebookArgs {
  data?: vscode.Uri;
  target?: vscode.Uri;
}

/** The data file to start from, 'template' for the blank template, undefined when cancelled. */
async function pickDataFile(): Promise<vscode.Uri | typeof TEMPLATE | undefined> {
  const found = await vscode.workspace.findFiles(
    '**/*.{csv,parquet}',
    '**/{node_modules,.phasebook,runs,artifacts}/**',
    50,
  );
  const items: { label: string; description?: string; uri?: vscode.Uri }[] = found
    .map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri }))
    .sort((a, b) => a.label.localeCompare(b.label));
  const picked = await vscode.window.showQuickPick(
    [
      ...items,
      { label: BROWSE, description: 'a CSV or Parquet file elsewhere' },
      { label: TEMPLATE, description: 'no data yet: load, features and a placeholder path' },
    ],
    { title: 'New pipeline: which data file?', placeHolder: 'the pipeline is proposed from its header' },
  );
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  if (picked.label === TEMPLATE) return TEMPLATE;
  const chosen = await vscode.window.showOpenDialog({
    filters: { 'Data files': ['csv', 'parquet'] },
    canSelectMany: false,
    title: 'New pipeline: which data file?',
  });
  return chosen?.[0];
}

async function readCsvHead(path: string): Promise<string> {
  const file = await open(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await file.read(buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await file.close();
  }
}

async function sampleOf(path: string, utility: UtilityKernel): Promise<ColumnSample[]> {
  if (extname(path).toLowerCase() !== '.parquet') return sampleCsv(await readCsvHead(path));
  const table = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Reading the columns of ${basename(path)}` },
    (_p, token) => utility.request({ type: 'readTable', path, limit: 1 }, token),
  );
  return table.columns.map((name, i) => ({ name, values: [], dtype: table.dtypes[i] }));
}

async function confirm(
  title: string,
  candidates: readonly string[],
  ambiguous: boolean,
  extra: string[] = [],
): Promise<string | undefined> {
  if (!ambiguous) return candidates[0];
  const picked = await vscode.window.showQuickPick([...candidates, ...extra], { title, ignoreFocusOut: true });
  return picked;
}

/** Asks what the guess could not settle; undefined when the user cancelled. */
async function settleKeys(
  file: string,
  columns: readonly ColumnSample[],
  guess: StarterGuess,
): Promise<{ timestamp: string; symbol?: string } | undefined> {
  const noTime = guess.timestamps.length === 0;
  const timestamp = await confirm(
    noTime ? `${file}: no column looks like a time. Which one holds it?` : `${file}: which column holds the time?`,
    noTime ? columns.map((c) => c.name) : guess.timestamps,
    noTime || isAmbiguous(guess.timestamps, 'timestamp'),
  );
  if (timestamp === undefined) return undefined;
  const symbols = guess.symbols.filter((s) => s !== timestamp);
  const symbol = await confirm(
    `${file}: which column names the series (symbol)?`,
    symbols,
    isAmbiguous(symbols, 'symbol'),
    [NO_SYMBOL],
  );
  if (symbols.length && symbol === undefined) return undefined;
  return { timestamp, ...(symbol && symbol !== NO_SYMBOL ? { symbol } : {}) };
}

/** The `source:` of a notebook at `target` reading `data`: relative, with forward slashes. */
function sourceFrom(target: string, data: string): string {
  return relative(dirname(target), data).split(sep).join('/');
}

/**
 * Runs the flow; `fromTemplate` opens the blank template when the user picks it. Resolves to the
 * opened editor, undefined when cancelled or the file has no column a label can be computed from.
 */
export async function newNotebookFromData(
  utility: UtilityKernel,
  fromTemplate: () => Thenable<vscode.NotebookEditor>,
  args: NewNotebookArgs = {},
): Promise<vscode.NotebookEditor | undefined> {
  const data = args.data ?? (await pickDataFile());
  if (!data) return undefined;
  if (data === TEMPLATE) return fromTemplate();
  const file = basename(data.fsPath);
  const columns = await sampleOf(data.fsPath, utility);
  const guess = guessColumns(columns);
  if (!guess.price) {
    void vscode.window.showErrorMessage(
      `Phasebook: ${file} has no numeric column to compute a label from (columns: ` +
        `${columns.map((c) => c.name).join(', ')}).`,
    );
    return undefined;
  }
  const keys = await settleKeys(file, columns, guess);
  if (!keys) return undefined;
  const target =
    args.target ??
    (await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(join(dirname(data.fsPath), `${basename(file, extname(file))}.pipeline`)),
      filters: { 'Phasebook pipeline': ['pipeline'] },
      title: 'Save the new pipeline as',
    }));
  if (!target) return undefined;
  const text = starterNotebook({ source: sourceFrom(target.fsPath, data.fsPath), ...keys, guess });
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  const doc = await vscode.workspace.openNotebookDocument(target);
  return vscode.window.showNotebookDocument(doc);
}
