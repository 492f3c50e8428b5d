import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UserError } from '../errors';
import { ioFault } from '../graph/faults';
import { parseNotebook } from '../notebook/parse';
import { FlagNotebook } from './flagCells';

/**
 * The CLI's `--data` / `--pipeline` shortcuts build a notebook text and run it through the same
 * session a notebook uses, so a terminal run and a notebook run are the same computation.
 */

/** The validate cell `--data` runs: the ohlcv contract, offending rows quarantined (as the demo does). */
export const CLI_VALIDATE_CELL = 'validate';

/**
 * load + ohlcv contract (row checks quarantine, column checks fail) + default feature set
 * (returns, lags 1..10, rolling mean/std 7/14/28 per symbol).
 */
export function defaultFeaturesNotebook(dataPath: string, typed: string): FlagNotebook {
  const text = [
    '# %% load data',
    `source: ${JSON.stringify(dataPath)}`,
    '',
    `# %% validate ${CLI_VALIDATE_CELL}`,
    'contract: ohlcv',
    'policy: quarantine',
    '',
    '# %% features',
    'returns: close',
    'lags: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]',
    'rolling: { column: ret, windows: [7, 14, 28], stats: [mean, std] }',
    '',
  ].join('\n');
  const nb = new FlagNotebook(text, `--data '${typed}'`).from('data', 'source', '--data', typed);
  nb.cells.add(CLI_VALIDATE_CELL);
  nb.cells.add('features');
  return nb;
}

/** A user's notebook up to (and including) its last `features` cell. */
export async function notebookFeatures(
  path: string,
  typed: string,
): Promise<{ nb: FlagNotebook; featuresCell: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError('notebook not found', { file: typed });
    throw ioFault(e) ?? e;
  }
  const parsed = parseNotebook(text, { file: path });
  const features = parsed.cells.filter((c) => c.type === 'phase' && c.kind === 'features').pop();
  if (!features) throw new UserError('the notebook has no `features` cell to build on', { file: typed });
  return {
    nb: new FlagNotebook(text.endsWith('\n') ? text : `${text}\n`, `--pipeline '${typed}'`),
    featuresCell: features.name,
  };
}

export async function featureSource(io: { cwd: string }, values: { data?: string; pipeline?: string }, usage: string) {
  if (Boolean(values.data) === Boolean(values.pipeline))
    throw new UserError('give exactly one of --data FILE or --pipeline FILE', {}, [`usage: ${usage}`]);
  if (values.data) {
    return {
      nb: defaultFeaturesNotebook(resolve(io.cwd, values.data), values.data),
      featuresCell: 'features',
      notebookPath: resolve(io.cwd, 'phasebook-cli.pipeline'),
      baseDir: io.cwd,
      validated: true,
    };
  }
  const path = resolve(io.cwd, values.pipeline as string);
  return {
    ...(await notebookFeatures(path, values.pipeline as string)),
    notebookPath: path,
    baseDir: io.cwd,
    validated: false,
  };
}
