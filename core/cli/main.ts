/**
 * `phasebook` — the same engine as the notebook, with no VS Code.
 * Exit codes: 0 success, 1 recoverable error, 2 validation failure.
 */
import '../phases/register';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { ExitCode, formatUserError, isUserError } from '../errors';
import { ioFault } from '../graph/faults';
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
import { workerCommand } from './commands/worker';
import { fleetCommand } from './commands/fleet';
import { trialsCommand } from './commands/trials';
import { reproduceCommand } from './commands/reproduce';
import { auditCommand } from './commands/audit';

export const commands: Command[] = [
  runCommand,
  auditCommand,
  runsCommand,
  validateCommand,
  cvCommand,
  trainCommand,
  cvRunsCommand,
  demoDataCommand,
  queryCommand,
  cacheCommand,
  trialsCommand,
  reproduceCommand,
  workerCommand,
  fleetCommand,
];

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
    const user = isUserError(e) ? e : ioFault(e);
    if (user) {
      io.err(`phasebook ${name}: ${formatUserError(user)}\n`);
      return user.exitCode;
    }
    // A bug: one line for the user, the stack for whoever fixes it in the log.
    const log = logInternalError(io, name, e);
    io.err(
      `phasebook ${name}: internal error (a bug in phasebook): ` +
        `${e instanceof Error ? e.message : String(e)}\n  the stack is in ${log}\n`,
    );
    return ExitCode.Error;
  }
}

/** Appends the stack of an internal error to logs/pipeline.log under the working folder. */
function logInternalError(io: CliIO, command: string, e: unknown): string {
  const path = resolve(io.cwd, 'logs', 'pipeline.log');
  try {
    mkdirSync(dirname(path), { recursive: true });
    appendFileSync(
      path,
      JSON.stringify({
        ts: new Date().toISOString(),
        level: 'error',
        msg: 'internal error',
        command,
        stack: e instanceof Error ? e.stack : String(e),
      }) + '\n',
    );
    return relative(io.cwd, path);
  } catch {
    return 'nowhere (logs/ is not writable)';
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
