import { UserError } from '../errors';
import type { ExecutionEvent } from '../graph/events';
import { PipelineSession } from '../engine/session';
import { seedFromEnv } from '../graph/settings';
import type { Logger } from '../log';
import { encodeResult, frameToIpc } from './encode';
import { trainStackingArgs } from '../ml/stacking/reproduce';
import { trainStacking } from '../ml/stacking/train';
import type {
  KernelCallType,
  KernelEvent,
  KernelHandlerMap,
  KernelReplies,
  KernelRequestOf,
  RunReply,
} from './protocol';
import { previewTable } from './tablePreview';
import { runQuery } from './queryFrame';
import { readRunFrames } from './runFrames';
import { recordStandaloneRun } from '../orchestrate/record';
import { metricsDbPath } from '../orchestrate/metricsDb';
import { KernelExecutor } from './kernelExecutor';
import { readRunMetrics } from '../experiments/dbMetrics';

/** What the kernel does for each request; separate from the process plumbing so it can be tested in-process. */
export class KernelHandlers {
  private session?: PipelineSession;
  private abort?: AbortController;
  /** The run in flight (a shutdown waits for it to withdraw its work). */
  private running?: Promise<unknown>;
  private executor = new KernelExecutor(undefined);

  constructor(
    private readonly log: Logger,
    private readonly emit: (e: KernelEvent) => void,
  ) {}

  cancel(): void {
    this.abort?.abort();
  }

  /**
   * Before the kernel exits: cancels the run in flight and waits, at most `graceMs`, for it to withdraw its work
   * (a fleet run removes its queued jobs from Redis and signals its running ones; the run is recorded as cancelled).
   */
  async shutdown(graceMs = 1500): Promise<void> {
    this.cancel();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((ok) => (timer = setTimeout(ok, graceMs)));
    await Promise.race([this.running?.catch(() => undefined), late]);
    clearTimeout(timer);
    await this.executor.close().catch(() => undefined);
  }

  /** Runs one request; the reply is the type `KernelReplies` declares for it. */
  handle(req: KernelRequestOf<KernelCallType>): Promise<KernelReplies[KernelCallType]> {
    // The map's type pairs each request with its handler; indexing by a union loses the pairing.
    const on = this.on[req.type] as (r: typeof req) => Promise<KernelReplies[KernelCallType]>;
    return on(req);
  }

