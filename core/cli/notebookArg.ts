import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UserError } from '../errors';
import { ioFault } from '../graph/faults';

/** The one .pipeline file a command takes, read: a missing file or a wrong count is a UserError, never a stack. */
export async function readNotebookArg(
  positionals: readonly string[],
  cwd: string,
  usage: string,
): Promise<{ file: string; shown: string; text: string }> {
  if (positionals.length !== 1) throw new UserError('give exactly one .pipeline file', {}, [`usage: ${usage}`]);
  const shown = positionals[0] as string;
  const file = resolve(cwd, shown);
  try {
    return { file, shown, text: await readFile(file, 'utf8') };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError('notebook not found', { file: shown });
    throw ioFault(e) ?? e;
  }
}
