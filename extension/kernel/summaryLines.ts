/**
 * The detail lines of a cell's summary without repeats (issue 18 item 9): a metric the summary
 * already states (`roc_auc pooled: 0.59 [0.50, 0.72]`) is not printed again, nor its interval as
 * `roc_auc_ci_low`/`roc_auc_ci_high`; a metric the summary lacks is one line with its interval and
 * fold spread folded in; a summary fact that only repeats an artifact path or the run id is left to
 * the artifact or run line. Paths print relative to the workspace. Pure.
 */
import { isAbsolute, relative, sep } from 'node:path';

const PARTS = ['_ci_low', '_ci_high', '_fold_mean', '_fold_sd'] as const;
type Part = (typeof PARTS)[number];

/** `roc_auc_ci_low` -> ['roc_auc', '_ci_low']; a plain metric -> [name, undefined]. */
export function metricPart(name: string): [string, Part | undefined] {
  for (const p of PARTS) if (name.endsWith(p) && name.length > p.length) return [name.slice(0, -p.length), p];
  return [name, undefined];
}

/** A summary fact already states this metric: `roc_auc`, `roc_auc pooled`, `test accuracy`. */
export function summaryCovers(summaryKeys: readonly string[], metric: string): boolean {
  return summaryKeys.some((k) => k === metric || k.startsWith(`${metric} `) || k.endsWith(` ${metric}`));
}

/** One line per metric the summary does not state: `log_loss: 0.7064 [0.6718, 0.7365] · per fold 0.7064 ± 0.0252`. */
export function metricLines(
  summaryKeys: readonly string[],
  metrics: Record<string, number>,
  fmt: (v: number) => string,
): string[] {
  const groups = new Map<string, Partial<Record<Part | 'value', number>>>();
  for (const [k, v] of Object.entries(metrics)) {
    // A metric whose own name the summary uses is stated there, parts and all.
    const [base, part] = summaryKeys.includes(k) ? [k, undefined] : metricPart(k);
    const g = groups.get(base) ?? {};
    g[part ?? 'value'] = v;
    groups.set(base, g);
  }
  const lines: string[] = [];
  for (const [base, g] of groups) {
    if (summaryCovers(summaryKeys, base)) continue;
    const bits: string[] = [];
    if (g.value !== undefined)
      bits.push(
        fmt(g.value) +
          (g._ci_low !== undefined && g._ci_high !== undefined ? ` [${fmt(g._ci_low)}, ${fmt(g._ci_high)}]` : ''),
      );
    if (g._fold_mean !== undefined)
      bits.push(`per fold ${fmt(g._fold_mean)}${g._fold_sd !== undefined ? ` ± ${fmt(g._fold_sd)}` : ''}`);
    if (!bits.length) for (const p of PARTS) if (g[p] !== undefined) bits.push(`${p.slice(1)} ${fmt(g[p] as number)}`);
    lines.push(`${base}: ${bits.join(' · ')}`);
  }
  return lines;
}

/** A path as the user reads it: relative to `base` (the workspace folder) when inside it, else as it is. */
export function shownPath(path: string, base: string | undefined): string {
  if (!base || !isAbsolute(path)) return path;
  const rel = relative(base, path);
  if (!rel || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return path;
  return rel;
}
