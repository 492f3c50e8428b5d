/**
 * Phasebook's side of the pipeline benchmark: runs bench/pipeline.pipeline in this process through
 * the engine (PipelineSession, as `phasebook run` does: JSON-lines log, disk cache, pipeline run
 * record) and times every cell (wall and CPU, from the session's own events). Then, outside the
 * timings, it reads what the runs wrote (fold scores, stacking metrics) and exports the fold of
 * every row, so the Python reference cross-validates on identical folds.
 *
 * Usage (bundled to dist/bench-pipeline.js by bench/run.mjs):
 *   node dist/bench-pipeline.js NOTEBOOK.pipeline RESULT.json FOLDS.csv
 * Writes RESULT.json (PipelineBenchResult) and FOLDS.csv (timestamp_ms,symbol,fold).
 */
import '../../core/phases/register';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pl from 'nodejs-polars';
import { recordPipelineRun } from '../../core/cli/pipelineRun';
import { PipelineSession } from '../../core/engine/session';
import { timestampsMs } from '../../core/frame/matrix';
import { createLogger, jsonLinesSink } from '../../core/log';
import type { PipelineBenchResult, StageTime } from '../lib/types';
import { cpuMs, maxRssMb } from '../lib/process';

interface CvResultsJson {
  folds: {
    model: string;
    fold: number;
    train_rows: number;
    test_rows: number;
    seconds: number;
    scores: Record<string, number>;
  }[];
}
interface StackMetricsJson {
  evaluation?: string;
  metrics: Record<string, { value: number; low: number; high: number }>;
  base_models: Record<string, Record<string, number>>;
}

async function main(): Promise<void> {
  const [notebookArg, resultArg, foldsArg] = process.argv.slice(2);
  if (!notebookArg || !resultArg || !foldsArg)
    throw new Error('usage: bench-pipeline NOTEBOOK.pipeline RESULT.json FOLDS.csv');
  const notebookPath = resolve(notebookArg);
  const text = readFileSync(notebookPath, 'utf8');
  const probe = new PipelineSession(text, { notebookPath, log: createLogger([]) });
  const roots = probe.roots;
  // A cold run: no cached results, no earlier runs.
  for (const dir of [roots.cache, roots.stacking, roots.runs, roots.artifacts, roots.logs])
    rmSync(dir, { recursive: true, force: true });

  const log = createLogger([jsonLinesSink(join(roots.logs, 'pipeline.log'))], 'info', { notebook: notebookPath });
  const session = new PipelineSession(text, { notebookPath, log });
  const stages: StageTime[] = [];
  const cpuAt = new Map<string, number>();
  const started = new Date();
  const t0 = performance.now();
  const report = await session.run({
    onEvent: (e) => {
      if (e.type === 'started') cpuAt.set(e.cell, cpuMs());
      if (e.type === 'finished') {
        stages.push({
          name: e.cell,
          status: e.status,
          wallMs: e.durationMs,
          cpuMs: cpuMs() - (cpuAt.get(e.cell) ?? cpuMs()),
          summary: e.result?.summary ?? {},
        });
        process.stdout.write(
          `  phasebook ${e.cell.padEnd(9)} ${e.status.padEnd(6)} ${(e.durationMs / 1000).toFixed(2)} s\n`,
        );
      }
    },
  });
  await recordPipelineRun(session, report, { started, argv: ['run', notebookArg] });
  const sessionWallMs = performance.now() - t0;
  const peakRssMb = maxRssMb();
  // A failed cell is reported (the runner puts it in results.md), not thrown: what ran is still measured.
  const bad = report.outcomes.find((o) => o.status !== 'ok');
  const failed = bad ? { cell: bad.cell, message: bad.error?.message ?? bad.status } : undefined;
  if (failed) process.stderr.write(`bench-pipeline: cell '${failed.cell}' ${bad?.status}: ${failed.message}\n`);

  // Outside the timings: what the runs wrote.
  const cvOut = report.outcomes.find((o) => o.result?.run?.kind === 'cv')?.result?.run;
  const stackOut = report.outcomes.find((o) => o.result?.run?.kind === 'stacking')?.result?.run;
  if (!cvOut)
    throw new Error(
      `the cv cell did not produce a CV run${failed ? ` (cell '${failed.cell}' failed: ${failed.message})` : ''}`,
    );
  const cv = JSON.parse(readFileSync(join(cvOut.dir, 'cv_results.json'), 'utf8')) as CvResultsJson;
  const stack: StackMetricsJson | undefined = stackOut
    ? (JSON.parse(readFileSync(join(stackOut.dir, 'metrics.json'), 'utf8')) as StackMetricsJson)
    : undefined;
  const modelSeconds: Record<string, number> = {};
  for (const f of cv.folds) modelSeconds[f.model] = (modelSeconds[f.model] ?? 0) + f.seconds;
  const foldRows = [
    ...new Map(cv.folds.map((f) => [f.fold, { fold: f.fold, train: f.train_rows, test: f.test_rows }])).values(),
  ];

  const stacking = pl.readParquet(join(cvOut.dir, 'stacking', 'stacking_dataset_h20.parquet'));
  pl.DataFrame([
    pl.Series('timestamp_ms', timestampsMs(stacking)).cast(pl.Int64),
    stacking.getColumn('symbol'),
    stacking.getColumn('fold'),
  ]).writeCSV(resolve(foldsArg));

  const result: PipelineBenchResult = {
    side: 'phasebook',
    stages,
    sessionWallMs,
    // The causality audit gate before the model cells (docs/design.md §5.4.1): inside the session, outside
    // every cell's own time; the reference has none.
    audit: report.audit
      ? { wallMs: report.audit.durationMs, recomputed: report.audit.recomputed, verdict: report.audit.verdict }
      : undefined,
    peakRssMb,
    rows: stacking.height,
    foldRows,
    modelSeconds,
    metaAuc: stack?.metrics.roc_auc,
    metaMetrics: stack ? Object.fromEntries(Object.entries(stack.metrics).map(([k, v]) => [k, v.value])) : {},
    baseMetrics: stack?.base_models ?? {},
    evaluation: stack?.evaluation,
    failed,
    runs: { cv: cvOut.dir, ...(stackOut ? { stack: stackOut.dir } : {}) },
  };
  writeFileSync(resolve(resultArg), JSON.stringify(result, null, 2));
}

main().catch((e: unknown) => {
  process.stderr.write(`bench-pipeline: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
