/**
 * `load`: reads a CSV or Parquet file, a glob of them, or an http(s) URL into the canonical frame:
 * `timestamp` Datetime(ms, UTC), `symbol` Utf8, the other columns typed; sorted by symbol then
 * timestamp.
 */
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { UserError } from '../errors';
import type { Dataset } from '../frame/dataset';
import { COLUMN_TYPE_NAMES, normaliseColumnType } from '../frame/contractTypes';
import type { ColumnType, ColumnTypeName } from '../frame/contractTypes';
import { parseDuration } from '../frame/contracts';
import {
  displayPath,
  expandSource,
  formatOf,
  isRemoteSource,
  readFileBytes,
  readSources,
  SOURCE_FORMATS,
  splitOrigin,
} from '../frame/io';
import { canonicalise, sortCanonical } from '../frame/canonical';
import { BAD_ROW_POLICIES, describeRagged } from '../frame/csvScan';
import type { BadRowPolicy } from '../frame/csvScan';
import type { FileBytes, SourceFormat } from '../frame/io';
import { cachedCopy, fetchRemote } from '../frame/remote';
import { registerPhase } from '../spec/registry';
import { t } from '../base/schema';
import { emptyResult } from '../spec/types';
import type { PhaseContext, PhaseSpec } from '../spec/types';

export interface LoadConfig {
  source: string;
  format?: SourceFormat;
  timestamp?: string;
  symbol?: string;
  timestamp_format?: string;
  timezone?: string;
  columns?: Record<string, ColumnTypeName>;
  retry?: { retries?: number; base_delay?: string };
  bad_rows?: BadRowPolicy;
  empty?: 'fail' | 'warn';
}

/** Remote cached copies live here. */
export function remoteCacheDir(roots: { cache: string }): string {
  return join(roots.cache, 'remote');
}

function checkTimezone(tz: string | undefined): void {
  if (!tz) return;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    throw new UserError(`unknown time zone '${tz}' (use an IANA name such as UTC or Europe/Berlin)`, {
      key: 'timezone',
    });
  }
}

async function readRemote(
  config: LoadConfig,
  format: SourceFormat,
  ctx: PhaseContext,
): Promise<{ file: FileBytes; warning?: string }> {
  const baseDelayMs =
    config.retry?.base_delay !== undefined ? parseDuration(config.retry.base_delay, 'retry.base_delay') : undefined;
  const r = await fetchRemote(config.source, {
    cacheDir: remoteCacheDir(ctx.roots),
    ext: format,
    retries: config.retry?.retries,
    baseDelayMs,
    signal: ctx.signal,
  });
  if (!r.fromCache) ctx.log.info(`fetched ${config.source} (${r.bytes.length} bytes, sha256 ${r.sha256.slice(0, 12)})`);
  return { file: { name: config.source, bytes: r.bytes }, warning: r.warning };
}

