/** The facts the report templates are filled with, from a comparison. Pure and deterministic. */
import type { Comparison, ComparisonRow } from './compare';
import { branchTitle, comparisonMarkdown, formatCI } from './compare';

export interface FigureRef {
  branch: string;
  title: string;
  /** Path relative to the reports folder, or undefined when the figure could not be written. */
  file?: string;
  error?: string;
}

export interface ReportFacts {
  title: string;
  notebook: string;
  seed: number;
  engine: string;
  split: string;
  rows: string;
  bootstrap?: string;
}

function spread(rows: readonly ComparisonRow[], metric: string): number | undefined {
  const v = rows.map((r) => r.metrics[metric]?.value).filter((x): x is number => x !== undefined && Number.isFinite(x));
  return v.length > 1 ? Math.max(...v) - Math.min(...v) : undefined;
}

/** "Scenario choice moves rmse by at most 0.0012 for the same model" — one line per dimension. */
function effectOf(c: Comparison, key: string): string {
  const others = c.labelKeys.filter((k) => k !== key);
  const groups = new Map<string, ComparisonRow[]>();
  for (const r of c.rows) {
    const g = others.map((k) => r.labels[k]).join(' / ');
    groups.set(g, [...(groups.get(g) ?? []), r]);
  }
  const spreads = [...groups.values()].map((rs) => spread(rs, c.rankBy)).filter((x): x is number => x !== undefined);
  if (!spreads.length) return `Only one ${key} was compared.`;
  const worst = Math.max(...spreads);
  const ties = c.rows.filter((r) => r.tiedWithBest).length;
  return (
    `Changing the ${key} moves ${c.rankBy} by at most ` +
    `${worst.toPrecision(3)}${others.length ? ` for the same ${others.join(' and ')}` : ''}` +
    (ties > 1
      ? `; ${ties} branches have intervals that overlap the best one, so the data do not rank them reliably.`
      : '.')
  );
}

export function reportVars(c: Comparison, facts: ReportFacts, figures: readonly FigureRef[]): Record<string, string> {
  const [best, second] = c.rows;
  const ties = c.rows.filter((r) => r !== best && r.tiedWithBest);
  const dir = c.direction === 'min' ? 'lower' : 'higher';
  const bootstrap = facts.bootstrap ?? 'no bootstrap intervals reported';
  const tiesText = ties.length
    ? `The interval of ${ties.length} other branch${ties.length === 1 ? '' : 'es'} ` +
      `(${ties.map((r) => branchTitle(r.labels)).join(', ')}) overlaps the best one: the difference is within ` +
      `the noise.`
    : c.rows.length > 1
      ? "No other branch's interval overlaps the best one."
      : '';
  const table = comparisonMarkdown(c, { bootstrap: facts.bootstrap })
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .join('\n');
  const figs = figures.length
    ? figures
        .map((f) =>
          f.file ? `![${f.title}](${f.file})` : `- ${f.title}: *figure missing* (${f.error ?? 'not written'})`,
        )
        .join('\n\n')
    : '*No predictions upstream: no figures.*';
  const caveats = [
    `- Intervals come from ${bootstrap}; rows of a time series are serially dependent (and overlapping ` +
      `labels more so), so the default is a moving-block bootstrap over timestamps; iid resampling, when asked ` +
      `for, understates the uncertainty.`,
    `- One split (${facts.split}) of one data set: the ranking may not hold on other periods; confirm with ` +
      `walk-forward evaluation before deploying.`,
    ties.length
      ? `- ${ties.length + 1} branches are statistically indistinguishable on ${c.rankBy}; prefer the simplest of them.`
      : '',
    figures.some((f) => !f.file) ? '- Some figures could not be written (see the report).' : '',
  ]
    .filter(Boolean)
    .join('\n');
  return {
    title: facts.title,
    notebook: facts.notebook,
    seed: String(facts.seed),
    engine: facts.engine,
    split: facts.split,
    rows: facts.rows,
    bootstrap,
    branches: String(c.rows.length),
    dimensions: c.labelKeys
      .map((k) => `${k} ∈ {${[...new Set(c.rows.map((r) => r.labels[k]))].join(', ')}}`)
      .join(' x '),
    rank_by: c.rankBy,
    direction: dir,
    best: best ? branchTitle(best.labels) : '–',
    best_value: best ? `${c.rankBy} ${formatCI(best.metrics[c.rankBy])}` : '–',
    runner_up: second ? `${branchTitle(second.labels)} — ${c.rankBy} ${formatCI(second.metrics[c.rankBy])}` : '–',
    headline: best
      ? `The best branch by ${c.rankBy} (${dir} is better) is **${branchTitle(best.labels)}**: ` +
        `${formatCI(best.metrics[c.rankBy])}.`
      : 'No branch reported the ranking metric.',
    ties: tiesText,
    recommendation: !best
      ? 'none: no branch reported the ranking metric.'
      : ties.length
        ? `${branchTitle(best.labels)} ranks first, but ${ties.length} other ` +
          `branch${ties.length === 1 ? '' : 'es'} cannot be told apart from it; choose among them on ` +
          `simplicity and cost.`
        : `adopt ${branchTitle(best.labels)}: it is better than every other branch beyond the bootstrap noise.`,
    table,
    figures: figs,
    figure_branch: figures[0]?.branch ?? 'none',
    caveats,
    scenario_effect: c.labelKeys.includes('scenario')
      ? effectOf(c, 'scenario')
      : 'No preprocessing scenarios were compared.',
    model_effect: c.labelKeys.includes('model') ? effectOf(c, 'model') : 'No models were compared.',
    next_steps: [
      '- Re-run the study on a later period (walk-forward) and check the ranking holds.',
      ties.length
        ? '- Drop the branches that never separate from the rest; add a block length to the bootstrap.'
        : '- Widen the comparison around the best branch (tuning, more features).',
      '- Record the decision and the metrics query used next to this report.',
    ].join('\n'),
  };
}
