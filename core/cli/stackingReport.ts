import type { TrainStackingResult } from '../ml/stacking/train';

/** The lines `phasebook train --model stacking` prints: run, metrics with CIs, base models beside. */
export function formatStackingResult(r: TrainStackingResult, rel: (p: string) => string): string {
  const names = Object.keys(r.metrics);
  const lines = [
    `Stacking run: ${r.runId}`,
    `Saved to: ${rel(r.dir)}`,
    `Meta-learner: ${r.metaLearner} on ${r.features.join(', ')}`,
    ...(r.fallback ? [`warning: ${r.fallback.from} failed (${r.fallback.reason}); fell back to ${r.metaLearner === r.fallback.from ? 'a simpler model' : r.metaLearner}`] : []),
    '',
    `Meta-learner metrics (walk-forward over the CV folds, 95% bootstrap CI):`,
    ...names.map((n) => `  ${n.padEnd(9)} ${fmt(r.metrics[n].value)}  [${fmt(r.metrics[n].low)}, ${fmt(r.metrics[n].high)}]`),
  ];
  const bases = Object.entries(r.baseMetrics);
  if (bases.length) {
    lines.push('', `Base models on the same rows:`, `  ${'model'.padEnd(12)} ${names.map((n) => n.padStart(9)).join(' ')}`);
    for (const [m, ms] of bases) lines.push(`  ${m.padEnd(12)} ${names.map((n) => fmt(ms[n]).padStart(9)).join(' ')}`);
  }
  return lines.join('\n') + '\n';
}

function fmt(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(4);
}
