/**
 * The CLI's counterpart of VS Code's workspace trust: a `ts` cell is arbitrary code that runs with
 * the user's permissions (the import rule is not a sandbox), so `phasebook` runs one only when
 * the user allows it for this invocation — `--allow-code`, or PHASEBOOK_ALLOW_CODE=1 in the
 * environment. A notebook cannot allow itself: a setting inside a downloaded notebook would
 * defeat the point.
 */
import { ExitCode, UserError } from '../errors';
import { buildGraph } from '../notebook/dag';
import type { Cell, ParsedNotebook } from '../notebook/types';

export const ALLOW_CODE_ENV = 'PHASEBOOK_ALLOW_CODE';

export const ARBITRARY_CODE =
  'a ts cell is arbitrary TypeScript that runs with your permissions (it can read and write your files and ' +
  'start processes)';

/** The ts cells a run of `cells` (all when undefined) would execute, in cell order. */
export function tsCellsToRun(parsed: ParsedNotebook, cells?: readonly string[]): Cell[] {
  const ts = parsed.cells.filter((c) => c.type === 'ts');
  if (!cells?.length || !ts.length) return ts;
  const graph = buildGraph(parsed.cells);
  const needed = new Set(cells.flatMap((c) => [c, ...graph.ancestors(c)]));
  return ts.filter((c) => needed.has(c.name));
}

export function codeAllowed(flag: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  return flag === true || env[ALLOW_CODE_ENV] === '1';
}

/**
 * Refuses (exit 2, naming the first ts cell and how to allow it) unless code is allowed; when it
 * is, returns the note printed before running: what the user has allowed.
 */
export function gateCode(
  parsed: ParsedNotebook,
  file: string,
  allowed: boolean,
  command: string,
  cells?: readonly string[],
): string | undefined {
  const ts = tsCellsToRun(parsed, cells);
  if (!ts.length) return undefined;
  const names = ts.map((c) => `'${c.name}'`).join(', ');
  if (allowed) return `note: running ts cell${ts.length === 1 ? '' : 's'} ${names}: ${ARBITRARY_CODE}\n`;
  const first = ts[0]!;
  throw new UserError(
    `ts cell '${first.name}' is code, and code cells run only when you allow them: ${ARBITRARY_CODE}`,
    { file, cell: first.name, line: first.headerLine + 1, column: 1 },
    [
      `if you trust this notebook: ${command} --allow-code   (or set ${ALLOW_CODE_ENV}=1)`,
      ...(ts.length > 1 ? [`ts cells that would run: ${names}`] : []),
    ],
    ExitCode.Validation,
  );
}
