/**
 * Cell names: explicit names come from the marker line; the others default to the kind with a
 * numeric suffix (`features`, `features_2`, ...), skipping every name already taken. Explicit
 * names must be identifier-like and unique; a later duplicate is reported and renamed
 * `<name>#<n>` (a name no `from` can reference) so the rest of the notebook still works.
 */
import { isValidName, type Token } from './marker';
import { lineRange } from './locate';
import type { Diagnostic } from './types';

export interface NameInput {
  index: number;
  /** Base for a default name: the kind, or `cell` for a bare marker. */
  base: string;
  explicit?: Token;
  headerLine: number;
}

export interface NameResult {
  names: string[];
  diagnostics: Diagnostic[];
}

export function assignNames(cells: readonly NameInput[]): NameResult {
  const names: string[] = new Array<string>(cells.length);
  const diagnostics: Diagnostic[] = [];
  const firstLine = new Map<string, number>();
  const taken = new Set<string>();
  for (const c of cells) {
    if (!c.explicit) continue;
    const name = c.explicit.text;
    const range = lineRange(c.headerLine, c.explicit.column, c.explicit.column + name.length);
    if (!isValidName(name)) {
      diagnostics.push({
        severity: 'error',
        code: 'bad-name',
        cellIndex: c.index,
        range,
        message:
          `invalid cell name '${name}': a name is one word of letters, digits, '_' or '-', not starting with a ` +
          `digit`,
      });
    }
    const first = firstLine.get(name);
    if (first === undefined) {
      firstLine.set(name, c.headerLine);
      names[c.index] = name;
      taken.add(name);
      continue;
    }
    diagnostics.push({
      severity: 'error',
      code: 'duplicate-name',
      cellIndex: c.index,
      range,
      message: `duplicate cell name '${name}' (already used on line ${first + 1})`,
    });
    let n = 2;
    while (taken.has(`${name}#${n}`)) n++;
    names[c.index] = `${name}#${n}`;
    taken.add(names[c.index]);
  }
  const counters = new Map<string, number>();
  for (const c of cells) {
    if (c.explicit) continue;
    let n = counters.get(c.base) ?? 1;
    let name = n === 1 ? c.base : `${c.base}_${n}`;
    while (taken.has(name)) {
      n++;
      name = `${c.base}_${n}`;
    }
    counters.set(c.base, n + 1);
    names[c.index] = name;
    taken.add(name);
  }
  return { names, diagnostics };
}
