/**
 * One branch of a fanned-out notebook from the command line: `phasebook run NB --cell train
 * --scenario median_impute --model ridge` runs `train[median_impute][ridge]` and what it needs,
 * not the other branches. Without `--cell`, every cell of that branch runs; cells that gather
 * every branch (scenario_compare, report) are left out, and the CLI says so.
 */
import { closest, didYouMean } from '../base/schema';
import type { Expansion } from '../orchestrate/expand';
import { COLLECTING_KINDS } from '../orchestrate/expand';
import type { Cell } from '../notebook/types';
import { UsageError } from './io';

/** Fan-out key -> the value asked for (`scenario`, `model`). */
export type BranchFilter = Readonly<Record<string, string>>;

export interface BranchTargets {
  /** Cells to run (virtual names). */
  cells: string[];
  /** Notebook cells left out because they gather every branch. */
  skipped: string[];
}

/** Every value each fan-out key takes in this notebook. */
function fanOutValues(expansion: Expansion): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const v of expansion.virtual.values()) {
    for (const b of v.branch) {
      const list = out.get(b.key) ?? [];
      if (!list.includes(b.value)) list.push(b.value);
      out.set(b.key, list);
    }
  }
  return out;
}

function checkFilter(expansion: Expansion, filter: BranchFilter, usage: string): void {
  const values = fanOutValues(expansion);
  for (const [key, value] of Object.entries(filter)) {
    const known = values.get(key);
    if (!known)
      throw new UsageError(
        `--${key} ${value}: no cell of this notebook fans out over ${key}s (\`${key}s: [...]\`)`,
        usage,
      );
    if (!known.includes(value)) {
      const near = closest(value, known);
      throw new UsageError(
        `--${key} ${value}: not a ${key} of this notebook${didYouMean(near)}; ${key}s: ${known.join(', ')}`,
        usage,
      );
    }
  }
}

/**
 * The cells to run for `requested` notebook cells (all executable ones when undefined) restricted to
 * the branch `filter` names. With an empty filter the request is returned as it is.
 */
export function branchTargets(
  expansion: Expansion,
  notebookCells: readonly Cell[],
  requested: readonly string[] | undefined,
  filter: BranchFilter,
  usage: string,
): BranchTargets | undefined {
  if (!Object.keys(filter).length) return undefined;
  checkFilter(expansion, filter, usage);
  const byName = new Map(notebookCells.map((c) => [c.name, c]));
  const executable = notebookCells
    .filter((c) => c.type === 'ts' || (c.type === 'phase' && c.kind !== 'settings'))
    .map((c) => c.name);
  const matches = (name: string): boolean => {
    const v = expansion.virtual.get(name);
    return (
      !v || Object.entries(filter).every(([key, value]) => v.branch.every((b) => b.key !== key || b.value === value))
    );
  };
  const out: BranchTargets = { cells: [], skipped: [] };
  for (const name of requested ?? executable) {
    const cell = byName.get(name);
    if (cell && COLLECTING_KINDS.has(cell.kind)) {
      if (requested)
        throw new UsageError(
          `cell '${name}' gathers every branch: it cannot run for one branch (drop ` +
            `--${Object.keys(filter).join('/--')})`,
          usage,
        );
      out.skipped.push(name);
      continue;
    }
    for (const copy of expansion.copies.get(name) ?? [name]) if (matches(copy)) out.cells.push(copy);
  }
  if (!out.cells.length)
    throw new UsageError(
      `no cell runs on branch ${Object.entries(filter)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
      usage,
    );
  return out;
}
