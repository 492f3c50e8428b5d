/** The choices "Train stacking on this run" offers, and how its errors read in a notification. Pure. */

export const META_LEARNERS = ['logistic', 'ridge', 'gbdt'] as const;

export interface StackingChoice {
  horizon: number;
  metaLearner: string;
}

/** Horizon choices: the run's horizons, the default first when the run has it. Pure. */
export function horizonChoices(
  runHorizons: readonly number[],
  defaultHorizon: number | undefined,
): { horizon: number; note?: string }[] {
  const sorted = [...new Set(runHorizons)].sort((a, b) => a - b);
  const out = sorted.map((h) => ({ horizon: h, note: h === defaultHorizon ? 'default' : undefined }));
  if (defaultHorizon !== undefined && !sorted.includes(defaultHorizon))
    out.push({ horizon: defaultHorizon, note: 'default from settings — not in this run' });
  out.sort((a, b) => Number(b.horizon === defaultHorizon) - Number(a.horizon === defaultHorizon));
  return out;
}

/** Meta-learners, the default first. Pure. */
export function metaLearnerChoices(defaultLearner: string): string[] {
  const all: string[] = [...META_LEARNERS];
  if (!all.includes(defaultLearner)) all.push(defaultLearner);
  return [defaultLearner, ...all.filter((m) => m !== defaultLearner)];
}

/** One line for a notification: the loader's multi-line errors joined. Pure. */
export function oneLine(message: string): string {
  return message
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' — ');
}
