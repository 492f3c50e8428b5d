import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UserError } from '../errors';
import { parseNotebook } from '../notebook/parse';

/**
 * The CLI's `--data` / `--pipeline` shortcuts build a notebook text and run it through the same
 * session a notebook uses, so a terminal run and a notebook run are the same computation.
 */

const yamlList = (xs: (string | number)[]) => `[${xs.join(', ')}]`;

/** load + default feature set (returns, lags 1..10, rolling mean/std 7/14/28 per symbol). */
export function defaultFeaturesNotebook(dataPath: string): { text: string; featuresCell: string } {
  const text = [
    '# %% load data',
    `source: ${JSON.stringify(dataPath)}`,
    '',
    '# %% features',
    'returns: close',
    'lags: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]',
    'rolling: { column: ret, windows: [7, 14, 28], stats: [mean, std] }',
    '',
  ].join('\n');
  return { text, featuresCell: 'features' };
}

/** A user's notebook up to (and including) its last `features` cell. */
export async function notebookFeatures(path: string): Promise<{ text: string; featuresCell: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UserError('notebook not found', { file: path });
  }
  const parsed = parseNotebook(text, { file: path });
  const features = parsed.cells.filter((c) => c.type === 'phase' && c.kind === 'features').pop();
  if (!features) throw new UserError('the notebook has no `features` cell to build on', { file: path });
  return { text: text.endsWith('\n') ? text : `${text}\n`, featuresCell: features.name };
}

export function appendCell(text: string, marker: string, body: Record<string, unknown>): string {
  const lines = Object.entries(body)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? yamlList(v as (string | number)[]) : typeof v === 'object' ? JSON.stringify(v) : typeof v === 'string' ? JSON.stringify(v) : String(v)}`);
  return `${text}\n# %% ${marker}\n${lines.join('\n')}\n`;
}

export async function featureSource(io: { cwd: string }, values: { data?: string; pipeline?: string }, usage: string) {
  if (Boolean(values.data) === Boolean(values.pipeline)) throw new UserError('give exactly one of --data FILE or --pipeline FILE', {}, [`usage: ${usage}`]);
  if (values.data) return { ...defaultFeaturesNotebook(resolve(io.cwd, values.data)), notebookPath: resolve(io.cwd, 'phasebook-cli.pipeline'), baseDir: io.cwd };
  const path = resolve(io.cwd, values.pipeline as string);
  return { ...(await notebookFeatures(path)), notebookPath: path, baseDir: io.cwd };
}