  private readonly on: KernelHandlerMap = {
    open: async (req) => {
      void this.executor.close();
      this.executor = new KernelExecutor(req.executor);
      this.session = new PipelineSession(req.text, {
        notebookPath: req.notebookPath,
        rootDefaults: req.rootDefaults,
        seed: req.seed ?? seedFromEnv(),
        log: this.log,
      });
      const s = this.session;
      return { mode: s.mode, seed: s.seed, roots: s.roots, diagnostics: s.parsed.diagnostics.length };
    },
    update: async (req) => {
      const s = this.need();
      await s.update(req.text);
      // An edit back to a config with a cached result brings that result back (and clears the error).
      for (const [cell, result] of await s.revive())
        this.emit({ type: 'finished', cell, status: 'cached', durationMs: 0, output: encodeResult(result) });
      const stale = await s.staleCells();
      this.emit({ type: 'stale', cells: stale });
      return { stale, mode: this.need().mode };
    },
    run: (req) => this.run(req.cells, req.force),
    runStale: async (req) => this.run(await this.need().cellsToRerun(), false, req.autorun),
    restore: async () => {
      const restored = await this.need().restore();
      for (const [cell, result] of restored) {
        this.emit({ type: 'finished', cell, status: 'cached', durationMs: 0, output: encodeResult(result) });
      }
      return { cells: [...restored.keys()] };
    },
    inspect: async (req) => {
      const r = this.need().lastResult(req.cell);
      if (!r?.dataset) throw new UserError(`cell '${req.cell}' has no frame to show (run it first)`);
      const df = req.limit ? r.dataset.frame.head(req.limit) : r.dataset.frame;
      return { rows: r.dataset.frame.height, columns: df.columns, ipc: frameToIpc(df) };
    },
    readTable: (req) => previewTable(req.path, req.limit),
    query: (req) => runQuery(metricsDbPath(req.artifactsRoot), req.sql),
    runMetrics: async (req) => {
      const db = metricsDbPath(req.artifactsRoot);
      return { db, runs: await readRunMetrics(db) };
    },
    readRunFrames: (req) => readRunFrames(req),
    trainStacking: async (req) => {
      const s = this.need();
      this.abort = new AbortController();
      try {
        const run = {
          stackingRoot: req.stackingRoot ?? s.roots.stacking,
          runsRoot: req.runsRoot ?? s.roots.runs,
          cvRunId: req.cvRunId,
          horizon: req.horizon,
          metaLearner: req.metaLearner,
          seed: s.seed,
          baseDir: s.baseDir,
        };
        const started = new Date();
        const r = await trainStacking({
          ...run,
          source: { notebook: s.notebookPath, cli: trainStackingArgs(run) },
          log: this.log,
          signal: this.abort.signal,
        });
        const metrics = Object.fromEntries(Object.entries(r.metrics).map(([k, v]) => [k, v.value]));
        await recordStandaloneRun({
          artifactsRoot: s.roots.artifacts,
          notebookPath: s.notebookPath,
          seed: s.seed,
          started,
          cell: 'train-stacking',
          kind: 'stack',
          runId: r.runId,
          log: this.log,
          metrics: withIntervals(r.metrics),
          modelMetrics: Object.entries(r.baseMetrics).map(([model, m]) => ({ model, metrics: m })),
        });
        this.emit({ type: 'runCreated', cell: '', id: r.runId, dir: r.dir, kind: 'stacking' });
        return { runId: r.runId, dir: r.dir, metrics };
      } finally {
        this.abort = undefined;
      }
    },
  };

  private need(): PipelineSession {
    if (!this.session) throw new Error('no notebook open in this kernel');
    return this.session;
  }

  private async run(cells: string[] | undefined, force: boolean | undefined, autorun?: boolean): Promise<RunReply> {
    this.abort = new AbortController();
    const onEvent = (e: ExecutionEvent) => this.emit(toKernelEvent(e));
    try {
      const session = this.need();
      session.setExecutor(this.executor.choose(session));
      const running = session.run({
        cells,
        force,
        ...(autorun ? { autorun } : {}),
        signal: this.abort.signal,
        onEvent,
        onCellsDone: () => this.emit({ type: 'cellsDone' }),
      });
      this.running = running;
      const report = await running;
      return {
        ok: report.ok,
        exitCode: report.exitCode,
        cells: report.outcomes.map((o) => ({ cell: o.cell, status: o.status })),
      };
    } finally {
      this.abort = undefined;
      this.running = undefined;
    }
  }
}

/** `{ roc_auc: { value, low, high } }` as metrics.db's flat form: roc_auc, roc_auc_ci_low, roc_auc_ci_high. */
function withIntervals(
  metrics: Record<string, { value: number; low?: number; high?: number }>,
): Record<string, number> {
  const flat: Record<string, number> = {};
  for (const [k, v] of Object.entries(metrics)) {
    flat[k] = v.value;
    if (v.low !== undefined && Number.isFinite(v.low)) flat[`${k}_ci_low`] = v.low;
    if (v.high !== undefined && Number.isFinite(v.high)) flat[`${k}_ci_high`] = v.high;
  }
  return flat;
}

function toKernelEvent(e: ExecutionEvent): KernelEvent {
  switch (e.type) {
    case 'finished':
      return {
        type: 'finished',
        cell: e.cell,
        status: e.status,
        durationMs: e.durationMs,
        error: e.error,
        output: e.result ? encodeResult(e.result) : undefined,
        ...(e.executor
          ? { executedBy: { executor: e.executor, ...(e.worker ? { worker: e.worker, attempts: e.attempts } : {}) } }
          : {}),
      };
    case 'run-created':
      return { type: 'runCreated', cell: e.cell, id: e.id, dir: e.dir, kind: e.kind };
    default:
      return e;
  }
}
