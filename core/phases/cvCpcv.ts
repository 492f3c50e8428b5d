/**
 * The cv cell with `scheme: cpcv` (docs/design.md §6.3): runs core/ml/cpcvWorkflow and shows the paths and the
 * timeline.
 */
import { cpcvTimelineChart } from '../charts';
import { chartToOutput } from '../charts/frames';
import { UserError } from '../errors';
import type { Dataset } from '../frame/dataset';
import { runCpcv } from '../ml/cpcvWorkflow';
import type { ModelTask, Params } from '../ml/model';
import { validateOutputName } from '../runs/name';
import { emptyResult, type PhaseContext, type PhaseResult } from '../spec/types';

export interface CpcvCellConfig {
  models: string[];
  horizons?: number[];
  task?: ModelTask;
  n_splits?: number;
  n_groups?: number;
  n_test_groups?: number;
  pct_embargo?: number;
  params?: Record<string, Params>;
  tune?: unknown;
  rows?: 'dev' | 'all';
  output_name?: string;
}

export async function runCpcvCell(c: CpcvCellConfig, dataset: Dataset, ctx: PhaseContext): Promise<PhaseResult> {
  if (c.n_splits !== undefined)
    throw new UserError('n_splits is for purged_kfold; with scheme: cpcv set n_groups and n_test_groups', {
      cell: ctx.cell.name,
      key: 'n_splits',
    });
  if (c.output_name !== undefined) validateOutputName(c.output_name);
  const nGroups = c.n_groups ?? 6;
  const nTestGroups = c.n_test_groups ?? 2;
  const r = await runCpcv({
    dataset,
    models: c.models,
    horizons: c.horizons,
    task: c.task ?? 'classification',
    nSplits: 0,
    nGroups,
    nTestGroups,
    pctEmbargo: c.pct_embargo ?? 0.01,
    params: c.params,
    tune: c.tune ? { nTrials: 0, method: 'tpe' } : undefined,
    outputName: c.output_name,
    rows: c.rows,
    roots: ctx.roots,
    baseDir: ctx.baseDir,
    seed: ctx.seed,
    source: ctx.source,
    log: ctx.log,
    signal: ctx.signal,
    progress: ctx.progress,
    cell: ctx.cell.name,
  });
  const timeline = cpcvTimelineChart(
    {
      split: r.timeline.map((s) => s.split + 1),
      role: r.timeline.map((s) => s.role),
      groups: r.timeline.map((s) => r.splitGroups[s.split].map((g) => g + 1).join('+')),
      start: r.timeline.map((s) => s.start),
      end: r.timeline.map((s) => s.end),
      rows: r.timeline.map((s) => s.rows),
    },
    nGroups,
    nTestGroups,
    r.nPaths,
  );
  const bestPaths = r.best.map((b) =>
    r.paths.find((p) => p.horizon === b.horizon && p.model === b.model && p.metric === b.metric)!,
  );
  const metrics: Record<string, number> = {};
  for (const p of bestPaths) {
    metrics[`h${p.horizon}_${p.metric}`] = p.mean;
    if (Number.isFinite(p.sd)) metrics[`h${p.horizon}_${p.metric}_path_sd`] = p.sd;
  }
  return emptyResult({
    dataset,
    summary: {
      run: r.runId,
      scheme: `cpcv N=${nGroups} k=${nTestGroups}`,
      splits: r.nSplits,
      paths: r.nPaths,
      models: r.results.models.join(', '),
      horizons: r.results.horizons.join(', '),
      best: bestPaths
        .map(
          (p) =>
            `h${p.horizon} ${p.model} ${p.metric}=${p.mean.toFixed(4)} ± ` +
            `${Number.isFinite(p.sd) ? p.sd.toFixed(4) : '–'} over ${p.values.length} paths (mean ± sd)`,
        )
        .join('; '),
    },
    metrics,
    charts: [chartToOutput(timeline)],
    artifacts: r.stackingFiles.map((f) => ({
      path: f.path,
      label: `CPCV path predictions h${f.horizon} (${r.nPaths} paths)`,
    })),
    run: { id: r.runId, dir: r.dir, kind: 'cv' },
    value: { cvRunId: r.runId, dir: r.dir, horizons: r.results.horizons, models: r.results.models },
  });
}
