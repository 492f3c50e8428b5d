/**
 * `phasebook` — the same engine as the notebook, with no VS Code.
 * Exit codes: 0 success, 1 recoverable error, 2 validation failure.
 */
import '../phases/index';
import { ExitCode, formatUserError, isUserError } from '../errors';
import { processIO, type CliIO, type Command } from './io';
import { runCommand } from './commands/run';
import { runsCommand } from './commands/runs';
import { validateCommand } from './commands/validate';
import { cvCommand } from './commands/cv';
import { cvRunsCommand } from './commands/cvRuns';
import { demoDataCommand } from './commands/demoData';
import { trainCommand } from './commands/train';
import { queryCommand } from './commands/query';
import { cacheCommand } from './commands/cache';
import { trialsCommand } from './commands/trials';

export const commands: Command[] = [runCommand, runsCommand, validateCommand, cvCommand, trainCommand, cvRunsCommand, demoDataCommand, queryCommand, cacheCommand, trialsCommand];

function help(): string {
  const w = Math.max(...commands.map((c) => c.name.length));
  return [
    'phasebook — reproducible, leakage-safe ML pipelines on time series',
    '',
    'usage: phasebook <command> [options]',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    'Environment: PHASEBOOK_SEED (global seed), PHASEBOOK_LOG_LEVEL (debug|info|warn|error).',
    'Exit codes: 0 success, 1 error, 2 validation failure.',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return name ? ExitCode.Ok : ExitCode.Error;
  }
  if (name === '--version') {
    io.out(`${(await import('../version')).ENGINE_VERSION}\n`);
    return ExitCode.Ok;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    io.err(`phasebook: unknown command '${name}'\n\n${help()}`);
    return ExitCode.Error;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`usage: ${cmd.usage}\n\n${cmd.summary}\n`);
    return ExitCode.Ok;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (isUserError(e)) {
      io.err(`phasebook ${name}: ${formatUserError(e)}\n`);
      return e.exitCode;
    }
    io.err(`phasebook ${name}: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return ExitCode.Error;
  }
}

if (require.main === module || process.env.PHASEBOOK_CLI_MAIN === '1') {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`phasebook: internal error: ${(e as Error).stack}\n`);
      process.exitCode = ExitCode.Error;
    },
  );
}
