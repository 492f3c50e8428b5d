/**
 * Watches the artifact roots with chokidar and reports, debounced, which run folders changed.
 * A root that disappears (or does not exist yet) is checked again every few seconds and picked
 * up when it is (re)created. When the OS runs out of file watchers (ENOSPC/EMFILE) it warns once
 * and falls back to polling. Node only; the watcher factory is injectable for tests.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { watch } from 'chokidar';
import { resultsRunDir } from '../../core/runs/scan';
import type { DisposableLike } from '../util/disposables';
import type { Layout, WatchedRoot } from './runIndex';

export interface WatchHandle {
  on(event: 'all', listener: (event: string, path: string) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
  close(): Promise<void>;
}

export interface WatchOptions {
  depth: number;
  usePolling: boolean;
}

export type WatchFactory = (path: string, opts: WatchOptions) => WatchHandle;

export const chokidarFactory: WatchFactory = (path, opts) =>
  watch(path, {
    ignoreInitial: true,
    depth: opts.depth,
    usePolling: opts.usePolling,
    interval: 1000,
    binaryInterval: 2000,
    ignorePermissionErrors: true,
    persistent: true,
    // Dot-files and dot-folders below a root hold no runs (temp files, caches).
    ignored: (p: string) =>
      relative(path, p)
        .split(sep)
        .some((segment) => segment.startsWith('.')),
  }) as unknown as WatchHandle;

/** How deep a layout's run files sit below its root (results runs nest phases and windows). */
export const LAYOUT_DEPTH: Record<Layout, number> = { stacking: 1, runs: 1, results: 3 };

export interface RunWatcherOptions {
  factory?: WatchFactory;
  /** Events are gathered for this long before the changed run folders are reported. */
  debounceMs?: number;
  /** How often missing or vanished roots are checked (a few stat calls: cheap). */
  rootCheckMs?: number;
  onRunDirs(dirs: { dir: string; root: WatchedRoot }[]): void;
  onRootAppeared(root: WatchedRoot): void;
  onRootVanished(root: WatchedRoot): void;
  onWarning(message: string): void;
  onError?(message: string): void;
}

export const WATCHER_LIMIT_WARNING =
  'Phasebook: the system ran out of file watchers (ENOSPC), so the run explorer now polls the artifact roots ' +
  'every second instead of watching them. Raise fs.inotify.max_user_watches for instant updates.';

/**
 * The run folder a changed path belongs to: the first folder below the root, or in a results root
 * `{results_dir}/{workflow_id}` when the first folder is a results_dir (notes/002).
 */
export function runDirOf(root: string, path: string, layout?: Layout): string | undefined {
  const rel = relative(root, path);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  const segments = rel.split(sep);
  const first = segments[0];
  if (!first || first.startsWith('.')) return undefined;
  return layout === 'results' ? resultsRunDir(root, segments) : join(root, first);
}

interface Watched {
  root: WatchedRoot;
  handle?: WatchHandle;
}

export class RunWatcher implements DisposableLike {
  private readonly watched = new Map<string, Watched>();
  private readonly pending = new Map<string, WatchedRoot>();
  private flushTimer?: ReturnType<typeof setTimeout>;
  private checkTimer?: ReturnType<typeof setInterval>;
  private polling = false;
  private disposed = false;
  private readonly factory: WatchFactory;

  constructor(private readonly opts: RunWatcherOptions) {
    this.factory = opts.factory ?? chokidarFactory;
    this.checkTimer = setInterval(() => this.checkRoots(), opts.rootCheckMs ?? 250);
    this.checkTimer.unref?.();
  }

  get isPolling(): boolean {
    return this.polling;
  }

  /** Roots currently watched by a live watcher. */
  get activeRoots(): string[] {
    return [...this.watched.values()].filter((w) => w.handle).map((w) => w.root.path);
  }

  /** Sets the roots to watch (adds new ones, stops watching removed ones). */
  setRoots(roots: readonly WatchedRoot[]): void {
    const wanted = new Map(roots.map((r) => [r.path, r]));
    for (const [path, w] of this.watched) {
      if (!wanted.has(path)) {
        void w.handle?.close();
        this.watched.delete(path);
      }
    }
    for (const [path, root] of wanted) {
      if (this.watched.has(path)) continue;
      const w: Watched = { root };
      this.watched.set(path, w);
      if (existsSync(path)) this.startWatching(w);
    }
  }

  /** Starts a watcher on a root; `onReady` runs once it watches everything (its initial walk is done). */
  private startWatching(w: Watched, onReady?: () => void): void {
    if (this.disposed) return;
    const handle = this.factory(w.root.path, { depth: LAYOUT_DEPTH[w.root.layout], usePolling: this.polling });
    w.handle = handle;
    if (onReady) handle.on('ready', () => w.handle === handle && onReady());
    handle.on('all', (event, path) => {
      if (path === w.root.path && event === 'unlinkDir') {
        this.checkRoots();
        return;
      }
      const dir = runDirOf(w.root.path, path, w.root.layout);
      if (dir) this.queue(dir, w.root);
    });
    handle.on('error', (e) => this.watchError(e, w));
  }

  private watchError(e: unknown, w: Watched): void {
    const code = (e as { code?: string }).code;
    if ((code === 'ENOSPC' || code === 'EMFILE') && !this.polling) {
      this.polling = true;
      this.opts.onWarning(WATCHER_LIMIT_WARNING);
      for (const x of this.watched.values()) {
        void x.handle?.close();
        x.handle = undefined;
        if (existsSync(x.root.path)) this.startWatching(x);
      }
      return;
    }
    this.opts.onError?.(`watching ${w.root.path} failed: ${(e as Error).message ?? String(e)}`);
  }

  private queue(dir: string, root: WatchedRoot): void {
    this.pending.set(dir, root);
    // Reported at most `debounceMs` after the first change: bursts are batched, latency stays bounded.
    this.flushTimer ??= setTimeout(() => this.flush(), this.opts.debounceMs ?? 150);
  }

  /** Reports the gathered run folders now. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.pending.size) return;
    const batch = [...this.pending].map(([dir, root]) => ({ dir, root }));
    this.pending.clear();
    this.opts.onRunDirs(batch);
  }

  /** Roots that vanished stop being watched; roots that (re)appeared start. */
  checkRoots(): void {
    if (this.disposed) return;
    for (const w of this.watched.values()) {
      const exists = existsSync(w.root.path);
      if (exists && !w.handle) {
        // Read the root once its watcher is ready: nothing written in between is missed.
        this.startWatching(w, () => this.opts.onRootAppeared(w.root));
      } else if (!exists && w.handle) {
        void w.handle.close();
        w.handle = undefined;
        this.opts.onRootVanished(w.root);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.checkTimer) clearInterval(this.checkTimer);
    for (const w of this.watched.values()) void w.handle?.close();
    this.watched.clear();
    this.pending.clear();
  }
}
