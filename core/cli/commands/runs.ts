import { resolve } from 'node:path';
import { ExitCode, UserError } from '../../errors';
import { formatRunsTable, scanRuns } from '../../runs/scan';
import { resolveRoots } from '../../runs/roots';
import type { RunKind } from '../../runs/types';
import { parseFlags } from '../args';
import type { Command } from '../io';

const usage = 'phasebook runs [--kind cv|training|stacking|backtest|workflow|pipeline] [--json] [--dir PROJECT]';
const KINDS: RunKind[] = ['cv', 'training', 'stacking', 'backtest', 'workflow', 'pipeline'];

export const runsCommand: Command = {
  name: 'runs',
  summary: 'List runs under the artifact roots (also runs written by other tools in the same layouts).',
  usage,
  async run(argv, io) {
    const { values } = parseFlags(argv, { kind: { type: 'string' }, json: { type: 'boolean' }, dir: { type: 'string' } }, usage);
    const kind = values.kind as RunKind | undefined;
    if (kind && !KINDS.includes(kind)) throw new UserError(`unknown run kind '${kind}'`, {}, [`kinds: ${KINDS.join(', ')}`]);
    const roots = resolveRoots(resolve(io.cwd, values.dir ?? '.'));
    const runs = await scanRuns(roots, { kind });
    io.out(values.json ? JSON.stringify(runs, null, 2) + '\n' : formatRunsTable(runs) + '\n');
    return ExitCode.Ok;
  },
};
