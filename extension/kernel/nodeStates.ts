/**
 * Each cell's state for the Pipeline graph (docs/design.md §9.13), from the kernel's events: queued, running, its last
 * outcome (ok, cached, failed, blocked, cancelled) with when it ran, how long and its row count, and whether the
 * kernel marked it stale. Virtual cells (fan-out branches) keep their own entries; a fanned-out node shows them
 * folded into one state. Pure: no vscode (NotebookKernel feeds it, the unit tests read it).
 */
import type { ColumnSchema, KernelEvent } from '../../core/kernel/protocol';

/** What a node shows. `stale`: it has a result, but its inputs changed since. `blocked`: an upstream cell failed. */
export type NodeState = 'never' | 'queued' | 'running' | 'ok' | 'cached' | 'stale' | 'failed' | 'blocked' | 'cancelled';

export interface NodeFacts {
  state: NodeState;
  /** When the result was computed (ISO time; for a cached result, when it first ran). */
  at?: string;
  durationMs?: number;
  /** Rows of the cell's dataset, when it has one. */
  rows?: number;
  /** The failure, or which cell a blocked cell waits for. */
  message?: string;
}

interface Entry extends NodeFacts {
  /** The state before `queued`/`running`, to go back to when the request ends without running the cell. */
  before?: NodeFacts;
}

/** Most urgent first: a fanned-out node shows the first state any of its branches has. */
const PRECEDENCE: readonly NodeState[] = [
  'running',
  'queued',
  'failed',
  'blocked',
  'cancelled',
  'stale',
  'never',
  'ok',
  'cached',
];

export class NodeStates {
  private readonly entries = new Map<string, Entry>();
  /** Each cell's last known output schema (kept when the cell goes stale or fails: the editor completes from it). */
  private readonly schemas = new Map<string, ColumnSchema>();
  private readonly stale = new Set<string>();

  /** Applies one kernel event; true when a state changed. */
  onEvent(e: KernelEvent, now: Date = new Date()): boolean {
    switch (e.type) {
      case 'queued':
      case 'started': {
        const old = this.entries.get(e.cell);
        const before = old?.before ?? (old ? strip(old) : { state: 'never' as const });
        this.entries.set(e.cell, { ...before, state: e.type === 'queued' ? 'queued' : 'running', before });
        return true;
      }
      case 'finished': {
        const out = e.output;
        if (out?.dataset?.schema) this.schemas.set(e.cell, out.dataset.schema);
        const state: NodeState = e.status === 'skipped' ? 'blocked' : e.status;
        const message =
          e.status === 'skipped'
            ? e.error?.blockedBy
              ? `waiting for ${e.error.blockedBy}`
              : e.error?.message
            : e.status === 'failed'
              ? e.error?.message
              : undefined;
        const at = out?.ran?.at ?? (e.status === 'skipped' ? this.entries.get(e.cell)?.at : now.toISOString());
        const facts: NodeFacts = {
          state,
          at,
          durationMs: e.status === 'cached' ? (out?.ran?.durationMs ?? e.durationMs) : e.durationMs,
          rows: out?.dataset?.rows ?? out?.tables[0]?.rows,
          message,
        };
        this.entries.set(e.cell, Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined)) as Entry);
        if (e.status === 'ok' || e.status === 'cached') this.stale.delete(e.cell);
        return true;
      }
      case 'stale':
        this.stale.clear();
        for (const c of e.cells) this.stale.add(c);
        return true;
      default:
        return false;
    }
  }

  /** A request ended: cells still queued never ran (back to what they were), cells still running were cut off. */
  settle(): boolean {
    let changed = false;
    for (const [name, entry] of this.entries) {
      if (entry.state === 'queued') this.entries.set(name, { ...(entry.before ?? { state: 'never' }) });
      else if (entry.state === 'running') this.entries.set(name, { ...strip(entry), state: 'cancelled' });
      else continue;
      changed = true;
    }
    return changed;
  }

  /** The kernel was replaced: nothing is running, and its stale list is gone with it. */
  reset(): void {
    this.settle();
    this.stale.clear();
  }

  /** The columns of a cell's last dataset, when a run or restore reported one. */
  schemaOf(name: string): ColumnSchema | undefined {
    return this.schemas.get(name);
  }

  /** What one (possibly virtual) cell shows. */
  factsOf(name: string): NodeFacts {
    const e = this.entries.get(name);
    const facts: NodeFacts = e ? strip(e) : { state: 'never' };
    const outdated = facts.state === 'ok' || facts.state === 'cached' || facts.state === 'never';
    return this.stale.has(name) && outdated ? { ...facts, state: 'stale' } : facts;
  }

  /** A fanned-out cell: the most urgent state of its branches, the latest time, the longest duration. */
  foldedFacts(branches: readonly string[]): NodeFacts {
    const all = branches.map((b) => this.factsOf(b));
    const states = new Set(all.map((f) => f.state));
    const state = PRECEDENCE.find((s) => states.has(s)) ?? 'never';
    const times = all.map((f) => f.at).filter((t): t is string => !!t);
    const durations = all.map((f) => f.durationMs).filter((d): d is number => d !== undefined);
    const message = all.find((f) => f.state === state && f.message)?.message;
    return {
      state,
      ...(times.length ? { at: times.sort().at(-1) } : {}),
      ...(durations.length ? { durationMs: Math.max(...durations) } : {}),
      ...(message ? { message } : {}),
    };
  }
}

function strip(e: Entry): NodeFacts {
  const { before: _before, ...facts } = e;
  void _before;
  return facts;
}
