/** The keys of a `scenario_compare` cell: the light schema (no frame library), for the parser and the editor. */
import { t } from '../../base/schema';

export const scenarioCompareSchema = {
  kind: 'scenario_compare',
  doc:
    'Side-by-side metrics with bootstrap CIs for every scenario x model branch: reports/scenario_table.csv and ' +
    'reports/scenario_summary.md.',
  needsInput: true,
  keys: {
    metrics: { type: t.list(t.string()), doc: 'Metrics to show (default: every metric the inputs report).' },
    rank_by: {
      type: t.string(),
      doc: 'Metric that ranks the branches (default rmse, else roc_auc, ...), in its own direction.',
    },
    output_dir: {
      type: t.string(),
      doc: 'Folder for the table and summary, relative to the notebook. Default reports.',
    },
    title: { type: t.string(), doc: 'Heading of the summary.' },
  },
} as const;
