/**
 * The readable label of a run (explorer rows, the experiments table): the user's name when it has
 * one, else its kind, horizon, model or meta-learner and key metric, e.g.
 * `stacking h20 logistic · test_roc_auc 0.612`. The id stays in tooltips. Pure.
 */
import type { RunSummary } from './summary';

/** Numbers as labels show them: 4 significant digits, no exponent for everyday values. */
export function shortNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

/** What the run trained: its models, else its config's meta-learner or model (a fan-out branch's). */
function modelsOf(s: RunSummary): string | undefined {
  const learner = s.config?.meta_learner ?? s.config?.model;
  if (s.kind === 'stacking' && typeof learner === 'string') return learner;
  if (s.models?.length) return s.models.length > 3 ? `${s.models.length} models` : s.models.join(',');
  return typeof learner === 'string' ? learner : undefined;
}

export function describeRun(s: RunSummary): string {
  const head: string[] = [s.kind];
  if (s.horizons?.length) head.push(s.horizons.map((h) => `h${h}`).join(','));
  const models = modelsOf(s);
  if (models) head.push(models);
  const scenario = s.config?.scenario;
  if (typeof scenario === 'string') head.push(scenario);
  const parts = [head.join(' ')];
  // A CV run's key metric already names its horizon and model (`roc_auc h20 gbdt`).
  if (s.keyMetric) parts.push(`${s.keyMetric.name} ${shortNumber(s.keyMetric.value)}`);
  return parts.join(' · ');
}

export function runLabel(s: RunSummary): string {
  return s.name ?? describeRun(s);
}
