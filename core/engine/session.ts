/**
 * One notebook's engine state (docs/design.md §4, §4.2): the parsed and fanned-out cells, their graph and keys,
 * the last good result of every cell, and planning an execution — the targets and the ancestors they need, the
 * audit gate, then the one settling loop (core/engine/settle.ts), with the cells to compute run here
 * (core/engine/computeHere.ts) or on an executor (core/orchestrate/dispatch.ts). Staleness, revive and restore
 * are in core/engine/staleness.ts, the options and report types in core/engine/types.ts.
 */
import { dirname, resolve } from 'node:path';
import { CancelledError, ExitCode } from '../errors';
import type { Logger } from '../log';
import { parseNotebook } from '../notebook/parse';
import { applyOverrides } from '../notebook/overrides';
import type { Cell, ParsedNotebook } from '../notebook/types';
import type { PhaseResult } from '../spec/types';
import { resolveRoots, type ArtifactRoots } from '../runs/roots';
import { buildGraph, type Graph } from '../notebook/dag';
import type { RunRequest } from '../graph/events';
import { cellsWithErrors, computeCellKeys, isExecutable } from '../graph/keys';
import { hasResult, loadResult, type CacheReadOptions } from '../graph/resultStore';
import { readSettings, type NotebookSettings } from '../graph/settings';
import { expandNotebook, type Expansion } from '../orchestrate/expand';
import { CellRecorder } from '../orchestrate/cellRecorder';
import { chooseExecutor } from '../orchestrate/choose';
import { recordExecution } from '../orchestrate/record';
import type { OpenJobSession } from '../orchestrate/jobRunner';
import { SerialExecutor } from '../orchestrate/serial';
import type { Executor } from '../orchestrate/executor';
import { auditCached, auditGate } from '../audit/gate';
import { isDataCell } from '../audit/audit';
import type { AuditMode, AuditReport } from '../audit/types';
import { blockedError, executePlan } from './execute';
import { memoOf, staleFrom, takeBack, toRerun, type CellMemory } from './staleness';
import type { ExecutionReport, SessionOptions } from './types';

export type { ExecutionReport, RunRequest, SessionOptions };

/**
 * One notebook's engine state: the parsed cells, the graph, the last good result of every cell,
 * and which cells are stale. The kernel keeps one per open notebook; the CLI makes one per call.
 */
export class PipelineSession {
  readonly notebookPath: string;
  readonly baseDir: string;
  private readonly opts: SessionOptions;
  private text: string;
  private parsedNb: ParsedNotebook;
  /** The notebook after fan-out expansion: virtual cells (`train[a][ridge]`) and their diagnostics. */
  private expandedNb: ParsedNotebook;
  private expansionOf: Expansion;
  private graphOf: Graph;
  private settingsOf: NotebookSettings;
  /** Each cell's last good result, and its key and status at its last outcome. */
  private readonly mem: CellMemory = { last: new Map(), outcomes: new Map() };
  private executionCount = 0;

  constructor(text: string, opts: SessionOptions) {
    this.opts = opts;
    this.notebookPath = resolve(opts.notebookPath);
    this.baseDir = opts.baseDir ? resolve(opts.baseDir) : dirname(this.notebookPath);
    this.text = text;
    this.parsedNb = this.parse(text);
    this.expansionOf = expandNotebook(this.parsedNb, buildGraph(this.parsedNb.cells));
    this.expandedNb = {
      ...this.parsedNb,
      cells: this.expansionOf.cells,
      diagnostics: [...this.parsedNb.diagnostics, ...this.expansionOf.diagnostics],
    };
    this.graphOf = this.expansionOf.graph;
    this.settingsOf = readSettings(this.parsedNb);
  }

  /** The notebook as written (cells index like the file), with the run's overrides applied. */
  private parse(text: string): ParsedNotebook {
    const nb = parseNotebook(text, { file: this.notebookPath });
    return this.opts.overrides ? applyOverrides(nb, this.opts.overrides) : nb;
  }

