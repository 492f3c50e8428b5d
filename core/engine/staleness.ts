/**
 * What a session remembers between executions and what follows from it (docs/design.md §4.1, §4.2): which cells
 * are stale (their key changed since their last outcome), which "Run stale cells" reruns, and taking results back
 * without running — `revive` after an edit (undo brings the outputs back), `restore` when a notebook is reopened.
 */
import type { CellStatus } from '../graph/events';
import type { Graph } from '../notebook/dag';
import type { PhaseResult } from '../spec/types';
import type { LastRun } from './types';

export interface CellMemory {
  /** Each cell's last good result and its key. */
  last: Map<string, LastRun>;
  /**
   * Each cell's key and status at its last outcome, good or not: a failed or blocked cell has no `last` result,
   * yet editing its config makes it stale, and "run stale" reruns it.
   */
  outcomes: Map<string, { key?: string; status: CellStatus }>;
}

/** The in-memory result of a cell when its key is still `key`. */
export function memoOf(mem: CellMemory, name: string, key: string | undefined): PhaseResult | undefined {
  const last = mem.last.get(name);
  return last && last.key === key ? last.result : undefined;
}

/**
 * Cells whose key changed since their last outcome — a good result, a failure or a block — and their descendants
 * that had an outcome too, in graph order.
 */
export function staleFrom(graph: Graph, mem: CellMemory, keys: ReadonlyMap<string, string>): string[] {
  const stale = new Set<string>();
  const had = (n: string): boolean => mem.outcomes.has(n) || mem.last.has(n);
  for (const name of graph.order) {
    if (!had(name) || stale.has(name)) continue;
    const prevKey = mem.outcomes.has(name) ? mem.outcomes.get(name)?.key : mem.last.get(name)?.key;
    if (prevKey !== keys.get(name)) {
      stale.add(name);
      for (const d of graph.descendants(name)) if (had(d)) stale.add(d);
    }
  }
  return graph.order.filter((n) => stale.has(n));
}

/** The stale cells, plus those whose last outcome failed, was blocked or cancelled, in graph order. */
export function toRerun(graph: Graph, mem: CellMemory, stale: readonly string[]): string[] {
  const set = new Set(stale);
  const bad = (n: string): boolean => {
    const st = mem.outcomes.get(n)?.status;
    return st === 'failed' || st === 'skipped' || st === 'cancelled';
  };
  return graph.order.filter((n) => set.has(n) || bad(n));
}

/**
 * Takes back, for each named cell, the result of its current key — from memory, else from `load` — without
 * running anything; such a cell counts as restored from the cache. Returns the results taken back, in `names`
 * order.
 */
export async function takeBack(
  mem: CellMemory,
  names: readonly string[],
  keys: ReadonlyMap<string, string>,
  load: (name: string, key: string) => Promise<PhaseResult | undefined>,
): Promise<Map<string, PhaseResult>> {
  const out = new Map<string, PhaseResult>();
  for (const name of names) {
    const key = keys.get(name);
    if (!key) continue;
    const r = memoOf(mem, name, key) ?? (await load(name, key));
    if (!r) continue;
    mem.last.set(name, { key, result: r });
    mem.outcomes.set(name, { key, status: 'cached' });
    out.set(name, r);
  }
  return out;
}
