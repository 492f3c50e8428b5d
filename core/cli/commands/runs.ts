import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitCode, UserError } from '../../errors';
import { formatRunsTable, scanRuns } from '../../runs/scan';
import { resolveRoots } from '../../runs/roots';
import type { RunKind } from '../../runs/types';
import { parseFlags } from '../args';
import type { CliIO, Command } from '../io';
import type { RunSummary } from '../../runs/scan';

const usage =
  'phasebook runs [--kind cv|training|stacking|backtest|workflow|pipeline] [--json] [--prune-interrupted] ' +
  '[--dir PROJECT]';
const KINDS: RunKind[] = ['cv', 'training', 'stacking', 'backtest', 'workflow', 'pipeline'];

export const runsCommand: Command = {
  name: 'runs',
  summary: 'List runs under the artifact roots (also runs written by other tools in the same layouts).',
  usage,
  async run(argv, io) {
    const { values } = parseFlags(
      argv,
      {
        kind: { type: 'string' },
        json: { type: 'boolean' },
        'prune-interrupted': { type: 'boolean' },
        dir: { type: 'string' },
      },
      usage,
    );
    const kind = values.kind as RunKind | undefined;
    if (kind && !KINDS.includes(kind))
      throw new UserError(`unknown run kind '${kind}'`, {}, [`kinds: ${KINDS.join(', ')}`]);
    const roots = resolveRoots(resolve(io.cwd, values.dir ?? '.'));
    const runs = await scanRuns(roots, { kind });
    if (values['prune-interrupted']) return prune(runs, io);
    io.out(values.json ? JSON.stringify(runs, null, 2) + '\n' : formatRunsTable(runs) + '\n');
    return ExitCode.Ok;
  },
};

/** Deletes the folders of interrupted runs (their writer is gone) and says which. */
async function prune(runs: RunSummary[], io: CliIO): Promise<ExitCode> {
  const gone = runs.filter((r) => r.status === 'interrupted');
  for (const r of gone) {
    await rm(r.dir, { recursive: true, force: true });
    io.out(
      `removed interrupted run ${r.id} (${r.kind}): ` +
        `${r.dir}${r.error ? ` — ${r.error.replace(/^interrupted: /, '')}` : ''}\n`,
    );
  }
  io.out(
    gone.length ? `removed ${gone.length} interrupted run${gone.length === 1 ? '' : 's'}\n` : 'no interrupted runs\n',
  );
  return ExitCode.Ok;
}