  /** The notebook text this session runs. */
  get notebookText(): string {
    return this.text;
  }

  /** The notebook as written (cells index like the file). */
  get parsed(): ParsedNotebook {
    return this.parsedNb;
  }

  /** The graph of the cells that run: virtual cells of a fanned-out notebook. */
  get graph(): Graph {
    return this.graphOf;
  }

  /** Fan-out: the virtual cells, their branches, and each notebook cell's copies. */
  get expansion(): Expansion {
    return this.expansionOf;
  }

  /** Where this session's own log records go (pool workers forward theirs per job). */
  setLogger(log: Logger): void {
    this.opts.log = log;
  }

  /** The executor of the next runs' computed cells (the kernel's choice can change with the settings cell). */
  setExecutor(executor: Executor | undefined): void {
    this.opts.executor = executor;
  }

  get seed(): number {
    return this.opts.seed ?? this.settingsOf.seed ?? 42;
  }

  /** The notebook's `audit:` setting (default error). */
  get auditMode(): AuditMode {
    return this.settingsOf.audit ?? 'error';
  }

  /** Audits data cells (default: every one) for look-ahead, the audit cache serving unchanged cells. */
  async audit(cells?: string[]): Promise<AuditReport> {
    const all = new Map(this.expandedNb.cells.map((c) => [c.name, c]));
    const targets = (cells ?? this.graphOf.order)
      .flatMap((t) => (all.has(t) ? [t] : (this.expansionOf.copies.get(t) ?? [])))
      .filter((n) => isDataCell(all.get(n)));
    return auditCached({ ...this.auditBase(all), keys: await this.keys() }, targets);
  }

  private auditBase(cells: Map<string, Cell>) {
    return {
      notebookPath: this.notebookPath,
      baseDir: this.baseDir,
      seed: this.seed,
      cells,
      graph: this.graphOf,
      mode: this.auditMode,
      log: this.opts.log,
      cacheRoot: this.opts.diskCache === false ? undefined : this.roots.cache,
    };
  }

  get mode(): 'autorun' | 'lazy' {
    return this.settingsOf.mode ?? 'lazy';
  }

  /** How the disk cache is read: cache.max_age from the settings cell, decisions logged at debug. */
  private cacheRead(cell?: string): CacheReadOptions {
    if (this.settingsOf.problem) throw this.settingsOf.problem;
    return { maxAgeMs: this.settingsOf.cacheMaxAgeMs, log: this.opts.log, ...(cell ? { cell } : {}) };
  }

  get roots(): ArtifactRoots {
    return resolveRoots(this.baseDir, {
      ...this.opts.rootDefaults,
      ...this.settingsOf.roots,
      ...this.opts.rootOverrides,
    });
  }

  /** Replaces the notebook text (an edit). Returns the cells that became stale. */
  async update(text: string): Promise<string[]> {
    this.text = text;
    this.parsedNb = this.parse(text);
    this.expansionOf = expandNotebook(this.parsedNb, buildGraph(this.parsedNb.cells));
    this.expandedNb = {
      ...this.parsedNb,
      cells: this.expansionOf.cells,
      diagnostics: [...this.parsedNb.diagnostics, ...this.expansionOf.diagnostics],
    };
    this.graphOf = this.expansionOf.graph;
    this.settingsOf = readSettings(this.parsedNb);
    return this.staleCells();
  }

  /** The cache key each cell would have now. */
  async keys(): Promise<Map<string, string>> {
    return computeCellKeys(this.expandedNb, this.graphOf, {
      baseDir: this.baseDir,
      roots: this.roots,
      seed: this.seed,
      notebookPath: this.notebookPath,
    });
  }

