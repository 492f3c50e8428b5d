/**
 * Autorun's debounce (docs/design.md §9.6): in autorun mode an edit burst re-runs the stale cells once,
 * `phasebook.autorun.delayMs` after its last edit reached the kernel, not once per keystroke (each re-run of a
 * cv or stack cell is a permanent run on disk). A keystroke while the timer waits puts it off. Pure: no vscode.
 */
import type { DisposableLike } from '../util/disposables';

export class AutorunTimer implements DisposableLike {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  /** `delayMs` is read at each `schedule`, so a changed setting applies to the next burst. */
  constructor(
    private readonly delayMs: () => number,
    private readonly fire: (key: string) => void,
  ) {}

  /** (Re)starts the wait of one notebook. */
  schedule(key: string): void {
    this.cancel(key);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.fire(key);
      }, this.delayMs()),
    );
  }

  /** Drops a notebook's wait (a new keystroke, the notebook closed; not an explicit run: other cells may be stale). */
  cancel(key: string): void {
    const t = this.timers.get(key);
    if (t !== undefined) clearTimeout(t);
    this.timers.delete(key);
  }

  pending(key: string): boolean {
    return this.timers.has(key);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
