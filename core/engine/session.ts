import { dirname, resolve } from 'node:path';
import { CancelledError, ExitCode } from '../errors';
import type { Logger } from '../log';
import { parseNotebook } from '../notebook/parse';
import { applyOverrides, type CellOverrides } from '../notebook/overrides';
import type { Cell, ParsedNotebook } from '../notebook/types';
import type { PhaseResult } from '../spec/types';
import { resolveRoots, type ArtifactRoots } from '../runs/roots';
import { buildGraph, type Graph } from '../notebook/dag';
import type {
  CellError,
  CellOutcome,
  CellStatus,
  ExecutionEvent,
  ExecutionReport as GraphExecutionReport,
  RunRequest,
} from '../graph/events';
import { cellsWithErrors, computeCellKeys, isExecutable } from '../graph/keys';
import { hasResult, loadResult, saveResult, type CacheReadOptions } from '../graph/resultStore';
import { runCell } from '../graph/runCell';
import { readSettings, type NotebookSettings } from '../graph/settings';
import { expandNotebook, type Expansion } from '../orchestrate/expand';
import { CellRecorder, normaliseResult } from '../orchestrate/cellRecorder';
import type { Executor } from '../orchestrate/executor';
import { chooseExecutor } from '../orchestrate/choose';
import { runOnExecutor } from '../orchestrate/dispatch';
import { recordExecution } from '../orchestrate/record';
import type { OpenJobSession } from '../orchestrate/jobRunner';
import { SerialExecutor } from '../orchestrate/serial';
import { auditCached, auditGate } from '../audit/gate';
import { isDataCell } from '../audit/audit';
import type { AuditMode, AuditReport } from '../audit/types';

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
  /**
   * Worker processes for fanned-out notebooks (docs/design.md §4.6): 1 runs every cell in this process.
   * Default: PHASEBOOK_JOBS, else os.availableParallelism() when the notebook fans out, else 1.
   */
  jobs?: number;
  /** Run computed cells on this executor instead (a distributed one, or the serial one in tests). */
  executor?: Executor;
  /** Modules pool workers load before running (phase kinds registered outside core/phases). */
  preload?: string[];
  /**
   * Write checkpoints, job logs, metrics.db rows and cache statistics (default true; pool workers record only
   * checkpoints and job logs).
   */
  record?: boolean;
  /** Cell keys replaced for this session's runs (`phasebook run --config FILE.yaml`), checked against the key specs. */
  overrides?: CellOverrides;
}

export type { RunRequest };

