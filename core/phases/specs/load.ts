/** The keys of a `load` cell: the light schema (no frame library), for the parser and the editor. */
import { t } from '../../base/schema';
import { COLUMN_TYPE_NAMES, SOURCE_FORMATS } from '../../frame/closedLists';
import { BAD_ROW_POLICIES } from '../../frame/csvScan';

export const loadSchema = {
  kind: 'load',
  doc:
    'Read a CSV or Parquet file, a glob of files, or an http(s) URL into a frame with UTC `timestamp` and ' +
    '`symbol` columns.',
  needsInput: false,
  keys: {
    source: {
      type: t.string(),
      required: true,
      doc:
        'File path, glob (`data/raw/*.csv`) or http(s) URL; relative paths resolve against the notebook ' +
        'folder. A glob stacks every matching file.',
    },
    format: { type: t.string(SOURCE_FORMATS), doc: 'csv or parquet. Default: from the file extension.' },
    timestamp: {
      type: t.string(),
      doc: 'Source column holding the time; renamed to `timestamp` (Datetime ms, UTC). Default `timestamp`.',
    },
    symbol: {
      type: t.string(),
      doc:
        'Source column holding the symbol; renamed to `symbol`. Default: a `symbol` column if present, else ' +
        'the file name without extension.',
    },
    timestamp_format: {
      type: t.string(),
      doc:
        'strftime format of the timestamp text (e.g. `%d/%m/%Y %H:%M`). Default: ISO-8601 with or without ' +
        'offset, plain dates, or epoch s/ms/us/ns.',
    },
    timezone: {
      type: t.string(),
      doc: 'Time zone of timestamps written without an offset (IANA name). Default UTC. Output is always UTC.',
    },
    columns: {
      type: t.object(undefined, t.string(COLUMN_TYPE_NAMES)),
      doc:
        'Types some columns must have: `{ close: float, trades: int }` ' +
        '(number|float|int|string|bool|datetime). A cell that does not read is an error naming its line. Other ' +
        'columns are inferred.',
    },
    bad_rows: {
      type: t.string(BAD_ROW_POLICIES),
      doc:
        "CSV rows whose field count differs from the header's: `fail` (default: an error naming file:line and " +
        'the counts) or `quarantine` (dropped, counted and listed in the warnings).',
    },
    empty: {
      type: t.string(['fail', 'warn']),
      doc: 'A source with no rows: `fail` (default: an error saying the file has no rows) or `warn`.',
    },
    retry: {
      type: t.object({
        retries: { type: t.integer({ min: 0, max: 10 }), doc: 'Retries after the first attempt. Default 3.' },
        base_delay: {
          type: t.string(),
          doc: 'Wait before the first retry, doubled each retry (`1s`, `250ms`). Default 1s.',
        },
      }),
      doc: 'Remote sources only: retry policy before falling back to the last cached copy.',
    },
  },
} as const;
