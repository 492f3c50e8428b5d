/**
 * `report`: the model communication report, the evaluation memo and the reflection
 * (reports/*.md) from templates, with the figures of the best branch (or every branch) rendered
 * headless to SVG under reports/figs/. A collecting cell: it takes every branch of its inputs —
 * a `scenario_compare` cell for the ranking, the `evaluate` (or `train`) branches for predictions.
 * A figure or file that cannot be written is retried once, then reported missing.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { UserError } from '../errors';
import { INPUTS_KEY, type CollectedInput } from '../orchestrate/expand';
import { splitVirtualName } from '../orchestrate/branch';
import { branchTitle, buildComparison, type Comparison } from '../reports/compare';
import { reportVars, type FigureRef } from '../reports/content';
import { branchFigures, predictionsOf } from '../reports/figures';
import { renderChartSvg } from '../reports/svg';
import { DEFAULT_TEMPLATES, fillTemplate, TEMPLATE_FILES, type TemplateName } from '../reports/templates';
import { writeAll, writeWithRetry } from '../reports/write';
import { ENGINE_VERSION } from '../version';
import type { ConfigOf } from '../base/schema';
import { registerPhase, type CommonConfig } from '../spec/registry';
import { reportSchema } from './specs/report';
import { bootstrapNote, inputLabels, type ScenarioCompareValue } from './scenario_compare';
import { reportSelectionSection } from './reportSelection';
import type { TrainValue } from './train';
import { emptyResult, type PhaseContext, type PhaseResult, type PhaseSpec } from '../spec/types';

/** The config of a `report` cell, read off its key specs. */
export type ReportConfig = ConfigOf<typeof reportSchema.keys> & CommonConfig & { [INPUTS_KEY]?: CollectedInput[] };

function isTrainValue(v: unknown): v is TrainValue {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as TrainValue).predictionColumn === 'string' &&
    typeof (v as TrainValue).target === 'string'
  );
}

function isCompareValue(v: unknown): v is ScenarioCompareValue {
  return typeof v === 'object' && v !== null && typeof (v as ScenarioCompareValue).comparison === 'object';
}

/** The train cell behind an input: its own value, else the upstream train cell of the same branch. */
function trainOf(
  input: PhaseResult,
  name: string | undefined,
  upstream: PhaseContext['upstream'],
): TrainValue | undefined {
  if (isTrainValue(input.value)) return input.value;
  const suffix = name ? name.slice(splitVirtualName(name).origin.length) : '';
  let found: TrainValue | undefined;
  for (const [n, r] of upstream)
    if (isTrainValue(r.value) && n.slice(splitVirtualName(n).origin.length) === suffix) found = r.value;
  return found;
}

async function templatesFrom(dir: string | undefined, baseDir: string): Promise<Record<TemplateName, string>> {
  if (!dir) return DEFAULT_TEMPLATES;
  const root = resolve(baseDir, dir);
  if (!existsSync(root)) throw new UserError(`templates folder not found: ${dir}`, { key: 'templates' });
  const out = { ...DEFAULT_TEMPLATES };
  for (const [k, file] of Object.entries(TEMPLATE_FILES) as [TemplateName, string][]) {
    const p = join(root, file);
    if (existsSync(p)) out[k] = await readFile(p, 'utf8');
  }
  return out;
}

