/** The keys of a `scale` cell: the light schema (no frame library), for the parser and the editor. */
import { t } from '../../base/schema';
import { SCALE_METHODS } from '../../frame/closedLists';

export const scaleSchema = {
  kind: 'scale',
  doc: 'Standard / minmax / robust scaling fitted on the train split only, applied to val and test; saved as JSON.',
  needsInput: true,
  keys: {
    method: {
      type: t.string(SCALE_METHODS),
      doc: 'standard (mean/std, ddof 0), minmax (to [0, 1]) or robust (median/IQR). Default standard.',
      default: 'standard',
    },
    per_symbol: { type: t.boolean(), doc: 'Fit one scaler per symbol. Default false.', default: false },
    columns: { type: t.list(t.string()), columns: true, doc: 'Columns to scale. Default: the features.' },
  },
} as const;
