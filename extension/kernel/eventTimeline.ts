/**
 * The host <-> kernel event timeline of one notebook, at debug level in the Phasebook log (set the
 * channel to Debug to see it): each request sent and answered, each kernel event received and each
 * execution state change, in ms since the request began. After a run it states the latency the user
 * sees: last cell finished -> notebook idle (every execution of the request ended).
 */
import type { KernelEvent } from '../../core/kernel/protocol';
import type { ExecutionStep } from './executionState';

export interface TimelineLog {
  debug(message: string): void;
}

function describe(e: KernelEvent): string {
  switch (e.type) {
    case 'finished':
      return `finished ${e.cell} (${e.status}, ${Math.round(e.durationMs)} ms in the kernel)`;
    case 'progress':
      return `progress ${e.cell} ${Math.round(e.fraction * 100)}%`;
    case 'stale':
      return `stale [${e.cells.join(', ')}]`;
    case 'runCreated':
      return `runCreated ${e.id}`;
    case 'cellsDone':
      return 'cellsDone';
    default:
      return `${e.type} ${e.cell}`;
  }
}

export class EventTimeline {
  private t0 = performance.now();
  private request?: string;
  private lastFinished?: number;
  /** Last cell finished -> notebook idle of the last run, in ms (undefined before one ran). */
  lastIdleLatencyMs?: number;

  constructor(
    private readonly log: TimelineLog,
    private readonly label: string,
  ) {}

  private line(text: string): void {
    this.log.debug(`timeline ${this.label} +${Math.round(performance.now() - this.t0)} ms: ${text}`);
  }

  sent(type: string): void {
    this.t0 = performance.now();
    this.request = type;
    this.lastFinished = undefined;
    this.line(`⇒ ${type}`);
  }

  event(e: KernelEvent): void {
    if (e.type === 'finished') this.lastFinished = performance.now();
    this.line(`⇐ ${describe(e)}`);
  }

  step(s: ExecutionStep): void {
    if (s.kind === 'started' || s.kind === 'finished' || s.kind === 'end' || s.kind === 'settle')
      this.line(`execution ${s.cell}: ${s.kind === 'finished' ? `finished (${s.status})` : s.kind}`);
  }

  /** Every execution of the request has ended: the notebook shows idle from here. */
  idle(): void {
    if (this.lastFinished === undefined) return;
    this.lastIdleLatencyMs = performance.now() - this.lastFinished;
    this.line(`notebook idle ${Math.round(this.lastIdleLatencyMs)} ms after the last cell finished`);
    this.lastFinished = undefined;
  }

  answered(type: string, ok: boolean): void {
    this.line(
      `⇐ reply to ${type}${ok ? '' : ' (failed)'}${this.request === type ? '' : ` (timeline of ${this.request})`}`,
    );
  }
}
