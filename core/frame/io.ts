/**
 * Reading data files into frames: source expansion (file or glob), CSV read as text (so bad cells
 * are found, never silently nulled), Parquet, concatenation, and the row origin (file + line) each
 * row came from, for error messages that point into the source file.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import pl from 'nodejs-polars';
import { isUserError, UserError, ValidationError } from '../errors';
import { conformingCsv } from './csvScan';
import { globToRegExp } from './glob';
import type { BadRowPolicy, CsvRecordShape } from './csvScan';
import { closest } from '../base/schema';
import type { SourceFormat } from './closedLists';

export type { SourceFormat } from './closedLists';

/** Cells that mean "no value" in a CSV. */
export const CSV_NULL_VALUES = ['', 'NA', 'N/A', 'null', 'NULL', 'None'];

/** Hidden columns carrying each row's origin until it is split off with `splitOrigin`. */
export const ORIGIN_FILE = '__source_file';
export const ORIGIN_ROW = '__source_row';
export const ORIGIN_LINE = '__source_line';
export const ORIGIN_COLUMNS: readonly string[] = [ORIGIN_FILE, ORIGIN_ROW, ORIGIN_LINE];

export function isRemoteSource(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

export function hasGlob(source: string): boolean {
  return /[*?[\]{}]/.test(source);
}

/** A path as a user would like to read it: relative to the working folder when inside it. */
export function displayPath(path: string, cwd = process.cwd()): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** The file's name without folder and extension: the default symbol of a file without one. */
export function fileStem(pathOrUrl: string): string {
  const clean = pathOrUrl.replace(/[?#].*$/, '').replace(/\/+$/, '');
  const name = basename(clean);
  const ext = extname(name);
  return ext ? name.slice(0, -ext.length) : name;
}

/** The format from `format:` or the file extension; a UserError naming the source otherwise. */
export function formatOf(source: string, explicit?: SourceFormat): SourceFormat {
  if (explicit) return explicit;
  const ext = extname(source.replace(/[?#].*$/, '')).toLowerCase();
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return 'csv';
  if (ext === '.parquet' || ext === '.pq') return 'parquet';
  throw new UserError(
    `cannot tell the format of '${source}' from its extension; add \`format: csv\` or \`format: parquet\``,
    { key: 'format' },
  );
}

export { globToRegExp };

function walkFiles(dir: string, out: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names.sort()) {
    if (name.startsWith('.')) continue;
    const p = join(dir, name);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) walkFiles(p, out);
    else if (st.isFile()) out.push(p);
  }
}

/**
 * The local files a source names, absolute and sorted: the file itself, or every file matching a
 * glob. A missing file or a glob matching nothing is a UserError naming the path.
 */
export function expandSource(source: string, baseDir: string): string[] {
  const abs = resolve(baseDir, source);
  if (!hasGlob(source)) {
    let st;
    try {
      st = statSync(abs);
    } catch {
      const near = nearbyFiles(abs);
      throw new UserError(`data file not found: ${displayPath(abs)}`, { key: 'source' }, near);
    }
    if (!st.isFile()) throw new UserError(`source is not a file: ${displayPath(abs)}`, { key: 'source' });
    return [abs];
  }
  const parts = abs.split(sep);
  const firstGlob = parts.findIndex((p) => hasGlob(p));
  const root = parts.slice(0, firstGlob).join(sep) || sep;
  const rel = parts.slice(firstGlob).join('/');
  const re = globToRegExp(rel);
  const all: string[] = [];
  walkFiles(root, all);
  const matched = all.filter((f) => re.test(relative(root, f).split(sep).join('/')));
  if (!matched.length)
    throw new UserError(`no file matches the glob '${source}' (searched ${displayPath(root)})`, { key: 'source' });
  return matched;
}

function nearbyFiles(abs: string): string[] {
  const dir = resolve(abs, '..');
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => !n.startsWith('.'));
  } catch {
    return [`folder ${displayPath(dir)} does not exist`];
  }
  const near = closest(basename(abs), names);
  return near ? [`did you mean ${displayPath(join(dir, near))}?`] : [];
}

export interface FileBytes {
  /** What to call the file in messages and lineage (a path or a URL). */
  name: string;
  bytes: Buffer;
}

/** How a file is read: what to do with CSV rows whose field count differs from the header's. */
export interface ReadOptions {
  badRows?: BadRowPolicy;
  /** Told about the rows dropped under `badRows: quarantine`, per file. */
  onQuarantine?: (file: string, rows: CsvRecordShape[], headerFields: number) => void;
  /** When every file has no rows: throw a ValidationError (default) or tell `onEmpty` and go on. */
  onEmpty?: (message: string) => void;
}

/** "data.csv has no rows (only a header line)": the message of a source with no data. */
export function noRowsMessage(files: string[]): string {
  const names = files.slice(0, 3).join(', ') + (files.length > 3 ? ` and ${files.length - 3} more` : '');
  return files.length === 1
    ? 'the file has no rows, only a header line'
    : `none of the ${files.length} files has any rows (${names})`;
}

const IO_CODES: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
  ENOENT: 'no such file',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

/** The bytes of a local data file; an I/O error is a UserError naming the file and the cause. */
export function readFileBytes(path: string): FileBytes {
  try {
    return { name: path, bytes: readFileSync(path) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new UserError(
      `cannot read ${displayPath(path)}: ${IO_CODES[code] ?? (e as Error).message}${code ? ` (${code})` : ''}`,
      { file: displayPath(path) },
    );
  }
}

/**
 * Reads one file into a frame with its origin columns. CSV columns are all text (Utf8): casting is
 * left to the caller so bad cells can be reported by line. The CSV is scanned first (csvScan.ts):
 * quoting errors and rows with the wrong field count name their line, and each row's origin line
 * is where its record starts. Parquet keeps its own types.
 */
export function readTable(file: FileBytes, format: SourceFormat, opts: ReadOptions = {}): pl.DataFrame {
  let frame: pl.DataFrame;
  let lines: number[] | undefined;
  const shown = displayPath(file.name);
  try {
    if (format === 'csv') {
      const sep = file.name.toLowerCase().endsWith('.tsv') ? '\t' : ',';
      const text = file.bytes.toString('utf8');
      if (!text.trim()) throw new ValidationError('the file is empty: no header line and no rows', { file: shown });
      const csv = conformingCsv(text, sep, shown, opts.badRows ?? 'fail');
      if (csv.quarantined.length) opts.onQuarantine?.(shown, csv.quarantined, csv.headerFields);
      lines = csv.lines;
      frame = pl.readCSV(Buffer.from(csv.text), { inferSchemaLength: 0, nullValues: CSV_NULL_VALUES, sep });
    } else frame = pl.readParquet(file.bytes);
  } catch (e) {
    if (isUserError(e)) throw e;
    const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    throw new UserError(`cannot read ${format.toUpperCase()} file ${shown}: ${msg}`, { file: shown });
  }
  for (const c of ORIGIN_COLUMNS) if (frame.columns.includes(c)) frame = frame.drop(c);
  const exactLines = lines && lines.length === frame.height ? lines : undefined;
  const out = frame
    .withRowIndex(ORIGIN_ROW, 1)
    .withColumns(
      pl.lit(shown).alias(ORIGIN_FILE),
      pl.col(ORIGIN_ROW).cast(pl.Int64),
      (format === 'csv' ? pl.col(ORIGIN_ROW).cast(pl.Int64).add(1).cast(pl.Int64) : pl.lit(null).cast(pl.Int64)).alias(
        ORIGIN_LINE,
      ),
    );
  return exactLines ? out.withColumn(pl.Series(ORIGIN_LINE, exactLines, pl.Int64)) : out;
}

/** Stacks frames whose columns may differ (missing columns become null; types are relaxed). */
export function concatTables(frames: pl.DataFrame[]): pl.DataFrame {
  if (frames.length === 1) return frames[0];
  return pl.concat(frames, { how: 'diagonalRelaxed' });
}

/** Where each row of a frame came from: 1-based data row, and the line for text files. */
export interface RowOrigin {
  file: string;
  row: number;
  line: number | null;
}

const origins = new WeakMap<pl.DataFrame, pl.DataFrame>();

/** Removes the origin columns, remembering them for exactly this frame object. */
export function splitOrigin(frame: pl.DataFrame): pl.DataFrame {
  if (!frame.columns.includes(ORIGIN_FILE)) return frame;
  const data = frame.drop(...(ORIGIN_COLUMNS as [string, ...string[]]));
  origins.set(data, frame.select(...ORIGIN_COLUMNS));
  return data;
}

/** The origin frame (columns __source_file/_row/_line) of a frame made by splitOrigin, if known. */
export function originFrame(frame: pl.DataFrame): pl.DataFrame | undefined {
  return origins.get(frame);
}

/** Origins of some rows (0-based indices into `frame`), or undefined when unknown. */
export function rowOrigins(frame: pl.DataFrame, rows: number[]): (RowOrigin | undefined)[] {
  const o = origins.get(frame);
  if (!o) return rows.map(() => undefined);
  return rows.map((r) => {
    if (r < 0 || r >= o.height) return undefined;
    const rec = o.row(r);
    return {
      file: String(rec[0]),
      row: Number(rec[1]),
      line: rec[2] === null || rec[2] === undefined ? null : Number(rec[2]),
    };
  });
}

/** "did you mean" text for a missing column. */
export function missingColumnDetails(column: string, columns: readonly string[]): string[] {
  const visible = columns.filter((c) => !ORIGIN_COLUMNS.includes(c));
  const near = closest(column, visible);
  return [...(near ? [`did you mean '${near}'?`] : []), `columns: ${visible.join(', ')}`];
}

// ---------------------------------------------------------------------------------------------
// Sources read into one frame with `timestamp` and `symbol` columns (typed by canonical.ts).

export interface SourceColumns {
  /** Source column holding the timestamp. */
  timestamp: string;
  /** Source column holding the symbol; undefined: a `symbol` column if present, else the file stem. */
  symbol?: string;
}

/**
 * Reads every file, checks the timestamp / symbol columns exist (UserError naming the file and
 * the columns it has), adds the file stem as a constant symbol where the file has none, and
 * stacks the result. CSV columns stay text.
 */
export function readSources(
  files: FileBytes[],
  format: SourceFormat,
  cols: SourceColumns,
  opts: ReadOptions = {},
): pl.DataFrame {
  const frames = files.map((f) => {
    let t = readTable(f, format, opts);
    const where = { file: displayPath(f.name), key: undefined as string | undefined };
    if (!t.columns.includes(cols.timestamp)) {
      where.key = 'timestamp';
      throw new UserError(
        `timestamp column '${cols.timestamp}' not found in ${displayPath(f.name)}`,
        where,
        missingColumnDetails(cols.timestamp, t.columns),
      );
    }
    if (cols.symbol !== undefined && !t.columns.includes(cols.symbol)) {
      where.key = 'symbol';
      throw new UserError(
        `symbol column '${cols.symbol}' not found in ${displayPath(f.name)}`,
        where,
        missingColumnDetails(cols.symbol, t.columns),
      );
    }
    const symbolCol = cols.symbol ?? (t.columns.includes('symbol') ? 'symbol' : undefined);
    for (const [canonical, source] of [
      ['timestamp', cols.timestamp],
      ['symbol', symbolCol ?? 'symbol'],
    ] as const) {
      if (source !== canonical && t.columns.includes(canonical)) {
        throw new UserError(
          `${displayPath(f.name)} has a column '${canonical}' besides the ${canonical} column '${source}'; ` +
            `rename or drop one`,
          { file: displayPath(f.name), key: canonical },
        );
      }
    }
    t = t.rename({ [cols.timestamp]: 'timestamp', ...(symbolCol ? { [symbolCol]: 'symbol' } : {}) });
    if (!symbolCol) t = t.withColumns(pl.lit(fileStem(f.name)).alias('symbol'));
    return t;
  });
  const all = concatTables(frames);
  if (all.height === 0) {
    const message = noRowsMessage(files.map((f) => displayPath(f.name)));
    if (!opts.onEmpty)
      throw new ValidationError(message, { file: displayPath(files[0].name) }, [
        'a data file needs a header line and at least one row',
      ]);
    opts.onEmpty(message);
  }
  return all;
}
