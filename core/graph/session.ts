import { dirname, resolve } from 'node:path';
import { CancelledError, ExitCode } from '../errors';
import type { Logger } from '../log';
import { parseNotebook } from '../notebook/parse';
import type { Cell, ParsedNotebook } from '../notebook/types';
import type { PhaseResult } from '../phases/types';
import { resolveRoots, type ArtifactRoots } from '../runs/roots';
import { buildGraph, type Graph } from './dag';
import type { CellError, CellOutcome, ExecutionEvent } from './events';
import { cellsWithErrors, computeCellKeys, isExecutable } from './keys';
import { loadResult, saveResult } from './resultStore';
import { runCell } from './runCell';
import { readSettings, type NotebookSettings } from './settings';

export interface SessionOptions {
  /** Absolute path of the .pipeline file. */
  notebookPath: string;
  /** Folder relative paths resolve against (default: the notebook's folder). */
  baseDir?: string;
  /** Root defaults from the host settings (below the notebook's own `settings` cell). */
  rootDefaults?: Partial<ArtifactRoots>;
  /** Root overrides from the command line (above the notebook). */
  rootOverrides?: Partial<ArtifactRoots>;
  /** Seed override (PHASEBOOK_SEED / --seed), above the notebook's `seed:`. */
  seed?: number;
  log: Logger;
  /** Keep results on disk under roots.cache (default true). */
  diskCache?: boolean;
}

export interface RunRequest {
  /** Cells to run (their stale or never-run ancestors run first). Default: every executable cell. */
  cells?: string[];
  /** Ignore the cache for the requested cells (ancestors still reuse valid results). */
  force?: boolean;
  signal?: AbortSignal;
  onEvent?: (e: ExecutionEvent) => void;
}

export interface ExecutionReport {
  ok: boolean;
  exitCode: number;
  outcomes: CellOutcome[];
}

interface LastRun {
  key: string;
  result: PhaseResult;
}

/**
 * One notebook's engine state: the parsed cells, the graph, the last good result of every cell,
 * and which cells are stale. The kernel keeps one per open notebook; the CLI makes one per call.
 */
export class PipelineSession {
  readonly notebookPath: string;
  readonly baseDir: string;
  private readonly opts: SessionOptions;
  private parsedNb: ParsedNotebook;
  private graphOf: Graph;
  private settingsOf: NotebookSettings;
  private readonly last = new Map<string, LastRun>();
  private executionCount = 0;

  constructor(text: string, opts: SessionOptions) {
    this.opts = opts;
    this.notebookPath = resolve(opts.notebookPath);
    this.baseDir = opts.baseDir ? resolve(opts.baseDir) : dirname(this.notebookPath);
    this.parsedNb = parseNotebook(text, { file: this.notebookPath });
    this.graphOf = buildGraph(this.parsedNb.cells);
    this.settingsOf = readSettings(this.parsedNb);
  }

  get parsed(): ParsedNotebook {
    return this.parsedNb;
  }

  get graph(): Graph {
    return this.graphOf;
  }

  get seed(): number {
    return this.opts.seed ?? this.settingsOf.seed ?? 42;
  }

  get mode(): 'autorun' | 'lazy' {
    return this.settingsOf.mode ?? 'lazy';
  }

  get roots(): ArtifactRoots {
    return resolveRoots(this.baseDir, { ...this.opts.rootDefaults, ...this.settingsOf.roots, ...this.opts.rootOverrides });
  }

  /** Replaces the notebook text (an edit). Returns the cells that became stale. */
  async update(text: string): Promise<string[]> {
    this.parsedNb = parseNotebook(text, { file: this.notebookPath });
    this.graphOf = buildGraph(this.parsedNb.cells);
    this.settingsOf = readSettings(this.parsedNb);
    return this.staleCells();
  }

  /** The cache key each cell would have now. */
  async keys(): Promise<Map<string, string>> {
    return computeCellKeys(this.parsedNb, this.graphOf, { baseDir: this.baseDir, roots: this.roots, seed: this.seed });
  }

  /** Cells that ran before but whose inputs, config or files have changed since (and their descendants). */
  async staleCells(): Promise<string[]> {
    const keys = await this.keys();
    const stale = new Set<string>();
    for (const name of this.graphOf.order) {
      const prev = this.last.get(name);
      if (prev && prev.key !== keys.get(name)) {
        stale.add(name);
        for (const d of this.graphOf.descendants(name)) if (this.last.has(d)) stale.add(d);
      }
    }
    return this.graphOf.order.filter((n) => stale.has(n));
  }

  /** The last result of a cell, if it is still valid. */
  lastResult(name: string): PhaseResult | undefined {
    return this.last.get(name)?.result;
  }

  /**
   * Restores outputs from the disk cache without running anything (a notebook reopened):
   * every cell whose current key has a stored result.
   */
  async restore(): Promise<Map<string, PhaseResult>> {
    const out = new Map<string, PhaseResult>();
    if (this.opts.diskCache === false) return out;
    const keys = await this.keys();
    for (const name of this.graphOf.order) {
      const key = keys.get(name);
      if (!key) continue;
      const r = this.last.get(name)?.key === key ? this.last.get(name)?.result : await loadResult(this.roots.cache, key);
      if (r) {
        this.last.set(name, { key, result: r });
        out.set(name, r);
      }
    }
    return out;
  }

