/** The keys of a `preprocess` cell: the light schema (no frame library), for the parser and the editor. */
import { t } from '../../base/schema';

export const preprocessSchema = {
  kind: 'preprocess',
  doc:
    'Imputation (mean/median) or outlier treatment (winsorize/IQR) with statistics fitted on the training ' +
    'window only.',
  needsInput: true,
  keys: {
    scenario: {
      type: t.string(['mean_impute', 'median_impute', 'outlier_treatment']),
      doc: 'What to do: mean_impute, median_impute or outlier_treatment.',
      required: true,
    },
    method: {
      type: t.string(['winsorize', 'iqr']),
      doc:
        'Outlier treatment: winsorize (clip to quantiles) or iqr (clip to q1 - k*IQR, q3 + k*IQR). Default ' +
        'winsorize.',
    },
    limits: {
      type: t.oneOf(t.list(t.number({ min: 0, max: 1 })), t.number({ min: 0 })),
      doc: 'winsorize: [low, high] quantiles, default [0.01, 0.99]; iqr: the multiplier k, default 1.5.',
    },
    columns: {
      type: t.list(t.string()),
      columns: true,
      doc: 'Columns to treat. Default: every numeric column except timestamp, symbol and labels.',
    },
    per_symbol: { type: t.boolean(), doc: 'Fit statistics per symbol. Default true.', default: true },
    fit_until: { type: t.string(), doc: 'Without a split column: fit on rows before this date (UTC).' },
    fit_fraction: {
      type: t.number({ min: 0, max: 1 }),
      doc: "Without a split column or fit_until: fit on the first fraction of each symbol's rows. Default 0.7.",
    },
  },
} as const;
