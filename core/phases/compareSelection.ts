/** The selection section of a scenario_compare cell: every branch a trial, the study's statistics from the ledger. */
import { pboLogitChart } from '../charts';
import { chartToOutput } from '../charts/frames';
import type { CollectedInput } from '../orchestrate/expand';
import type { Comparison } from '../reports/compare';
import { branchReturns, type BranchReturns } from './compareBacktest';
import { recordAndSelect, type SelectionOutcome, compactSelection } from './selection';
import type { ChartOutput, PhaseContext, PhaseResult } from '../spec/types';

export interface CompareSelection extends SelectionOutcome {
  /** How the branches got their returns. */
  source: 'backtest' | 'default' | 'mixed';
}

const key = (labels: Record<string, string>): string => JSON.stringify(Object.entries(labels).sort());

export async function compareSelection(
  inputs: readonly PhaseResult[],
  meta: readonly CollectedInput[] | undefined,
  labels: readonly Record<string, string>[],
  comparison: Comparison,
  ctx: PhaseContext,
  warnings: string[],
): Promise<{ selection: CompareSelection; chart?: ChartOutput } | undefined> {
  const branches: BranchReturns[] = [];
  const origins = new Set<string>();
  const byLabels = new Map<string, number>();
  inputs.forEach((r, i) => {
    const cell = meta?.[i]?.cell ?? `input ${i + 1}`;
    let b: BranchReturns | string;
    try {
      b = branchReturns(r, cell, meta?.[i]?.branch ?? {});
    } catch (e) {
      b = `${cell}: ${(e as Error).message}`;
    }
    if (typeof b === 'string') {
      warnings.push(`selection: ${b} — not a trial`);
      return;
    }
    byLabels.set(key(labels[i]), branches.length);
    branches.push(b);
    origins.add(meta?.[i]?.origin ?? cell);
  });
  if (!branches.length) return undefined;
  const best = comparison.rows[0] ? byLabels.get(key(comparison.rows[0].labels)) : undefined;
  const origin = [...origins].join('+');
  const sel = await recordAndSelect(ctx, origin, branches, best, warnings);
  if (!sel) return undefined;
  const sources = new Set(branches.map((b) => b.source));
  const pbo = sel.report.pbo;
  return {
    selection: { ...compactSelection(sel), source: sources.size > 1 ? 'mixed' : [...sources][0] },
    chart: pbo ? chartToOutput(pboLogitChart(pbo.logits, pbo.pbo, pbo.trials)) : undefined,
  };
}
