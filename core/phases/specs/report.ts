/** The keys of a `report` cell: the light schema (no frame library), for the parser and the editor. */
import { t } from '../../base/schema';

export const reportSchema = {
  kind: 'report',
  doc:
    'Markdown model report, evaluation memo and reflection from templates, with SVG figures (pred vs true, ' +
    'hexbin, residuals) of the best branch.',
  needsInput: true,
  keys: {
    title: { type: t.string(), doc: 'Title of the documents. Default: the notebook file name.' },
    output_dir: { type: t.string(), doc: 'Folder for the reports, relative to the notebook. Default reports.' },
    figures: {
      type: t.string(['best', 'all', 'none']),
      doc: 'Figures of the best branch (default), of every branch, or none.',
    },
    templates: {
      type: t.string(),
      doc:
        'Folder with your own model_communication_report.md / model_evaluation_memo.md / reflection.md ' +
        '({{placeholders}} as the defaults).',
    },
    split: { type: t.string(['train', 'val', 'test']), doc: 'Rows the figures show (default test).' },
  },
} as const;
