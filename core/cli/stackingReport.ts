import { describeBootstrap } from '../ml/bootstrap';
import { formatCond } from '../ml/stacking/diagnostics';
import { describeComparison } from '../ml/stacking/scoreReport';
import type { TrainStackingResult } from '../ml/stacking/train';

/**
 * The lines `phasebook train --model stacking` prints: run, pooled and per-fold metrics, base models beside, stack vs
 * best base.
 */
export function formatStackingResult(r: TrainStackingResult, rel: (p: string) => string): string {
  const names = Object.keys(r.metrics);
  const wf = r.walkForward;
  const lines = [
    `Stacking run: ${r.runId}`,
    `Saved to: ${rel(r.dir)}`,
    `Meta-learner: ${r.metaLearner} on ${r.features.join(', ')}`,
    ...(r.weights
      ? [
          `Weights: ${Object.entries(r.weights)
            .map(([k, v]) => `${k} ${v.toFixed(4)}`)
            .join(', ')}`,
        ]
      : []),
    `Condition number of the base predictions: ${formatCond(r.diagnostics.conditionNumber)}`,
    ...r.warnings.map((w) => `warning: ${w}`),
    ...(r.fallback
      ? [
          `warning: ${r.fallback.from} failed (${r.fallback.reason}); fell back to ` +
            `${r.metaLearner === r.fallback.from ? 'a simpler model' : r.metaLearner}`,
        ]
      : []),
    '',
    `Meta-learner metrics (purged walk-forward over the CV folds: ${wf.folds.length} folds scored, ` +
      `${wf.scoredRows} rows; ${describeBootstrap(r.bootstrap)}):`,
    `  ${'metric'.padEnd(9)} ${'pooled'.padStart(9)}  ${'95% CI'.padEnd(18)}  per fold (mean ± sd)`,
    ...names.map(
      (n) =>
        `  ${n.padEnd(9)} ${fmt(r.metrics[n].value).padStart(9)}  ` +
        `${`[${fmt(r.metrics[n].low)}, ${fmt(r.metrics[n].high)}]`.padEnd(18)}  ` +
        `${fmt(r.scores.perFold[n]?.mean)} ± ${fmt(r.scores.perFold[n]?.sd)}`,
    ),
  ];
  const bases = Object.entries(r.baseScores);
  if (bases.length) {
    lines.push(
      '',
      `Base models on the same rows (pooled / per-fold mean):`,
      `  ${'model'.padEnd(12)} ${names.map((n) => n.padStart(17)).join(' ')}`,
    );
    for (const [m, s] of bases)
      lines.push(
        `  ${m.padEnd(12)} ` +
          `${names.map((n) => `${fmt(s.pooled[n]?.value)} / ${fmt(s.perFold[n]?.mean)}`.padStart(17)).join(' ')}`,
      );
  }
  if (r.comparison) lines.push('', `Stack vs best base: ${describeComparison(r.comparison)}`);
  return lines.join('\n') + '\n';
}

function fmt(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(4);
}
