/**
 * Event tracing with a retention policy (docs/design.md §5.7): the tracer counts every traced event and
 * keeps only what its policy allows, so memory stays bounded however long the backtest:
 *   trade_complete  events of open trades; a trade's events are dropped when it closes, and
 *                   PORTFOLIO_UPDATEs are kept only since the last close
 *   sliding_window  the last `windowSize` events
 *   minimal         only the POSITION_OPEN of positions still open (the active positions)
 * Which positions are open comes from the portfolio itself (`position()`, fed by emitEvents for
 * every open and close), never from the traced events: tracing [POSITION_OPEN, FILL] without
 * POSITION_CLOSE still drops a trade's events when it closes, and `openPositions()` is the same
 * whatever is traced.
 */
import type { BacktestEvent, EventType, PositionCloseEvent, PositionOpenEvent } from './events';

export const RETENTION_POLICIES = ['trade_complete', 'sliding_window', 'minimal'] as const;
export type RetentionPolicy = (typeof RETENTION_POLICIES)[number];

export interface TracerOptions {
  types: readonly EventType[];
  policy: RetentionPolicy;
  /** Events kept by `sliding_window`. */
  windowSize: number;
}

type Seq = { seq: number; event: BacktestEvent };

export class EventTracer {
  readonly types: ReadonlySet<EventType>;
  readonly counts: Partial<Record<EventType, number>> = {};
  /** Most events held at once (what the policy bounds). */
  peakRetained = 0;
  private seq = 0;
  private held = 0;
  // sliding_window
  private ring: BacktestEvent[] = [];
  private ringStart = 0;
  // trade_complete / minimal
  private byTrade = new Map<number, Seq[]>();
  private sinceClose: Seq[] = [];
  /** Open positions by trade id, from the portfolio's state. */
  private open = new Map<number, PositionOpenEvent>();

  constructor(private readonly opts: TracerOptions) {
    this.types = new Set(opts.types);
    if (opts.policy === 'sliding_window' && !(opts.windowSize >= 1))
      throw new Error(`sliding_window needs a size >= 1, got ${opts.windowSize}`);
  }

  trace(e: BacktestEvent): void {
    if (!this.types.has(e.type)) return;
    this.counts[e.type] = (this.counts[e.type] ?? 0) + 1;
    const s: Seq = { seq: this.seq++, event: e };
    switch (this.opts.policy) {
      case 'sliding_window':
        this.pushRing(e);
        break;
      case 'trade_complete':
        this.keepTradeComplete(s);
        break;
      case 'minimal':
        if (e.type === 'POSITION_OPEN' && this.open.has(e.trade_id)) this.setTrade(e.trade_id, [s]);
        break;
    }
    if (this.held > this.peakRetained) this.peakRetained = this.held;
  }

  /** A position opened or closed in the portfolio (traced or not): what retention keys on. */
  position(e: PositionOpenEvent | PositionCloseEvent): void {
    if (e.type === 'POSITION_OPEN') {
      this.open.set(e.trade_id, e);
      return;
    }
    this.open.delete(e.trade_id);
    if (this.opts.policy === 'sliding_window') return;
    this.dropTrade(e.trade_id);
    if (this.opts.policy === 'trade_complete') {
      this.held -= this.sinceClose.length;
      this.sinceClose = [];
    }
  }

  /** Retained events, oldest first. */
  retained(): BacktestEvent[] {
    if (this.opts.policy === 'sliding_window')
      return [...this.ring.slice(this.ringStart), ...this.ring.slice(0, this.ringStart)];
    const all: Seq[] = [...this.sinceClose];
    for (const l of this.byTrade.values()) all.push(...l);
    return all.sort((a, b) => a.seq - b.seq).map((s) => s.event);
  }

  /** Positions still open, from the portfolio's state (whatever is traced, under every policy). */
  openPositions(): PositionOpenEvent[] {
    return [...this.open.values()].sort((a, b) => a.bar - b.bar || a.trade_id - b.trade_id);
  }

  retainedCount(): number {
    return this.held;
  }

  private pushRing(e: BacktestEvent): void {
    const size = this.opts.windowSize;
    if (this.ring.length < size) {
      this.ring.push(e);
      this.held = this.ring.length;
    } else {
      this.ring[this.ringStart] = e;
      this.ringStart = (this.ringStart + 1) % size;
    }
  }

  private keepTradeComplete(s: Seq): void {
    const e = s.event;
    if (e.type === 'PORTFOLIO_UPDATE') {
      this.sinceClose.push(s);
      this.held++;
      return;
    }
    // The close itself is counted, not held: position() drops the trade as it closes.
    if (e.type === 'POSITION_CLOSE') return;
    // Events of a trade already closed (or never opened) are not kept.
    if (!this.open.has(e.trade_id)) return;
    const l = this.byTrade.get(e.trade_id);
    if (l) {
      l.push(s);
      this.held++;
    } else this.setTrade(e.trade_id, [s]);
  }

  private setTrade(id: number, l: Seq[]): void {
    this.dropTrade(id);
    this.byTrade.set(id, l);
    this.held += l.length;
  }

  private dropTrade(id: number): void {
    const l = this.byTrade.get(id);
    if (!l) return;
    this.held -= l.length;
    this.byTrade.delete(id);
  }
}
