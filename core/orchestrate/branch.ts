/**
 * Branches of a fanned-out notebook (docs/design.md §4.6). A cell with `scenarios: [a, b]` or `models: [x, y]`
 * becomes one virtual cell per value, named `<cell>[<value>]`; every descendant is replicated per
 * branch (`train[a][x]`). A branch is the list of fan-out choices that led to a virtual cell, in
 * the graph order of the fan-out cells.
 */

export interface BranchChoice {
  /** The fan-out cell (its name in the notebook). */
  cell: string;
  /** The key each branch sets (`scenario`, `model`). */
  key: string;
  value: string;
}

export type Branch = readonly BranchChoice[];

/** `train` + [median_impute, ridge] -> `train[median_impute][ridge]`. */
export function virtualName(origin: string, branch: Branch): string {
  return origin + branch.map((b) => `[${b.value}]`).join('');
}

/** `train[median_impute][ridge]` -> { origin: 'train', values: ['median_impute', 'ridge'] }. */
export function splitVirtualName(name: string): { origin: string; values: string[] } {
  const at = name.indexOf('[');
  if (at < 0 || !name.endsWith(']')) return { origin: name, values: [] };
  return { origin: name.slice(0, at), values: name.slice(at + 1, -1).split('][') };
}

/** The notebook cell a (possibly virtual) cell name comes from — what the editor shows progress on. */
export function originOf(name: string): string {
  return splitVirtualName(name).origin;
}

/**
 * A file-name stem for a cell's checkpoint and log: `train[median_impute][ridge]` ->
 * `train_median_impute_ridge` (docs/design.md §4.7: `artifacts/{job}[_{scenario}][_{model}].ok`).
 */
export function jobStem(name: string): string {
  const { origin, values } = splitVirtualName(name);
  return [origin, ...values].join('_').replace(/[^A-Za-z0-9_.-]/g, '_');
}

/**
 * Branch labels for tables and reports: `{ scenario: 'median_impute', model: 'ridge' }`. A key that
 * two fan-out cells share is qualified with the cell name (`preprocess.scenario`).
 */
export function branchLabels(branch: Branch): Record<string, string> {
  const counts = new Map<string, number>();
  for (const b of branch) counts.set(b.key, (counts.get(b.key) ?? 0) + 1);
  return Object.fromEntries(branch.map((b) => [(counts.get(b.key) ?? 0) > 1 ? `${b.cell}.${b.key}` : b.key, b.value]));
}

/** Two branches agree where they choose for the same fan-out cell. */
export function compatible(a: Branch, b: Branch): boolean {
  return a.every((x) => b.every((y) => y.cell !== x.cell || y.value === x.value));
}

/** The union of two compatible branches, ordered by `rank` of the fan-out cells. */
export function mergeBranches(a: Branch, b: Branch, rank: (cell: string) => number): Branch {
  const out = [...a];
  for (const y of b) if (!out.some((x) => x.cell === y.cell)) out.push(y);
  return out.sort((x, y) => rank(x.cell) - rank(y.cell));
}

/** The part of `branch` that chooses for the given fan-out cells. */
export function restrictBranch(branch: Branch, cells: ReadonlySet<string>): Branch {
  return branch.filter((b) => cells.has(b.cell));
}
