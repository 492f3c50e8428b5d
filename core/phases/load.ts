/**
 * `load`: reads a CSV or Parquet file, a glob of them, or an http(s) URL into the canonical frame:
 * `timestamp` Datetime(ms, UTC), `symbol` Utf8, the other columns typed; sorted by symbol then
 * timestamp.
 */
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { UserError } from '../errors';
import type { Dataset } from '../frame/dataset';
import { normaliseColumnType } from '../frame/contractTypes';
import type { ColumnType } from '../frame/contractTypes';
import { parseDuration } from '../frame/contracts';
import {
  displayPath,
  expandSource,
  formatOf,
  isRemoteSource,
  readFileBytes,
  readSources,
  splitOrigin,
} from '../frame/io';
import { canonicalise, sortCanonical } from '../frame/canonical';
import { describeRagged } from '../frame/csvScan';
import type { FileBytes, SourceFormat } from '../frame/io';
import { cachedCopy, fetchRemote } from '../frame/remote';
import type { ConfigOf } from '../base/schema';
import { registerPhase, type CommonConfig } from '../spec/registry';
import { loadSchema } from './specs/load';
import { emptyResult } from '../spec/types';
import type { PhaseContext, PhaseSpec } from '../spec/types';

/** The config of a `load` cell, read off its key specs. */
export type LoadConfig = ConfigOf<typeof loadSchema.keys> & CommonConfig;

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
          `${file}: quarantined ${rows.length} row${rows.length === 1 ? '' : 's'} with the wrong number of ` +
            `fields — ${describeRagged(rows, headerFields, 3).join('; ')}`,
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
  ...loadSchema,
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