/** An execution's report, with the causality audit its gate made (when a model cell was planned). */
export interface ExecutionReport extends GraphExecutionReport {
  audit?: AuditReport;
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
  private text: string;
  private parsedNb: ParsedNotebook;
  /** The notebook after fan-out expansion: virtual cells (`train[a][ridge]`) and their diagnostics. */
  private expandedNb: ParsedNotebook;
  private expansionOf: Expansion;
  private graphOf: Graph;
  private settingsOf: NotebookSettings;
  private readonly last = new Map<string, LastRun>();
  /**
   * Each cell's key and status at its last outcome, good or not (issue 18): a failed or blocked
   * cell has no `last` result, yet editing its config makes it stale, and "run stale" reruns it.
   */
  private readonly outcomes = new Map<string, { key?: string; status: CellStatus }>();
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
    const stale = new Set<string>();
    const had = (n: string): boolean => this.outcomes.has(n) || this.last.has(n);
    for (const name of this.graphOf.order) {
      if (!had(name) || stale.has(name)) continue;
      const prevKey = this.outcomes.has(name) ? this.outcomes.get(name)?.key : this.last.get(name)?.key;
      if (prevKey !== keys.get(name)) {
        stale.add(name);
        for (const d of this.graphOf.descendants(name)) if (had(d)) stale.add(d);
      }
    }
    return this.graphOf.order.filter((n) => stale.has(n));
  }

  /** What "Run stale cells" runs: the stale cells, plus those whose last outcome failed, was blocked or cancelled. */
  async cellsToRerun(): Promise<string[]> {
    const stale = new Set(await this.staleCells());
    const bad = (n: string): boolean => {
      const st = this.outcomes.get(n)?.status;
      return st === 'failed' || st === 'skipped' || st === 'cancelled';
    };
    return this.graphOf.order.filter((n) => stale.has(n) || bad(n));
  }

  /**
   * After an edit: stale cells whose new key has a result (in memory, or in the disk cache) take
   * it back without running — undoing an edit brings the outputs back and clears the error.
   * Returns the revived results in graph order.
   */
  async revive(): Promise<Map<string, PhaseResult>> {
    const out = new Map<string, PhaseResult>();
    const keys = await this.keys();
    for (const name of this.staleFrom(keys)) {
      const key = keys.get(name);
      if (!key) continue;
      const memo = this.last.get(name)?.key === key ? this.last.get(name)?.result : undefined;
      const r =
        memo ??
        (this.opts.diskCache === false || this.settingsOf.problem
          ? undefined
          : await loadResult(this.roots.cache, key, this.cacheRead(name)));
      if (!r) continue;
      this.last.set(name, { key, result: r });
      this.outcomes.set(name, { key, status: 'cached' });
      out.set(name, r);
    }
    return out;
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
      const r =
        this.last.get(name)?.key === key
          ? this.last.get(name)?.result
          : await loadResult(this.roots.cache, key, this.cacheRead(name));
      if (r) {
        this.last.set(name, { key, result: r });
        this.outcomes.set(name, { key, status: 'cached' });
        out.set(name, r);
      }
    }
    return out;
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
      (n) => needed.has(n) && (targets.has(n) || this.last.get(n)?.key !== keys.get(n) || !keys.has(n)),
    );
    plan.forEach((cell, i) => emit({ type: 'queued', cell, order: i }));
    const held = (n: string) => (this.last.get(n)?.key === keys.get(n) ? this.last.get(n)?.result : undefined);
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
    let outcomes: CellOutcome[];
    if (executor) {
      outcomes = await runOnExecutor(
        executor,
        {
          plan,
          graph: this.graphOf,
          keys,
          errors,
          targets,
          force: req.force ?? false,
          cacheRoot: roots.cache,
          roots,
          log: this.opts.log,
          signal: req.signal,
          emit,
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
          cacheRead: (name) => this.cacheRead(name),
          memo: (name, key) => (this.last.get(name)?.key === key ? this.last.get(name)?.result : undefined),
          adopt: (name, key, result) => this.last.set(name, { key, result }),
          forget: (name) => this.last.delete(name),
          blocked: (name, up, own) => this.blockedError(cells.get(name) as Cell, up, own),
          cachedNote: (name, key, result) => recorder.cached(name, key, result, []),
          inProcess: () => new SerialExecutor(openJobSession),
        },
        new Map(
          [...gate.blocked].map(([cell, error]) => [
            cell,
            this.finish(emit, { cell, status: 'failed', durationMs: 0, error }),
          ]),
        ),
      );
    } else {
      if (plan.length)
        this.opts.log.debug(`dispatching ${plan.length} cell(s) to the in-process executor`, {
          executor: 'in-process',
          cells: plan,
        });
      outcomes = await this.runHere(req, plan, cells, keys, errors, targets, recorder, emit, gate.blocked);
    }
    this.executionCount++;
    for (const o of outcomes) this.outcomes.set(o.cell, { key: keys.get(o.cell), status: o.status });
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
      if (this.last.get(n)?.key === key) return true;
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

  /** The serial loop: every planned cell in this process, in order. */
  private async runHere(
    req: RunRequest,
    plan: string[],
    cells: Map<string, Cell>,
    keys: Map<string, string>,
    errors: Set<string>,
    targets: Set<string>,
    recorder: CellRecorder,
    emit: (e: ExecutionEvent) => void,
    refused: ReadonlyMap<string, CellError> = new Map(),
  ): Promise<CellOutcome[]> {
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
      const audit = refused.get(name);
      if (audit && !upstreamFailed) {
        outcomes.push(this.finish(emit, { cell: name, status: 'failed', durationMs: 0, error: audit }));
        failed.add(name);
        continue;
      }
      if (upstreamFailed || errors.has(name) || !key) {
        const err = this.blockedError(cell, upstreamFailed, errors.has(name));
        outcomes.push(
          this.finish(emit, { cell: name, status: errors.has(name) ? 'failed' : 'skipped', durationMs: 0, error: err }),
        );
        failed.add(name);
        continue;
      }
      emit({ type: 'started', cell: name, order: i });
      const t0 = performance.now();
      const force = req.force && targets.has(name);
      const memo = !force && this.last.get(name)?.key === key ? this.last.get(name)?.result : undefined;
      const cached =
        memo ??
        (!force && this.opts.diskCache !== false
          ? await loadResult(roots.cache, key, this.cacheRead(name))
          : undefined);
      const parents = this.graphOf.parents(name);
      if (cached) {
        this.last.set(name, { key, result: cached });
        const note = await recorder.cached(
          name,
          key,
          cached,
          parents.map((p) => ({ cell: p, key: keys.get(p), result: this.last.get(p)?.result })),
        );
        outcomes.push(
          this.finish(emit, {
            cell: name,
            status: 'cached',
            durationMs: performance.now() - t0,
            result: cached,
            cacheKey: key,
            note,
          }),
        );
        continue;
      }
      const inputs = parents.map((p) => this.last.get(p)?.result as PhaseResult);
      const upstream = new Map(this.graphOf.ancestors(name).map((a) => [a, this.last.get(a)?.result as PhaseResult]));
      const drift = await recorder.drift(name, parents, inputs);
      if (drift) {
        failed.add(name);
        outcomes.push(
          this.finish(emit, { cell: name, status: 'failed', durationMs: performance.now() - t0, error: drift }),
        );
        continue;
      }
      const startedAt = new Date();
      const r = await runCell(cell, inputs, {
        notebookPath: this.notebookPath,
        baseDir: this.baseDir,
        roots,
        seed: this.seed,
        log: recorder.logger(name, this.opts.log.child({ cell: name }), key),
        signal: req.signal ?? new AbortController().signal,
        upstream,
        emit,
      });
      const durationMs = performance.now() - t0;
      if (r.ok) {
        r.result = {
          ...normaliseResult(r.result),
          ran: { at: startedAt.toISOString(), durationMs: Math.round(durationMs) },
        };
        await recorder.computed(
          name,
          key,
          r.result,
          parents.map((p, j) => ({ cell: p, key: keys.get(p), result: inputs[j] })),
          startedAt,
          durationMs,
        );
        this.last.set(name, { key, result: r.result });
        if (r.result.run)
          emit({
            type: 'run-created',
            cell: name,
            id: r.result.run.id,
            dir: r.result.run.dir,
            kind: r.result.run.kind,
          });
        if (this.opts.diskCache !== false) {
          await saveResult(roots.cache, key, r.result).catch((e: Error) =>
            this.opts.log.warn(`could not cache cell '${name}': ${e.message}`),
          );
        }
        outcomes.push(this.finish(emit, { cell: name, status: 'ok', durationMs, result: r.result, cacheKey: key }));
      } else {
        this.last.delete(name);
        failed.add(name);
        outcomes.push(
          this.finish(emit, { cell: name, status: r.cancelled ? 'cancelled' : 'failed', durationMs, error: r.error }),
        );
      }
    }
    return outcomes;
  }

  /** Forgets every in-memory result (kernel restart keeps the disk cache). */
  clear(): void {
    this.last.clear();
    this.outcomes.clear();
  }

  private finish(emit: (e: ExecutionEvent) => void, o: CellOutcome): CellOutcome {
    emit({
      type: 'finished',
      cell: o.cell,
      status: o.status,
      durationMs: o.durationMs,
      result: o.result,
      error: o.error,
      cacheKey: o.cacheKey,
      note: o.note,
    });
    return o;
  }

  private blockedError(cell: Cell, upstreamFailed: string | undefined, ownError: boolean): CellError {
    const file = this.notebookPath;
    if (ownError) {
      const diag = this.parsedNb.diagnostics.find((d) => d.severity === 'error' && d.cellIndex === cell.index);
      return {
        message: diag?.message ?? 'this cell has errors',
        location: {
          file,
          cell: cell.name,
          key: diag?.key,
          line: (diag?.range.start.line ?? cell.headerLine) + 1,
          column: (diag?.range.start.column ?? 0) + 1,
        },
        details: [],
        exitCode: ExitCode.Error,
      };
    }
    const msg = upstreamFailed
      ? `not run: upstream cell '${upstreamFailed}' failed`
      : 'not run: an upstream cell has errors';
    return {
      message: msg,
      location: { file, cell: cell.name, line: cell.headerLine + 1 },
      details: [],
      exitCode: ExitCode.Error,
      ...(upstreamFailed ? { blockedBy: upstreamFailed } : {}),
    };
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
