/** The keys of a `align` cell: the light schema (no frame library), for the parser and the editor. */
import { t } from '../../base/schema';

export const AGGREGATIONS = ['first', 'last', 'min', 'max', 'sum', 'mean'] as const;

export const alignSchema = {
  kind: 'align',
  doc:
    'Resample the feeds in `from:` to one bar size and join them as-of per symbol onto the first feed, without ' +
    'look-ahead.',
  needsInput: true,
  keys: {
    every: {
      type: t.string(),
      required: true,
      doc:
        'Bar size: 1m, 15m, 1h, 4h, 1d... Bars are labelled by their open time t and cover [t, t+every); a bar ' +
        'only sees data stamped before its close.',
    },
    agg: {
      type: t.object(undefined, t.string(AGGREGATIONS)),
      doc:
        'How a column is aggregated into a bar: first|last|min|max|sum|mean. Default: open first, high max, ' +
        'low min, *volume*/*liquidation*/trades/count sum, everything else last.',
    },
    max_staleness: {
      type: t.string(),
      doc:
        'Oldest feed bar that may be carried forward onto a later bar (`8h`); older values become null. ' +
        'Default: no limit.',
    },
  },
} as const;
