/**
 * The `phasebook` shim that "Install 'phasebook' command in PATH" writes for terminals outside VS
 * Code (~/.local/bin/phasebook), like VS Code's own `code` command. Pure: text in, text out.
 */
import { delimiter as pathDelimiter, join } from 'node:path';
import { quoteArg } from './commands/shellLine';

/** The line that marks a shim as Phasebook's (so a reinstall or an update may overwrite it). */
export const SHIM_MARKER = '# phasebook-shim: written by the Phasebook extension';

/**
 * A POSIX sh script that runs the installed extension's launcher (`<extension>/bin/phasebook`)
 * with the editor's runtime (`node`: the extension host's executable) unless PHASEBOOK_NODE is set.
 */
export function shimText(launcher: string, node: string): string {
  return [
    '#!/bin/sh',
    `${SHIM_MARKER} ("Install 'phasebook' command in PATH").`,
    '# Runs the CLI of the installed extension with the runtime of the editor that installed it.',
    `PHASEBOOK_NODE=\${PHASEBOOK_NODE:-${quoteArg(node, 'linux')}}`,
    'export PHASEBOOK_NODE',
    `exec ${quoteArg(launcher, 'linux')} "$@"`,
    '',
  ].join('\n');
}

/** The launcher a Phasebook shim runs, or undefined when `text` is not a Phasebook shim. */
export function shimLauncher(text: string): string | undefined {
  if (!text.includes(SHIM_MARKER)) return undefined;
  const m = /^exec (.+) "\$@"$/m.exec(text);
  if (!m) return undefined;
  const arg = m[1];
  return arg.startsWith("'") ? arg.slice(1, -1).replace(/'\\''/g, "'") : arg;
}

/** Where the shim goes: ~/.local/bin (on the PATH of most Linux and macOS login shells, no admin rights). */
export function shimDir(home: string): string {
  return join(home, '.local', 'bin');
}

/** True when `dir` is one of the folders of a PATH value. */
export function onPath(dir: string, pathValue: string | undefined, delimiter = pathDelimiter): boolean {
  const norm = (p: string) => p.replace(/[\\/]+$/, '');
  return (pathValue ?? '').split(delimiter).some((p) => p && norm(p) === norm(dir));
}