  /** Runs the requested cells, running stale or never-run ancestors first. */
  async run(req: RunRequest = {}): Promise<ExecutionReport> {
    const emit = req.onEvent ?? (() => undefined);
    const cells = new Map(this.parsedNb.cells.map((c) => [c.name, c]));
    const executable = this.graphOf.order.filter((n) => isExecutable(cells.get(n) as Cell));
    const targets = new Set(req.cells ?? executable);
    for (const t of targets) {
      if (!cells.has(t)) throw new Error(`no cell named '${t}'`);
    }
    const keys = await this.keys();
    const errors = cellsWithErrors(this.parsedNb);
    const needed = new Set<string>();
    for (const t of targets) {
      needed.add(t);
      for (const a of this.graphOf.ancestors(t)) needed.add(a);
    }
    // Ancestors whose last result is still valid are reused without being re-run.
    const plan = executable.filter((n) => needed.has(n) && (targets.has(n) || this.last.get(n)?.key !== keys.get(n) || !keys.has(n)));
    plan.forEach((cell, i) => emit({ type: 'queued', cell, order: i }));

    const outcomes: CellOutcome[] = [];
    const failed = new Set<string>();
    const roots = this.roots;
    for (const [i, name] of plan.entries()) {
      const cell = cells.get(name) as Cell;
      const key = keys.get(name);
      const upstreamFailed = this.graphOf.ancestors(name).find((a) => failed.has(a));
      if (req.signal?.aborted) {
        outcomes.push(this.finish(emit, { cell: name, status: 'cancelled', durationMs: 0 }));
        failed.add(name);
        continue;
      }
      if (upstreamFailed || errors.has(name) || !key) {
        const err = this.blockedError(cell, upstreamFailed, errors.has(name));
        outcomes.push(this.finish(emit, { cell: name, status: errors.has(name) ? 'failed' : 'skipped', durationMs: 0, error: err }));
        failed.add(name);
        continue;
      }
      emit({ type: 'started', cell: name, order: i });
      const t0 = performance.now();
      const force = req.force && targets.has(name);
      const memo = !force && this.last.get(name)?.key === key ? this.last.get(name)?.result : undefined;
      const cached = memo ?? (!force && this.opts.diskCache !== false ? await loadResult(roots.cache, key) : undefined);
      if (cached) {
        this.last.set(name, { key, result: cached });
        outcomes.push(this.finish(emit, { cell: name, status: 'cached', durationMs: performance.now() - t0, result: cached, cacheKey: key }));
        continue;
      }
      const inputs = this.graphOf.parents(name).map((p) => this.last.get(p)?.result as PhaseResult);
      const upstream = new Map(this.graphOf.ancestors(name).map((a) => [a, this.last.get(a)?.result as PhaseResult]));
      const r = await runCell(cell, inputs, {
        notebookPath: this.notebookPath,
        baseDir: this.baseDir,
        roots,
        seed: this.seed,
        log: this.opts.log.child({ cell: name }),
        signal: req.signal ?? new AbortController().signal,
        upstream,
        emit,
      });
      const durationMs = performance.now() - t0;
      if (r.ok) {
        this.last.set(name, { key, result: r.result });
        if (r.result.run) emit({ type: 'run-created', cell: name, id: r.result.run.id, dir: r.result.run.dir, kind: r.result.run.kind });
        if (this.opts.diskCache !== false) {
          await saveResult(roots.cache, key, r.result).catch((e: Error) => this.opts.log.warn(`could not cache cell '${name}': ${e.message}`));
        }
        outcomes.push(this.finish(emit, { cell: name, status: 'ok', durationMs, result: r.result, cacheKey: key }));
      } else {
        this.last.delete(name);
        failed.add(name);
        outcomes.push(this.finish(emit, { cell: name, status: r.cancelled ? 'cancelled' : 'failed', durationMs, error: r.error }));
      }
    }
    this.executionCount++;
    const bad = outcomes.filter((o) => o.status === 'failed' || o.status === 'cancelled' || o.status === 'skipped');
    const exitCode = bad.some((o) => o.error?.exitCode === ExitCode.Validation) ? ExitCode.Validation : bad.length ? ExitCode.Error : ExitCode.Ok;
    return { ok: bad.length === 0, exitCode, outcomes };
  }

  /** Forgets every in-memory result (kernel restart keeps the disk cache). */
  clear(): void {
    this.last.clear();
  }

  private finish(emit: (e: ExecutionEvent) => void, o: CellOutcome): CellOutcome {
    emit({ type: 'finished', cell: o.cell, status: o.status, durationMs: o.durationMs, result: o.result, error: o.error, cacheKey: o.cacheKey });
    return o;
  }

  private blockedError(cell: Cell, upstreamFailed: string | undefined, ownError: boolean): CellError {
    const file = this.notebookPath;
    if (ownError) {
      const diag = this.parsedNb.diagnostics.find((d) => d.severity === 'error' && d.cellIndex === cell.index);
      return {
        message: diag?.message ?? 'this cell has errors',
        location: { file, cell: cell.name, key: diag?.key, line: (diag?.range.start.line ?? cell.headerLine) + 1, column: (diag?.range.start.column ?? 0) + 1 },
        details: [],
        exitCode: ExitCode.Error,
      };
    }
    const msg = upstreamFailed ? `not run: upstream cell '${upstreamFailed}' failed` : 'not run: an upstream cell has errors';
    return { message: msg, location: { file, cell: cell.name, line: cell.headerLine + 1 }, details: [], exitCode: ExitCode.Error };
  }
}

export { CancelledError };
