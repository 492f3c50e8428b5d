import { createHash } from 'node:crypto';
import { join, relative, resolve } from 'node:path';
import { inputFileRecords, resolvedConfigs } from '../engine/runRecord';
import type { ExecutionReport, PipelineSession } from '../engine/session';
import { newRunId } from '../runs/id';
import { beginRun } from '../runs/store';
import type { RunManifest } from '../runs/types';
import type { CellOverrides } from '../notebook/overrides';
import { STORED_NOTEBOOK } from '../runs/recorded';

/** The copy of the notebook text each pipeline run keeps in its folder (core/runs/recorded.ts reads it back). */
export { STORED_NOTEBOOK };

/**
 * A headless notebook execution is itself a run: `runs/pipeline_{ts}_{hex}/run.json` lists every
 * cell's outcome, the runs the cells created and the artifacts they wrote, so `phasebook runs`
 * and the explorer show what a CLI call did.
 */
export async function recordPipelineRun(
  session: PipelineSession,
  report: ExecutionReport,
  opts: {
    started: Date;
    argv: string[];
    overrides?: CellOverrides;
    branch?: Record<string, string>;
    cancelled?: boolean;
  },
): Promise<RunManifest> {
  // A run stopped by Ctrl-C or the kernel's interrupt is never complete, even when every cell it had started finished.
  const cancelled = opts.cancelled === true || report.outcomes.some((o) => o.status === 'cancelled');
  const writer = await beginRun({
    root: session.roots.runs,
    kind: 'pipeline',
    id: `pipeline_${newRunId()}`,
    config: {
      notebook: relative(session.baseDir, session.notebookPath),
      cells: report.outcomes.map((o) => o.cell),
      // What this run changed without editing the notebook: the --config keys and the branch asked for.
      ...(opts.overrides ? { overrides: { file: opts.overrides.file, cells: opts.overrides.cells } } : {}),
      ...(opts.branch && Object.keys(opts.branch).length ? { branch: opts.branch } : {}),
    },
    seed: session.seed,
    source: { notebook: session.notebookPath, cli: opts.argv },
    baseDir: session.baseDir,
    featureSetId: report.outcomes
      .map((o) => o.result?.dataset?.featureSetId)
      .filter(Boolean)
      .pop(),
  });
  const metrics: Record<string, number> = {};
  const cellArtifacts = new Map<string, { path: string; sha256: string }[]>();
  for (const o of report.outcomes) {
    for (const [k, v] of Object.entries(o.result?.metrics ?? {})) metrics[`${o.cell}.${k}`] = v;
    const mine: { path: string; sha256: string }[] = [];
    for (const a of o.result?.artifacts ?? []) {
      const abs = resolve(session.baseDir, a.path);
      const entry = await writer.addArtifact(abs).catch(() => undefined);
      if (entry) mine.push({ path: relative(session.baseDir, abs), sha256: entry.sha256 });
    }
    cellArtifacts.set(o.cell, mine);
  }
  // What `phasebook reproduce` needs: the notebook as it ran, what each cell read and ran with.
  const text = session.notebookText;
  await writer.writeArtifact(STORED_NOTEBOOK, text);
  const cells = report.outcomes.map((o) => o.cell);
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
      artifacts: cellArtifacts.get(o.cell) ?? [],
    })),
    exit_code: report.exitCode,
    reproduce: {
      notebook_sha256: createHash('sha256').update(text).digest('hex'),
      base_dir: relative(join(session.roots.runs, writer.id), session.baseDir) || '.',
      // Data paths shown in artifacts are relative to the working folder: reproduce runs from the same place.
      base_from_cwd: relative(process.cwd(), session.baseDir) || '.',
      cwd_from_base: relative(session.baseDir, process.cwd()) || '.',
      cell_configs: resolvedConfigs(session, cells),
      inputs: await inputFileRecords(session, cells),
    },
    ...(cancelled ? { cancelled: true } : {}),
    ...(report.audit ? { audit: report.audit } : {}),
  });
  if (cancelled)
    return writer.fail(
      `cancelled: ${report.outcomes.filter((o) => o.status === 'cancelled').length} cell(s) stopped or never started`,
    );
  return report.ok ? writer.complete() : writer.fail(report.outcomes.find((o) => o.error)?.error?.message ?? 'failed');
}
