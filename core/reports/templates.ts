/**
 * Report templates (docs/design.md §4.8): the model communication report, the evaluation memo and
 * the reflection, as Markdown with `{{name}}` placeholders. A `report` cell may point
 * `templates:` at a folder holding its own versions (same file names, same placeholders).
 * Nothing time-dependent goes in: the same inputs give byte-identical reports.
 */

export const TEMPLATE_FILES = {
  report: 'model_communication_report.md',
  memo: 'model_evaluation_memo.md',
  reflection: 'reflection.md',
} as const;

export type TemplateName = keyof typeof TEMPLATE_FILES;

export const DEFAULT_TEMPLATES: Record<TemplateName, string> = {
  report: `# {{title}}

## Summary

{{headline}}

{{ties}}

## What was compared

{{branches}} branches: {{dimensions}}. Every branch ran the same pipeline from the same data
with seed {{seed}}; only its scenario and model differ. Metrics are computed on the {{split}}
split ({{rows}}), with {{bootstrap}}.

## Results

{{table}}

## Figures ({{figure_branch}})

{{figures}}

## How to reproduce

Run \`phasebook run {{notebook}}\` (seed {{seed}}, engine {{engine}}). Metrics of every run are in
\`artifacts/metrics.db\`: \`phasebook query "SELECT * FROM latest_metrics"\`.
`,
  memo: `# Evaluation memo: {{title}}

**Recommendation:** {{recommendation}}

- Ranking metric: {{rank_by}} ({{direction}} is better), on the {{split}} split ({{rows}}).
- Best branch: {{best}} — {{best_value}}.
- Runner-up: {{runner_up}}.
- Uncertainty: {{bootstrap}}. {{ties}}

## Per-branch results

{{table}}

## Caveats

{{caveats}}
`,
  reflection: `# Reflection: {{title}}

## What the comparison shows

{{scenario_effect}}

{{model_effect}}

## Limits

{{caveats}}

## Next steps

{{next_steps}}
`,
};

/** Fills `{{name}}` placeholders; an unknown placeholder is left visible as `{{name?}}`. */
export function fillTemplate(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (_, name: string) =>
    name in vars ? vars[name] : `{{${name}?}}`,
  );
}
