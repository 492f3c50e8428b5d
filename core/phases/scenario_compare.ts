/**
 * `scenario_compare`: gathers every branch of a fanned-out notebook (scenarios x models) and
 * writes reports/scenario_table.csv and reports/scenario_summary.md: each metric with its
 * bootstrap CI per branch, ranked by one metric. A collecting cell: the engine gives it all
 * branches of its inputs (core/orchestrate/expand.ts).
 */
import pl from 'nodejs-polars';
import { join, resolve } from 'node:path';
import { UserError } from '../errors';
import { INPUTS_KEY, type CollectedInput } from '../orchestrate/expand';
import {
  branchTitle,
  buildComparison,
  comparisonCsv,
  comparisonMarkdown,
  formatCI,
  type Comparison,
  type CompareInput,
} from '../reports/compare';
import { writeAll } from '../reports/write';
import type { ConfigOf } from '../base/schema';
import { registerPhase, type CommonConfig } from '../spec/registry';
import { scenarioCompareSchema } from './specs/scenario_compare';
import { emptyResult, type PhaseResult, type PhaseSpec } from '../spec/types';
import { describeBootstrap, type BootstrapRecord } from '../ml/bootstrap';
import { compareSelection, type CompareSelection } from './compareSelection';
import { ledgerKeyState, selectionMarkdown, selectionMetrics } from './selection';

/** The config of a `scenarioCompare` cell, read off its key specs. */
export type ScenarioCompareConfig = ConfigOf<typeof scenarioCompareSchema.keys> &
  CommonConfig & { [INPUTS_KEY]?: CollectedInput[] };

/** What a compare cell hands to `report` downstream. */
export interface ScenarioCompareValue {
  comparison: Comparison;
  bootstrap?: string;
  table: string;
  summary: string;
  /** Deflated Sharpe, PBO and MinBTL of the study, from the trial ledger (docs/design.md §6.10). */
  selection?: CompareSelection;
}

interface BootstrapInfo {
  n: number;
  seed: number;
  alpha: number;
  block: number;
  method?: string;
}

export function bootstrapNote(results: readonly PhaseResult[]): string | undefined {
  const b = results
    .map((r) => (r.value as { bootstrap?: BootstrapInfo } | undefined)?.bootstrap)
    .find((x) => x && typeof x.n === 'number');
  if (!b) return undefined;
  if (b.method) return `${describeBootstrap(b as BootstrapRecord)}`;
  return (
    `${Math.round((1 - b.alpha) * 100)}% bootstrap intervals, ${b.n} resamples, seed ` +
    `${b.seed}${b.block > 1 ? `, moving blocks of ${b.block}` : ''}`
  );
}

/** Labels of each input: its branch, else the name of the cell it came from. */
export function inputLabels(meta: readonly CollectedInput[] | undefined, n: number): Record<string, string>[] {
  const branches = Array.from({ length: n }, (_, i) => meta?.[i]?.branch ?? {});
  const anyBranch = branches.some((b) => Object.keys(b).length);
  return branches.map((b, i) => (anyBranch ? b : { cell: meta?.[i]?.cell ?? `input ${i + 1}` }));
}

export const scenarioComparePhase: PhaseSpec<ScenarioCompareConfig> = {
  ...scenarioCompareSchema,
  keyState: ledgerKeyState,
  async run(c, inputs, ctx) {
    const cell = ctx.cell.name;
    if (!inputs.length)
      throw new UserError(
        'scenario_compare needs inputs: `from:` the evaluate (or train) cell of the branches to compare',
        { cell, key: 'from' },
      );
    const labels = inputLabels(c[INPUTS_KEY], inputs.length);
    const rows: CompareInput[] = [];
    const warnings: string[] = [];
    inputs.forEach((r, i) => {
      if (r.metrics && Object.keys(r.metrics).length) rows.push({ labels: labels[i], metrics: r.metrics });
      else warnings.push(`input ${c[INPUTS_KEY]?.[i]?.cell ?? i + 1} reports no metrics: left out`);
    });
    if (!rows.length)
      throw new UserError('no input reports metrics: compare the output of `evaluate` or `train` cells', {
        cell,
        key: 'from',
      });
    const present = new Set(rows.flatMap((r) => Object.keys(r.metrics)));
    for (const m of [...(c.metrics ?? []), ...(c.rank_by ? [c.rank_by] : [])]) {
      if (!present.has(m))
        throw new UserError(
          `no input reports the metric '${m}'`,
          { cell, key: c.metrics?.includes(m) ? 'metrics' : 'rank_by' },
          [`metrics: ${[...present].filter((k) => !/_ci_(low|high)$/.test(k)).join(', ')}`],
        );
    }
    const comparison = buildComparison(rows, { metrics: c.metrics, rankBy: c.rank_by });
    const bootstrap = bootstrapNote(inputs);
    const chosen = await compareSelection(inputs, c[INPUTS_KEY], labels, comparison, ctx, warnings);
    const selection = chosen?.selection;
    const dir = resolve(ctx.baseDir, c.output_dir ?? 'reports');
    const table = join(dir, 'scenario_table.csv');
    const summary = join(dir, 'scenario_summary.md');
    const files = await writeAll(
      [
        { path: table, data: comparisonCsv(comparison), label: 'scenario table' },
        {
          path: summary,
          data:
            comparisonMarkdown(comparison, { bootstrap, title: c.title }) +
            (selection ? `\n${selectionMarkdown(selection)}` : ''),
          label: 'scenario summary',
        },
      ],
      ctx.log,
    );
    for (const m of files.missing) warnings.push(`${m.label} not written (${m.path}): ${m.error} — marked missing`);
    const best = comparison.rows[0];
    const frame = pl.DataFrame({
      ...Object.fromEntries(comparison.labelKeys.map((k) => [k, comparison.rows.map((r) => r.labels[k])])),
      rank: comparison.rows.map((r) => r.rank),
      ...Object.fromEntries(comparison.metrics.map((m) => [m, comparison.rows.map((r) => formatCI(r.metrics[m]))])),
    });
    const value: ScenarioCompareValue = { comparison, bootstrap, table, summary, selection };
    return emptyResult({
      summary: {
        branches: comparison.rows.length,
        rank_by: `${comparison.rankBy} (${comparison.direction === 'min' ? 'lower' : 'higher'} is better)`,
        ...(best ? { best: `${branchTitle(best.labels)}: ${formatCI(best.metrics[comparison.rankBy])}` } : {}),
        tied_with_best: comparison.rows.filter((r) => r !== best && r.tiedWithBest).length,
        ...(selection
          ? {
              selection:
                `${selection.line}` +
                `${selection.source === 'default' ? ' (sign-of-prediction backtest per branch)' : ''}`,
            }
          : {}),
        ...(files.missing.length ? { missing: files.missing.map((m) => m.label).join(', ') } : {}),
      },
      ...(selection ? { metrics: selectionMetrics(selection) } : {}),
      charts: chosen?.chart ? [chosen.chart] : [],
      tables: [{ title: 'Scenario comparison', frame }],
      artifacts: files.written,
      warnings,
      value,
    });
  },
};

registerPhase(scenarioComparePhase);
