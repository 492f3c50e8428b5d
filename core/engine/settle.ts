/**
 * The one cell-settling loop (docs/design.md §4.2, §4.6): every planned cell, in order, is cancelled, refused by
 * the audit gate, blocked (its own errors, a failed ancestor, no key), restored from a cache (memory, then disk)
 * or computed. Computing is the host's: the session's serial path computes each cell here as the loop reaches it
 * (core/engine/computeHere.ts); an executor path leaves the cells to compute to `runOnExecutor`
 * (core/orchestrate/dispatch.ts), which settles their outcomes into the same ledger.
 */
import type { CellError, CellOutcome, ExecutionEvent } from '../graph/events';
import type { Graph } from '../notebook/dag';
import type { CellLedger } from '../orchestrate/ledger';
import type { PhaseResult } from '../spec/types';

export interface SettleHost {
  plan: readonly string[];
  graph: Graph;
  keys: ReadonlyMap<string, string>;
  /** Cells with diagnostics of their own. */
  errors: ReadonlySet<string>;
  targets: ReadonlySet<string>;
  /** Ignore the caches for the targets. */
  force: boolean;
  signal?: AbortSignal;
  emit(e: ExecutionEvent): void;
  /** Cells the audit gate refuses to run, with the error each fails with. */
  refused: ReadonlyMap<string, CellError>;
  /** The stored result of the cell's key: in memory, then in the disk cache. */
  lookup(name: string, key: string): Promise<PhaseResult | undefined>;
  adopt(name: string, key: string, result: PhaseResult): void;
  blocked(name: string, upstreamFailed: string | undefined, ownError: boolean): CellError;
  /** Records a restored cell; the note to show ("skipped: unchanged since ..."). */
  cachedNote(name: string, key: string, result: PhaseResult): Promise<string | undefined>;
  /** Computes the cell here (`t0`: when the cell started); absent, the cell is left to an executor. */
  compute?(name: string, key: string, t0: number): Promise<CellOutcome>;
}

/** Settles the plan into the ledger; returns the cells left to compute (none when the host computes). */
export async function settleCells(h: SettleHost, ledger: CellLedger): Promise<string[]> {
  const left: string[] = [];
  for (const [i, name] of h.plan.entries()) {
    const key = h.keys.get(name);
    const upstreamFailed = ledger.failedAncestor(h.graph, name);
    if (h.signal?.aborted) {
      ledger.finish({ cell: name, status: 'cancelled', durationMs: 0 });
      continue;
    }
    const audit = h.refused.get(name);
    if (audit && !upstreamFailed) {
      ledger.finish({ cell: name, status: 'failed', durationMs: 0, error: audit });
      continue;
    }
    if (upstreamFailed || h.errors.has(name) || !key) {
      const own = h.errors.has(name);
      const error = h.blocked(name, upstreamFailed, own);
      ledger.finish({ cell: name, status: own ? 'failed' : 'skipped', durationMs: 0, error });
      continue;
    }
    const t0 = performance.now();
    const hit = h.force && h.targets.has(name) ? undefined : await h.lookup(name, key);
    if (hit) {
      h.emit({ type: 'started', cell: name, order: i });
      h.adopt(name, key, hit);
      const note = await h.cachedNote(name, key, hit);
      const durationMs = performance.now() - t0;
      ledger.finish({ cell: name, status: 'cached', durationMs, result: hit, cacheKey: key, note });
      continue;
    }
    if (!h.compute) {
      left.push(name);
      continue;
    }
    h.emit({ type: 'started', cell: name, order: i });
    ledger.finish(await h.compute(name, key, t0));
  }
  return left;
}
