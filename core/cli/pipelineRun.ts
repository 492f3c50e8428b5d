import { relative } from 'node:path';
import type { ExecutionReport, PipelineSession } from '../engine/session';
import { newRunId } from '../runs/id';
import { beginRun } from '../runs/store';
import type { RunManifest } from '../runs/types';

/**
 * A headless notebook execution is itself a run: `runs/pipeline_{ts}_{hex}/run.json` lists every
 * cell's outcome, the runs the cells created and the artifacts they wrote, so `phasebook runs`
 * and the explorer show what a CLI call did.
 */
export async function recordPipelineRun(session: PipelineSession, report: ExecutionReport, opts: { started: Date; argv: string[] }): Promise<RunManifest> {
  const writer = await beginRun({
    root: session.roots.runs,
    kind: 'pipeline',
    id: `pipeline_${newRunId()}`,
    config: { notebook: relative(session.baseDir, session.notebookPath), cells: report.outcomes.map((o) => o.cell) },
    seed: session.seed,
    source: { notebook: session.notebookPath, cli: opts.argv },
    baseDir: session.baseDir,
    featureSetId: report.outcomes.map((o) => o.result?.dataset?.featureSetId).filter(Boolean).pop(),
  });
  const metrics: Record<string, number> = {};
  for (const o of report.outcomes) {
    for (const [k, v] of Object.entries(o.result?.metrics ?? {})) metrics[`${o.cell}.${k}`] = v;
    for (const a of o.result?.artifacts ?? []) await writer.addArtifact(a.path).catch(() => undefined);
  }
  writer.setMetrics(metrics);
  writer.setMeta({
    cells: report.outcomes.map((o) => ({
      cell: o.cell,
      status: o.status,
      duration_ms: Math.round(o.durationMs),
      cache_key: o.cacheKey,
      run: o.result?.run?.id,
      seed: o.result?.seed ?? session.seed,
      error: o.error?.message,
      ...(o.attempts !== undefined ? { attempts: o.attempts, worker: o.worker } : {}),
    })),
    exit_code: report.exitCode,
    ...(report.audit ? { audit: report.audit } : {}),
  });
  return report.ok ? writer.complete() : writer.fail(report.outcomes.find((o) => o.error)?.error?.message ?? 'failed');
}