  /** Keys without file contents: equal while only the data changed (checkpoints' drift check). */
  async structureKeys(): Promise<Map<string, string>> {
    return computeCellKeys(this.expandedNb, this.graphOf, {
      baseDir: this.baseDir,
      roots: this.roots,
      seed: this.seed,
      structureOnly: true,
    });
  }

  /**
   * Cells whose key changed since their last outcome — a good result, a failure or a block — and
   * their descendants that had an outcome too.
   */
  async staleCells(): Promise<string[]> {
    return this.staleFrom(await this.keys());
  }

  private staleFrom(keys: Map<string, string>): string[] {
    return staleFrom(this.graphOf, this.mem, keys);
  }

  /** What "Run stale cells" runs: the stale cells, plus those whose last outcome failed, was blocked or cancelled. */
  async cellsToRerun(): Promise<string[]> {
    return toRerun(this.graphOf, this.mem, await this.staleCells());
  }

  /**
   * After an edit: stale cells whose new key has a result (in memory, or in the disk cache) take
   * it back without running — undoing an edit brings the outputs back and clears the error.
   * Returns the revived results in graph order.
   */
  async revive(): Promise<Map<string, PhaseResult>> {
    const keys = await this.keys();
    const noDisk = this.opts.diskCache === false || this.settingsOf.problem;
    return takeBack(this.mem, this.staleFrom(keys), keys, async (name, key) =>
      noDisk ? undefined : loadResult(this.roots.cache, key, this.cacheRead(name)),
    );
  }

  /** The last result of a cell, if it is still valid. */
  lastResult(name: string): PhaseResult | undefined {
    return this.mem.last.get(name)?.result;
  }

  /**
   * Restores outputs from the disk cache without running anything (a notebook reopened):
   * every cell whose current key has a stored result.
   */
  async restore(): Promise<Map<string, PhaseResult>> {
    if (this.opts.diskCache === false) return new Map();
    return takeBack(this.mem, this.graphOf.order, await this.keys(), (name, key) =>
      loadResult(this.roots.cache, key, this.cacheRead(name)),
    );
  }

