import type { ModelTask } from '../model';

/**
 * Which stacking-dataset columns the meta-learner reads: regression outputs `{model}_pred`;
 * for classifiers the class probabilities `{model}_prob_{class}` — for two classes only the last
 * class's (the other is its complement), never the hard `{model}_pred` (it is derived from them).
 */
export function metaFeatureColumns(
  predictionColumns: readonly string[],
  models: readonly string[],
  task: ModelTask,
): string[] {
  const out: string[] = [];
  for (const m of models) {
    const probs = predictionColumns.filter((c) => c.startsWith(`${m}_prob_`));
    if (task === 'classification' && probs.length) out.push(...(probs.length === 2 ? probs.slice(1) : probs));
    else if (predictionColumns.includes(`${m}_pred`)) out.push(`${m}_pred`);
  }
  return out;
}
