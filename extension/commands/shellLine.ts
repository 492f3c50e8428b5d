/** Command lines for the integrated terminal (headless run, validate). Pure. */

/** Quotes an argument for the terminal's shell. */
export function quoteArg(arg: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return `"${arg.replace(/"/g, '""')}"`;
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** `node dist/cli.js <args>` with the host's node (ELECTRON_RUN_AS_NODE is set on the terminal). */
export function cliCommandLine(
  nodePath: string,
  cliPath: string,
  args: readonly string[],
  platform: NodeJS.Platform = process.platform,
): string {
  const line = [nodePath, cliPath, ...args].map((a) => quoteArg(a, platform)).join(' ');
  // PowerShell runs a quoted program only through the call operator.
  return platform === 'win32' ? `& ${line}` : line;
}

/** Built-in data contracts of `phasebook validate`. */
export const BUILTIN_CONTRACTS = ['ohlcv', 'open_interest', 'funding', 'liquidations', 'long_short_ratio'] as const;