  /** Runs the requested cells, running stale or never-run ancestors first. */
  async run(req: RunRequest = {}): Promise<ExecutionReport> {
    const emit = req.onEvent ?? (() => undefined);
    const started = new Date();
    const cells = new Map(this.expandedNb.cells.map((c) => [c.name, c]));
    const executable = this.graphOf.order.filter((n) => isExecutable(cells.get(n) as Cell));
    const targets = new Set<string>();
    for (const t of req.cells ?? executable) {
      // A notebook cell that fans out (or sits below a fan-out) stands for all its copies.
      const copies = cells.has(t) ? [t] : this.expansionOf.copies.get(t);
      if (!copies) throw new Error(`no cell named '${t}'`);
      for (const c of copies) targets.add(c);
    }
    const keys = await this.keys();
    const errors = cellsWithErrors(this.expandedNb);
    const needed = await this.neededCells(targets, keys, req.force ?? false);
    // Ancestors whose last result is still valid are reused without being re-run.
    const plan = executable.filter(
      (n) => needed.has(n) && (targets.has(n) || this.mem.last.get(n)?.key !== keys.get(n) || !keys.has(n)),
    );
    plan.forEach((cell, i) => emit({ type: 'queued', cell, order: i }));
    const held = (n: string) => memoOf(this.mem, n, keys.get(n));
    const gate = await auditGate({
      ...this.auditBase(cells),
      keys,
      plan: plan.filter((n) => !errors.has(n)),
      baseline: held,
    });

    const roots = this.roots;
    const recorder = new CellRecorder({
      roots,
      baseDir: this.baseDir,
      notebookPath: this.notebookPath,
      seed: this.seed,
      expansion: this.expansionOf,
      cells,
      structureKeys: () => this.structureKeys(),
      log: this.opts.log,
    });
    const executor =
      this.opts.diskCache === false
        ? undefined
        : chooseExecutor({
            opts: this.opts,
            expansion: this.expansionOf,
            cells: plan.map((n) => cells.get(n) as Cell),
          });
    const outcomes = await executePlan({
      plan,
      cells,
      graph: this.graphOf,
      keys,
      errors,
      targets,
      force: req.force ?? false,
      ...(req.autorun ? { autorun: true } : {}),
      signal: req.signal,
      emit,
      refused: gate.blocked,
      mem: this.mem,
      recorder,
      executor,
      notebook: {
        notebookPath: this.notebookPath,
        text: this.text,
        baseDir: this.baseDir,
        rootDefaults: this.opts.rootDefaults,
        rootOverrides: this.opts.rootOverrides,
        seed: this.seed,
        preload: this.opts.preload,
        overrides: this.opts.overrides,
      },
      baseDir: this.baseDir,
      roots,
      seed: this.seed,
      log: this.opts.log,
      diskCache: this.opts.diskCache !== false,
      cacheRead: (name) => this.cacheRead(name),
      blocked: (name, up, own) => blockedError(this.notebookPath, this.parsedNb, cells.get(name) as Cell, up, own),
      inProcess: () => new SerialExecutor(openJobSession),
    });
    this.executionCount++;
    for (const o of outcomes) this.mem.outcomes.set(o.cell, { key: keys.get(o.cell), status: o.status });
    const bad = outcomes.filter((o) => o.status === 'failed' || o.status === 'cancelled' || o.status === 'skipped');
    const exitCode = bad.some((o) => o.error?.exitCode === ExitCode.Validation)
      ? ExitCode.Validation
      : bad.length
        ? ExitCode.Error
        : ExitCode.Ok;
    const report: ExecutionReport = {
      ok: bad.length === 0,
      exitCode,
      outcomes,
      executor: executor?.name ?? 'in-process',
      ...(gate.report ? { audit: gate.report } : {}),
    };
    req.onCellsDone?.();
    if (this.opts.record !== false)
      report.executionId = await recordExecution({
        roots,
        notebookPath: this.notebookPath,
        seed: this.seed,
        started,
        report,
        expansion: this.expansionOf,
        cells,
        log: this.opts.log,
      });
    return report;
  }

  /**
   * The cells a request touches, walking up from the targets: a cell with a valid result (in
   * memory, or on disk unless forced) is served as it is, so its ancestors are not loaded at all;
   * a cell that must compute pulls in all its ancestors (phases see them through ctx.upstream).
   */
  private async neededCells(targets: Set<string>, keys: Map<string, string>, force: boolean): Promise<Set<string>> {
    const cacheRoot = this.roots.cache;
    const valid = async (n: string): Promise<boolean> => {
      const key = keys.get(n);
      if (!key || (force && targets.has(n))) return false;
      if (this.mem.last.get(n)?.key === key) return true;
      return this.opts.diskCache !== false && (await hasResult(cacheRoot, key, this.cacheRead()));
    };
    const needed = new Set<string>();
    const stack = [...targets];
    while (stack.length) {
      const n = stack.pop() as string;
      if (needed.has(n)) continue;
      needed.add(n);
      if (!(await valid(n))) stack.push(...this.graphOf.ancestors(n));
    }
    return needed;
  }

  /** Forgets every in-memory result (kernel restart keeps the disk cache). */
  clear(): void {
    this.mem.last.clear();
    this.mem.outcomes.clear();
  }
}

export { CancelledError };

/**
 * The session a job runner (a pool worker, or the serial executor) runs a job's cells in: one process, nothing
 * recorded.
 */
export const openJobSession: OpenJobSession = (nb, log) =>
  new PipelineSession(nb.text, {
    notebookPath: nb.notebookPath,
    baseDir: nb.baseDir,
    rootDefaults: nb.rootDefaults,
    rootOverrides: nb.rootOverrides,
    seed: nb.seed,
    overrides: nb.overrides,
    log,
    jobs: 1,
    record: false,
  });
