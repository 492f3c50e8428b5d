/**
 * What a detached kernel remembers for the next host to attach (docs/design.md §8): not every event
 * since the last client left, but the latest state of each cell the current or last run touched —
 * queued, running (with its last progress) or finished (with its outputs) — plus the runs created
 * and the stale set. Replayed in the order the states were reached, it leaves a fresh host's cells
 * where a host that never went away would have them. Bounded: past `maxEntries` the oldest go.
 */
import type { KernelEvent } from './protocol';

const DEFAULT_REPLAY_ENTRIES = 2000;

export class RunSnapshot {
  /** key -> the events that restore it; re-inserted on every change, so iteration is recency order. */
  private readonly entries = new Map<string, KernelEvent[]>();
  private dropped = false;

  constructor(private readonly maxEntries = DEFAULT_REPLAY_ENTRIES) {}

  /** A new run begins: what the last one left is replaced by what this one does. */
  reset(): void {
    this.entries.clear();
    this.dropped = false;
  }

  record(e: KernelEvent): void {
    switch (e.type) {
      case 'stale':
        this.put('stale', [e]);
        return;
      case 'runCreated':
        this.put(`run:${e.cell}`, [e]);
        return;
      case 'progress': {
        const current = this.entries.get(`cell:${e.cell}`);
        // Progress only means something for a cell that is running.
        if (current?.[0]?.type === 'started') this.put(`cell:${e.cell}`, [current[0], e]);
        return;
      }
      case 'queued':
      case 'started':
      case 'finished':
        this.put(`cell:${e.cell}`, [e]);
    }
  }

  /** The events to replay, oldest state first. */
  events(): KernelEvent[] {
    return [...this.entries.values()].flat();
  }

  /** Some states were dropped to stay within the bound. */
  get truncated(): boolean {
    return this.dropped;
  }

  private put(key: string, events: KernelEvent[]): void {
    this.entries.delete(key);
    this.entries.set(key, events);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.dropped = true;
    }
  }
}
