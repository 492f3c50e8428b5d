/**
 * Cells the CLI writes from its flags (`cv --data`, `--models`, `--output-name`...), and which
 * flag each key came from. An error in such a cell names the flag and the value the user typed,
 * never the notebook the CLI made up (`phasebook-cli.pipeline:17:1 cell '__cli_cv'`).
 */
import { UserError, type ErrorLocation } from '../errors';
import type { CellError } from '../graph/events';
import type { Diagnostic, ParsedNotebook } from '../notebook/types';

const yamlList = (xs: (string | number)[]) => `[${xs.join(', ')}]`;

function yamlValue(v: unknown): string {
  if (Array.isArray(v)) return yamlList(v as (string | number)[]);
  if (typeof v === 'object' || typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

export function appendCell(text: string, marker: string, body: Record<string, unknown>): string {
  const lines = Object.entries(body)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${yamlValue(v)}`);
  return `${text}\n# %% ${marker}\n${lines.join('\n')}\n`;
}

/** Where a key's value came from: `--output-name ../../etc`. */
export interface FlagSource {
  flag: string;
  value: string;
}

/** A notebook text built from flags, remembering the flag behind each (cell, key). */
export class FlagNotebook {
  private readonly sources = new Map<string, Map<string, FlagSource>>();
  /** Cells whose every key is the CLI's (not the user's notebook). */
  readonly cells = new Set<string>();

  constructor(
    public text: string,
    public readonly what: string,
  ) {}

  /** Declares that `cell` (already in the text) takes `key` from a flag. */
  from(cell: string, key: string, flag: string, value: string | undefined): this {
    if (value === undefined) return this;
    this.cells.add(cell);
    if (!this.sources.has(cell)) this.sources.set(cell, new Map());
    this.sources.get(cell)!.set(key, { flag, value });
    return this;
  }

  /** Appends `# %% kind name` with `body`; `flags` maps keys to [flag, value typed]. */
  add(
    kind: string,
    name: string,
    body: Record<string, unknown>,
    flags: Record<string, [string, string | undefined]> = {},
  ): this {
    this.text = appendCell(this.text, `${kind} ${name}`, body);
    this.cells.add(name);
    for (const [key, [flag, value]] of Object.entries(flags)) this.from(name, key, flag, value);
    return this;
  }

  /** The error as the user should read it, when it is about a cell the CLI wrote. */
  userError(location: ErrorLocation, message: string, details: string[], exitCode: number): UserError | undefined {
    if (!location.cell || !this.cells.has(location.cell)) return undefined;
    const key = location.key?.split('.')[0];
    const src = key ? this.sources.get(location.cell)?.get(key) : undefined;
    const plain = key ? message.replace(new RegExp(`^key '${location.key ?? key}': `), '') : message;
    // Keep a data file's place (file:line, row, column); drop the made-up notebook's.
    const dataFile = location.file && !location.file.endsWith('.pipeline');
    const where: ErrorLocation = dataFile
      ? {
          file: location.file,
          line: location.line,
          column: location.column,
          row: location.row,
          dataColumn: location.dataColumn,
        }
      : { row: location.row, dataColumn: location.dataColumn };
    const head = src ? `${src.flag} '${src.value}': ${plain}` : `${this.what}: ${plain}`;
    return new UserError(head, where, details, exitCode);
  }

  fromCellError(e: CellError): UserError | undefined {
    return this.userError(e.location, e.message, e.details, e.exitCode);
  }

  /** The first error diagnostic of a CLI-written cell, as a flag error. */
  fromDiagnostics(parsed: ParsedNotebook): UserError | undefined {
    const d: Diagnostic | undefined = parsed.diagnostics.find(
      (x) => x.severity === 'error' && this.cells.has(parsed.cells[x.cellIndex]?.name ?? ''),
    );
    if (!d) return undefined;
    return this.userError({ cell: parsed.cells[d.cellIndex].name, key: d.key }, d.message, [], 1);
  }
}
