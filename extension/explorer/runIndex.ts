/**
 * The explorer's in-memory index of runs, by directory, grouped by kind. Filled once by a scan of
 * the artifact roots, then kept current one run folder at a time (readRun on the folder that
 * changed) — never a full rescan per event. Node only: no vscode.
 */
import { dirname, join } from 'node:path';
import { newestFirst, readRun, scanRuns, type RunSummary } from '../../core/runs/scan';
import type { ArtifactRoots } from '../../core/runs/roots';
import type { RunKind } from '../../core/runs/types';
import { Signal } from '../util/disposables';

export type RunGroup = 'cv' | 'training' | 'backtest' | 'pipeline';

export const GROUP_ORDER: readonly RunGroup[] = ['cv', 'training', 'backtest', 'pipeline'];

export const GROUP_LABEL: Record<RunGroup, string> = {
  cv: 'Cross-validation',
  training: 'Training (incl. stacking)',
  backtest: 'Backtest / workflow',
  pipeline: 'Pipeline runs',
};

export function groupOf(kind: RunKind): RunGroup {
  switch (kind) {
    case 'cv':
      return 'cv';
    case 'training':
    case 'stacking':
      return 'training';
    case 'backtest':
    case 'workflow':
      return 'backtest';
    default:
      return 'pipeline';
  }
}

export type Layout = 'stacking' | 'runs' | 'results';
export const LAYOUTS: readonly Layout[] = ['stacking', 'runs', 'results'];

/** One watched root folder: its layout and the root set it belongs to. */
export interface WatchedRoot {
  path: string;
  layout: Layout;
  roots: ArtifactRoots;
}

/** Roots where only `layout` points at a real folder (scan one root). */
function onlyLayout(root: WatchedRoot): ArtifactRoots {
  const none = join(root.path, '.phasebook-none');
  return { ...root.roots, stacking: none, runs: none, results: none, [root.layout]: root.path };
}

export interface RunReader {
  scan(roots: ArtifactRoots): Promise<RunSummary[]>;
  read(dir: string, roots: ArtifactRoots): Promise<RunSummary | undefined>;
}

export const coreRunReader: RunReader = { scan: (roots) => scanRuns(roots), read: (dir, roots) => readRun(dir, roots) };

export interface IndexChange {
  groups: Set<RunGroup>;
  /** Run folders added, changed or removed. */
  dirs: string[];
}

export class RunIndex {
  private readonly runs = new Map<string, RunSummary>();
  private readonly sorted = new Map<RunGroup, RunSummary[]>();
  /** Reads of each folder started so far: a read that finishes after a later-started one is dropped. */
  private readonly reads = new Map<string, number>();
  readonly onChange = new Signal<IndexChange>();

  constructor(private readonly reader: RunReader = coreRunReader) {}

  get size(): number {
    return this.runs.size;
  }

  /** Replaces the index with the runs under these roots. */
  async scanAll(roots: readonly WatchedRoot[]): Promise<void> {
    const found = new Map<string, RunSummary>();
    for (const r of roots) for (const s of await this.reader.scan(onlyLayout(r))) found.set(s.dir, s);
    const dirs = [...new Set([...this.runs.keys(), ...found.keys()])];
    this.runs.clear();
    for (const [dir, s] of found) this.runs.set(dir, s);
    this.sorted.clear();
    this.onChange.fire({ groups: new Set(GROUP_ORDER), dirs });
  }

  /** Adds the runs of one root (a root that appeared or came back). */
  async scanRoot(root: WatchedRoot): Promise<void> {
    const found = await this.reader.scan(onlyLayout(root));
    const groups = new Set<RunGroup>();
    for (const s of found) {
      this.put(s, groups);
    }
    if (found.length) this.onChange.fire({ groups, dirs: found.map((s) => s.dir) });
  }

  /** Drops the runs under a root that disappeared. */
  removeUnder(rootPath: string): void {
    const groups = new Set<RunGroup>();
    const dirs: string[] = [];
    const prefix = rootPath.endsWith('/') ? rootPath : `${rootPath}/`;
    for (const [dir, s] of this.runs) {
      if (!dir.startsWith(prefix)) continue;
      this.runs.delete(dir);
      groups.add(groupOf(s.kind));
      dirs.push(dir);
    }
    for (const g of groups) this.sorted.delete(g);
    if (dirs.length) this.onChange.fire({ groups, dirs });
  }

  /** Re-reads the given run folders (the watcher's batch) and reports what changed. */
  async refresh(dirs: Iterable<{ dir: string; root: WatchedRoot }>): Promise<IndexChange> {
    const groups = new Set<RunGroup>();
    const changed: string[] = [];
    // A results_dir folder changed (a workflow run in it may be gone): re-read the runs indexed under it.
    // A workflow run in a results_dir: re-read its folder too, which read as a run of another tool
    // while the run's files were written before its run.json.
    const all = [...dirs];
    for (const { dir, root } of [...all]) {
      for (const d of this.runs.keys())
        if (d.startsWith(`${dir}/`) && !all.some((x) => x.dir === d)) all.push({ dir: d, root });
      const parent = dirname(dir);
      if (this.runs.has(parent) && !all.some((x) => x.dir === parent)) all.push({ dir: parent, root });
    }
    for (const { dir, root } of all) {
      const generation = (this.reads.get(dir) ?? 0) + 1;
      this.reads.set(dir, generation);
      const after = await this.reader.read(dir, root.roots);
      // Refreshes overlap (the watcher's batches, the kernel's runCreated): a slow read of a run that was
      // still running must not overwrite a later read that saw it finished (issue 18 item 10).
      if (this.reads.get(dir) !== generation) continue;
      const before = this.runs.get(dir);
      if (!after) {
        if (before) {
          this.runs.delete(dir);
          groups.add(groupOf(before.kind));
          this.sorted.delete(groupOf(before.kind));
          changed.push(dir);
        }
        continue;
      }
      if (before && groupOf(before.kind) !== groupOf(after.kind)) {
        groups.add(groupOf(before.kind));
        this.sorted.delete(groupOf(before.kind));
      }
      this.put(after, groups);
      changed.push(dir);
    }
    const change = { groups, dirs: changed };
    if (changed.length) this.onChange.fire(change);
    return change;
  }

  private put(s: RunSummary, groups: Set<RunGroup>): void {
    this.runs.set(s.dir, s);
    const g = groupOf(s.kind);
    groups.add(g);
    this.sorted.delete(g);
  }

  remove(dir: string): void {
    const s = this.runs.get(dir);
    if (!s) return;
    this.runs.delete(dir);
    this.sorted.delete(groupOf(s.kind));
    this.onChange.fire({ groups: new Set([groupOf(s.kind)]), dirs: [dir] });
  }

  /** The runs of a group, newest first. */
  group(g: RunGroup): readonly RunSummary[] {
    let list = this.sorted.get(g);
    if (!list) {
      list = [...this.runs.values()].filter((s) => groupOf(s.kind) === g).sort(newestFirst);
      this.sorted.set(g, list);
    }
    return list;
  }

  get(dir: string): RunSummary | undefined {
    return this.runs.get(dir);
  }

  byId(id: string): RunSummary | undefined {
    for (const s of this.runs.values()) if (s.id === id) return s;
    return undefined;
  }

  all(): RunSummary[] {
    return [...this.runs.values()].sort(newestFirst);
  }
}