export async function runLoad(config: LoadConfig, ctx: PhaseContext) {
  if (typeof config.source !== 'string' || !config.source)
    throw new UserError('`source:` is required (a path, glob or http(s) URL)', { key: 'source' });
  checkTimezone(config.timezone);
  const remote = isRemoteSource(config.source);
  const format = formatOf(config.source, config.format);
  const warnings: string[] = [];
  let files: FileBytes[];
  if (remote) {
    const r = await readRemote(config, format, ctx);
    files = [r.file];
    if (r.warning) warnings.push(r.warning);
  } else {
    files = expandSource(config.source, ctx.baseDir).map(readFileBytes);
  }
  for (const f of files)
    ctx.log.debug(`read ${f.name} (${f.bytes.length} bytes)`, { file: f.name, bytes: f.bytes.length });
  ctx.progress(0.3, `read ${files.length} file${files.length === 1 ? '' : 's'}`);
  const tsSource = config.timestamp ?? 'timestamp';
  let quarantinedRows = 0;
  const raw = readSources(
    files,
    format,
    { timestamp: tsSource, symbol: config.symbol },
    {
      badRows: config.bad_rows,
      onEmpty: config.empty === 'warn' ? (m) => warnings.push(m) : undefined,
      onQuarantine: (file, rows, headerFields) => {
        quarantinedRows += rows.length;
        warnings.push(
          `${file}: quarantined ${rows.length} row${rows.length === 1 ? '' : 's'} with the wrong number of fields — ${describeRagged(rows, headerFields, 3).join('; ')}`,
        );
      },
    },
  );
  const columns: Record<string, ColumnType> = {};
  for (const [c, ty] of Object.entries(config.columns ?? {})) columns[c] = normaliseColumnType(ty);
  const canon = canonicalise(raw, {
    timestampSource: tsSource,
    timestampParse: { format: config.timestamp_format, timezone: config.timezone },
    columns,
    inferTypes: true,
    badTimestamps: 'throw',
  });
  warnings.push(...canon.warnings);
  const frame = splitOrigin(sortCanonical(canon.frame));
  ctx.progress(0.9, 'sorted');
  const dataset: Dataset = {
    frame,
    features: [],
    labels: [],
    sources: files.map((f) => (remote ? f.name : displayPath(f.name))),
  };
  const span = frame.height
    ? frame.select(pl.col('timestamp').min(), pl.col('timestamp').max().alias('to'), pl.col('symbol').nUnique()).row(0)
    : [null, null, 0];
  return emptyResult({
    dataset,
    summary: {
      rows: frame.height,
      columns: frame.width,
      symbols: Number(span[2]),
      from: span[0] instanceof Date ? span[0].toISOString() : null,
      to: span[1] instanceof Date ? span[1].toISOString() : null,
      files: files.length,
      ...(quarantinedRows ? { quarantined: quarantinedRows } : {}),
    },
    tables: [{ title: 'first rows', frame: frame.head(10) }],
    warnings,
  });
}

export const loadPhase: PhaseSpec<LoadConfig> = {
  kind: 'load',
  doc: 'Read a CSV or Parquet file, a glob of files, or an http(s) URL into a frame with UTC `timestamp` and `symbol` columns.',
  needsInput: false,
  keys: {
    source: {
      type: t.string(),
      required: true,
      doc: 'File path, glob (`data/raw/*.csv`) or http(s) URL; relative paths resolve against the notebook folder. A glob stacks every matching file.',
    },
    format: { type: t.string(SOURCE_FORMATS), doc: 'csv or parquet. Default: from the file extension.' },
    timestamp: {
      type: t.string(),
      doc: 'Source column holding the time; renamed to `timestamp` (Datetime ms, UTC). Default `timestamp`.',
    },
    symbol: {
      type: t.string(),
      doc: 'Source column holding the symbol; renamed to `symbol`. Default: a `symbol` column if present, else the file name without extension.',
    },
    timestamp_format: {
      type: t.string(),
      doc: 'strftime format of the timestamp text (e.g. `%d/%m/%Y %H:%M`). Default: ISO-8601 with or without offset, plain dates, or epoch s/ms/us/ns.',
    },
    timezone: {
      type: t.string(),
      doc: 'Time zone of timestamps written without an offset (IANA name). Default UTC. Output is always UTC.',
    },
    columns: {
      type: t.object(undefined, t.string(COLUMN_TYPE_NAMES)),
      doc: 'Types some columns must have: `{ close: float, trades: int }` (number|float|int|string|bool|datetime). A cell that does not read is an error naming its line. Other columns are inferred.',
    },
    bad_rows: {
      type: t.string(BAD_ROW_POLICIES),
      doc: "CSV rows whose field count differs from the header's: `fail` (default: an error naming file:line and the counts) or `quarantine` (dropped, counted and listed in the warnings).",
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
  inputFiles(config, ctx) {
    if (typeof config.source !== 'string') return [];
    if (isRemoteSource(config.source)) {
      const c = cachedCopy(config.source, remoteCacheDir(ctx.roots));
      return c ? [c.path] : [];
    }
    return expandSource(config.source, ctx.baseDir);
  },
  run: (config, _inputs, ctx) => runLoad(config, ctx),
};

registerPhase(loadPhase);
