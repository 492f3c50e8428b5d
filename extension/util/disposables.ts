/** Small lifetime helpers: everything the host creates is disposed (docs/design.md §9.2). */

export interface DisposableLike {
  dispose(): unknown;
}

/** Owns disposables and disposes them once, newest first. */
export class DisposableStore implements DisposableLike {
  private items: DisposableLike[] = [];
  private disposed = false;

  add<T extends DisposableLike>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const items = this.items.reverse();
    this.items = [];
    for (const item of items) {
      try {
        item.dispose();
      } catch {
        // one failing dispose must not keep the rest alive
      }
    }
  }
}

/**
 * The base of every host object that owns listeners, providers or items: `track()` what you create
 * and it is disposed with you (once, newest first). Override `dispose()` for other clean-up and call
 * `super.dispose()`.
 */
export abstract class Disposable implements DisposableLike {
  private readonly owned = new DisposableStore();

  protected track<T extends DisposableLike>(item: T, ...more: DisposableLike[]): T {
    this.owned.add(item);
    for (const m of more) this.owned.add(m);
    return item;
  }

  protected get isDisposed(): boolean {
    return this.owned.isDisposed;
  }

  dispose(): void {
    this.owned.dispose();
  }
}

/** A function call postponed until `ms` after the last request; flush() runs it now. */
export class Debouncer implements DisposableLike {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly ms: number,
    private readonly fn: () => void,
  ) {}

  schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.fn();
    }, this.ms);
  }

  get pending(): boolean {
    return this.timer !== undefined;
  }

  /** Runs a scheduled call immediately (nothing when none is scheduled). */
  flush(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.fn();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** A typed listener list without vscode (for node-only modules the tests load directly). */
export class Signal<T> {
  private listeners = new Set<(value: T) => void>();

  on(listener: (value: T) => void): DisposableLike {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  fire(value: T): void {
    for (const l of [...this.listeners]) l(value);
  }

  clear(): void {
    this.listeners.clear();
  }
}
