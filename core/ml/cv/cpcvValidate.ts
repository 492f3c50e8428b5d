/**
 * Out-of-sample predictions on CPCV paths: every split is fitted once per model (through
 * crossValidate on that split alone, so training, label checks and errors are the purged k-fold
 * ones), its test predictions go to the k paths its groups belong to, and each path, a full
 * out-of-sample series, is scored on its own. Path scores are a distribution, not folds of one series.
 */
import { crossValidate, type CrossValidateOptions, type CvFoldResult } from './crossValidate';
import type { CpcvPlan } from './cpcv';
import { scorePredictions, type Scores } from './scores';

export interface CpcvValidateOptions extends Omit<CrossValidateOptions, 'folds'> {
  plan: CpcvPlan;
}

export interface CpcvValidateResult {
  width: number;
  /** Per model, per path: `width` values per row; every row of every group is predicted on every path. */
  pathOof: Record<string, Float64Array[]>;
  /** One entry per split and model (`fold` is the split index). */
  perSplit: CvFoldResult[];
  /** Per model, the scores of each path over all rows. */
  pathScores: Record<string, Scores[]>;
}

/** pathOf[s][g]: path fed by split s's test group g (-1 when s does not test g). */
export function pathsBySplit(plan: CpcvPlan): number[][] {
  const nGroups = plan.groups.length;
  const out = plan.splits.map(() => new Array<number>(nGroups).fill(-1));
  plan.paths.forEach((path, p) => path.forEach((s, g) => (out[s][g] = p)));
  return out;
}

export async function crossValidateCpcv(opts: CpcvValidateOptions): Promise<CpcvValidateResult> {
  const { plan, models } = opts;
  const n = opts.y.length;
  const names = models.map((m) => m.name ?? m.kind);
  const pathOf = pathsBySplit(plan);
  const nPaths = plan.paths.length;
  const nClasses = opts.task === 'classification' ? (opts.nClasses ?? 2) : 0;
  const width = nClasses > 2 ? nClasses : 1;
  const pathOof: Record<string, Float64Array[]> = {};
  for (const name of names) pathOof[name] = Array.from({ length: nPaths }, () => new Float64Array(n * width).fill(NaN));
  const perSplit: CvFoldResult[] = [];
  const total = plan.splits.length;
  for (const [s, split] of plan.splits.entries()) {
    const r = await crossValidate({
      ...opts,
      folds: [split],
      onProgress: opts.onProgress
        ? (p) =>
            opts.onProgress!({
              ...p,
              fraction: (s + p.fraction) / total,
              fold: s,
              fitsDone: s * models.length + p.fitsDone,
              fitsTotal: total * models.length,
            })
        : undefined,
    });
    perSplit.push(...r.perFold);
    for (const name of names) {
      const src = r.oof[name];
      for (const i of split.test) {
        const p = pathOf[s][plan.groupOfRow[i]];
        const dst = pathOof[name][p];
        for (let c = 0; c < width; c++) dst[i * width + c] = src[i * width + c];
      }
    }
  }
  const pathScores: Record<string, Scores[]> = {};
  for (const name of names)
    pathScores[name] = pathOof[name].map((oof) => scorePredictions(opts.task, opts.y, oof, nClasses));
  return { width, pathOof, perSplit, pathScores };
}
