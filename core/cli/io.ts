import { ExitCode, UserError } from '../errors';

/** Where a command writes: results on stdout, progress and logs on stderr. */
export interface CliIO {
  out(s: string): void;
  err(s: string): void;
  /** True when stderr is a terminal (progress lines are only drawn then). */
  tty: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Cancels a running command as Ctrl-C does (for callers that embed the CLI). */
  signal?: AbortSignal;
}

export const processIO = (): CliIO => ({
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  tty: Boolean(process.stderr.isTTY),
  cwd: process.cwd(),
  env: process.env,
});

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[], io: CliIO): Promise<ExitCode>;
}

/** A bad command line: exit 1 with the usage. */
export class UsageError extends UserError {
  constructor(message: string, usage: string) {
    super(message, {}, [`usage: ${usage}`], ExitCode.Error);
    this.name = 'UsageError';
  }
}