export const reportPhase: PhaseSpec<ReportConfig> = {
  ...reportSchema,
  async run(c, inputs, ctx) {
    const cell = ctx.cell.name;
    const meta = c[INPUTS_KEY];
    const labels = inputLabels(meta, inputs.length);
    const compare = inputs.map((r) => r.value).find(isCompareValue);
    const scored = inputs.map((r, i) => ({ r, i })).filter(({ r }) => r.metrics && Object.keys(r.metrics).length);
    const comparison: Comparison | undefined =
      compare?.comparison ??
      (scored.length
        ? buildComparison(
            scored.map(({ r, i }) => ({ labels: labels[i], metrics: r.metrics as Record<string, number> })),
          )
        : undefined);
    if (!comparison)
      throw new UserError('report needs a scenario_compare cell or cells with metrics (evaluate, train) in `from:`', {
        cell,
        key: 'from',
      });
    const split = c.split ?? 'test';
    const dir = resolve(ctx.baseDir, c.output_dir ?? 'reports');
    const warnings: string[] = [];

    // Predictions per branch, in ranking order.
    const branches = inputs
      .map((r, i) => ({ r, i, name: meta?.[i]?.cell, label: labels[i] }))
      .filter(({ r }) => r.dataset);
    const rankOf = (l: Record<string, string>) =>
      comparison.rows.findIndex((row) => comparison.labelKeys.every((k) => (row.labels[k] ?? '') === (l[k] ?? '')));
    branches.sort(
      (a, b) => (rankOf(a.label) < 0 ? 1e9 : rankOf(a.label)) - (rankOf(b.label) < 0 ? 1e9 : rankOf(b.label)),
    );
    const chosen = c.figures === 'none' ? [] : c.figures === 'all' ? branches : branches.slice(0, 1);
    const figures: FigureRef[] = [];
    let rows = 0;
    for (const b of chosen) {
      const tv = trainOf(b.r, b.name, ctx.upstream);
      const preds =
        tv && b.r.dataset
          ? predictionsOf(b.r.dataset.frame, tv.target, tv.predictionColumn, tv.task, split)
          : undefined;
      if (!preds) {
        warnings.push(`no predictions for ${branchTitle(b.label)}: no figures for it`);
        continue;
      }
      rows = Math.max(rows, preds.yTrue.length);
      const stem =
        Object.values(b.label)
          .join('_')
          .replace(/[^A-Za-z0-9_.-]/g, '_') || 'branch';
      for (const f of branchFigures(preds)) {
        const path = join(dir, 'figs', `${stem}_${f.id}.svg`);
        const title = `${branchTitle(b.label)}: ${f.chart.title}`;
        let svg: string;
        try {
          svg = (await renderChartSvg(f.chart)).svg;
        } catch (e) {
          figures.push({ branch: branchTitle(b.label), title, error: `could not render: ${(e as Error).message}` });
          continue;
        }
        const w = await writeWithRetry(path, svg, ctx.log);
        figures.push({
          branch: branchTitle(b.label),
          title,
          file: w.ok ? relative(dir, path) : undefined,
          error: w.error,
        });
      }
    }
    for (const f of figures) if (!f.file) warnings.push(`figure '${f.title}' missing: ${f.error}`);

    const templates = await templatesFrom(c.templates, ctx.baseDir);
    const vars = reportVars(
      comparison,
      {
        title: c.title ?? relative(ctx.baseDir, ctx.notebookPath).replace(/\.pipeline$/, ''),
        notebook: relative(ctx.baseDir, ctx.notebookPath),
        seed: ctx.seed,
        engine: ENGINE_VERSION,
        split,
        rows: rows ? `${rows} rows` : 'rows as evaluated',
        bootstrap: compare?.bootstrap ?? bootstrapNote(inputs),
      },
      figures,
    );
    const selection = compare?.selection
      ? await reportSelectionSection(compare.selection, dir, ctx.log, warnings)
      : undefined;
    const docs = (Object.keys(TEMPLATE_FILES) as TemplateName[]).map((k) => ({
      path: join(dir, TEMPLATE_FILES[k]),
      data: fillTemplate(templates[k], vars) + (selection && k === 'memo' ? `\n${selection.markdown}` : ''),
      label: TEMPLATE_FILES[k],
    }));
    const written = await writeAll(docs, ctx.log);
    for (const m of written.missing) warnings.push(`${m.label} not written (${m.path}): ${m.error} — marked missing`);
    const missing = [...written.missing.map((m) => m.label), ...figures.filter((f) => !f.file).map((f) => f.title)];
    return emptyResult({
      summary: {
        documents: written.written.length,
        figures: figures.filter((f) => f.file).length,
        best: vars.best,
        [comparison.rankBy]: vars.best_value.replace(`${comparison.rankBy} `, ''),
        ...(compare?.selection ? { selection: compare.selection.line } : {}),
        ...(missing.length ? { missing: missing.join(', ') } : {}),
      },
      artifacts: [
        ...written.written,
        ...(selection?.figure ? [{ path: selection.figure, label: 'PBO logit distribution' }] : []),
        ...figures.filter((f) => f.file).map((f) => ({ path: join(dir, f.file as string), label: f.title })),
      ],
      warnings,
    });
  },
};

registerPhase(reportPhase);
