import { resolve } from 'node:path';
import { ExitCode } from '../../errors';
import { resolveRoots } from '../../runs/roots';
import { formatCvRunsTable, listCvRuns } from '../../runs/stackingData';
import { parseFlags } from '../args';
import type { Command } from '../io';

const usage = 'phasebook cv-runs [--json] [--dir PROJECT]';

export const cvRunsCommand: Command = {
  name: 'cv-runs',
  summary: 'List cross-validation runs with their models, horizons, folds, best score and date.',
  usage,
  async run(argv, io) {
    const { values } = parseFlags(argv, { json: { type: 'boolean' }, dir: { type: 'string' } }, usage);
    const runs = await listCvRuns(resolveRoots(resolve(io.cwd, values.dir ?? '.')).stacking);
    io.out(values.json ? JSON.stringify(runs, null, 2) + '\n' : formatCvRunsTable(runs) + '\n');
    return ExitCode.Ok;
  },
};
