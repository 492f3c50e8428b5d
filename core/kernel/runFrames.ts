/**
 * The frames a dashboard charts, read in the kernel (request `readRunFrames`, docs/design.md §8) and
 * handed to the host as Arrow IPC (the host never loads Parquet): the predictions of a training/stacking run from its
 * Parquet file (only the columns charts use, at most MAX_PREDICTION_ROWS rows), and the equity
 * curves of a backtest/workflow run from its containers' JSON (or an equity Parquet file).
 */
import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import pl from 'nodejs-polars';
import { listDirSync, readJsonSync } from '../runs/readSync';
import type { FrameRead, RunFramesReply } from './protocol';

export const MAX_PREDICTION_ROWS = 1_000_000;
export const MAX_EQUITY_POINTS = 2_000_000;
const MAX_CONTAINER_FILES = 200;
const MAX_CONTAINER_BYTES = 50 * 1024 * 1024;

/** Columns the evaluation charts read (true value, predictions, probabilities, time). */
export const PREDICTION_COLUMN =
  /^(y_true|target|y|timestamp|symbol|split|fold)$|(^|_)(pred|prediction|predicted|prob|proba|probability|y_hat|p1)(_|$)/i;

export async function readPredictions(path: string, maxRows = MAX_PREDICTION_ROWS): Promise<FrameRead> {
  const name = basename(path);
  try {
    const lazy = pl.scanParquet(path);
    const schema = await lazy.select(pl.all()).head(0).collect();
    const keep = schema.columns.filter((c) => PREDICTION_COLUMN.test(c));
    if (!keep.some((c) => /^(y_true|target|y)$/.test(c)))
      return { notes: [`${name}: no y_true column (columns: ${schema.columns.slice(0, 20).join(', ')})`] };
    const total = (await lazy.select(pl.len().alias('n')).collect()).getColumn('n').toArray()[0] as number;
    let df = await lazy
      .select(...keep)
      .head(maxRows)
      .collect();
    // Charts use numbers; text/time columns other than the ones named above are dropped.
    df = df.select(
      ...df.columns.filter((c) => /^(symbol|split)$/.test(c) || df.getColumn(c).dtype.variant !== 'String'),
    );
    const buf = df.writeIPCStream();
    const notes =
      Number(total) > maxRows
        ? [`${name}: first ${maxRows.toLocaleString('en-US')} of ${Number(total).toLocaleString('en-US')} rows charted`]
        : [];
    return { ipc: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), notes };
  } catch (e) {
    return { notes: [`${name} could not be read: ${(e as Error).message.split('\n')[0]}`] };
  }
}

const TIME_KEYS = ['timestamp', 'ts', 'time', 'date', 'datetime', 't'];
const VALUE_KEYS = ['equity', 'value', 'portfolio_value', 'total_value', 'nav', 'balance'];

interface Curve {
  group: string;
  x: number[];
  y: number[];
  temporal: boolean;
}

/** One equity curve from JSON: [v, ...], [[t, v], ...] or [{ timestamp, equity }, ...]. */
export function parseEquityCurve(value: unknown, group: string): Curve | undefined {
  if (!Array.isArray(value) || !value.length) return undefined;
  const x: number[] = [];
  const y: number[] = [];
  let temporal = true;
  value.forEach((p, i) => {
    let t: unknown = i;
    let v: unknown;
    if (typeof p === 'number') {
      v = p;
      temporal = false;
    } else if (Array.isArray(p)) {
      t = p[0];
      v = p[1];
    } else if (p && typeof p === 'object') {
      const o = p as Record<string, unknown>;
      t = TIME_KEYS.map((k) => o[k]).find((z) => z !== undefined) ?? i;
      v = VALUE_KEYS.map((k) => o[k]).find((z) => typeof z === 'number');
    }
    const ms = typeof t === 'string' ? Date.parse(t) : typeof t === 'number' ? t : NaN;
    if (typeof t !== 'string') temporal &&= typeof t === 'number' && t > 1e11; // epoch ms, not an index
    x.push(Number.isFinite(ms) ? ms : i);
    y.push(typeof v === 'number' ? v : NaN);
  });
  return y.some(Number.isFinite) ? { group, x, y, temporal } : undefined;
}

/**
 * Folders of a results run that hold `{container_id}_results.json` (notes/002): each phase and
 * window folder, and the `containers/` folders of the layout before it (at the top, per phase, or
 * per phase and window).
 */
function containerDirs(dir: string): { dir: string; label: string }[] {
  const out: { dir: string; label: string }[] = [];
  const visit = (d: string, label: string, depth: number): void => {
    out.push({ dir: d, label });
    for (const e of listDirSync(d)) {
      if (!e.isDirectory() || e.name.startsWith('.')) continue;
      if (e.name === 'containers') out.push({ dir: join(d, e.name), label });
      else if (depth < 2) visit(join(d, e.name), label ? `${label}/${e.name}` : e.name, depth + 1);
    }
  };
  visit(dir, '', 0);
  return out;
}

/** Results files that are not a container's: the phase's aggregate. */
const NOT_CONTAINER = new Set(['aggregate_results.json', 'cv_results.json']);

export async function readEquity(dir: string): Promise<FrameRead & { temporal: boolean }> {
  const notes: string[] = [];
  for (const name of ['equity.parquet', 'equity_curve.parquet']) {
    try {
      statSync(join(dir, name));
    } catch {
      continue;
    }
    try {
      const df = pl.readParquet(join(dir, name));
      const t = df.columns.find((c) => TIME_KEYS.includes(c));
      const v = df.columns.find((c) => VALUE_KEYS.includes(c));
      const g = df.columns.find((c) => ['portfolio', 'container', 'group', 'symbol', 'window'].includes(c));
      if (!v) return { notes: [`${name}: no equity column`], temporal: false };
      const temporal = !!t && df.getColumn(t).dtype.variant === 'Datetime';
      // x: epoch ms for datetimes, the time column as is for numbers, else the bar index.
      const x = !t ? pl.intRange(0, pl.len()) : temporal ? pl.col(t).cast(pl.Datetime('ms')).cast(pl.Int64) : pl.col(t);
      const out = df
        .select(
          x.cast(pl.Float64).alias('x'),
          pl.col(v).cast(pl.Float64).alias('equity'),
          (g ? pl.col(g).cast(pl.Utf8) : pl.lit('equity')).alias('group'),
        )
        .head(MAX_EQUITY_POINTS);
      const buf = out.writeIPCStream();
      return { ipc: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), notes, temporal };
    } catch (e) {
      return { notes: [`${name} could not be read: ${(e as Error).message.split('\n')[0]}`], temporal: false };
    }
  }
  const curves: Curve[] = [];
  let files = 0;
  let points = 0;
  for (const c of containerDirs(dir)) {
    for (const e of listDirSync(c.dir)) {
      if (!e.isFile() || !e.name.endsWith('_results.json') || NOT_CONTAINER.has(e.name)) continue;
      if (++files > MAX_CONTAINER_FILES) break;
      const path = join(c.dir, e.name);
      if (statSync(path).size > MAX_CONTAINER_BYTES) {
        notes.push(`${e.name}: larger than 50 MB, not charted`);
        continue;
      }
      const json = readJsonSync(path);
      if (!json?.ok) continue;
      const id = e.name.replace(/_results\.json$/, '');
      const curve = parseEquityCurve(
        (json.value as { equity_curve?: unknown }).equity_curve,
        c.label ? `${c.label}/${id}` : id,
      );
      if (!curve || points + curve.x.length > MAX_EQUITY_POINTS) continue;
      points += curve.x.length;
      curves.push(curve);
    }
  }
  if (files > MAX_CONTAINER_FILES) notes.push(`only the first ${MAX_CONTAINER_FILES} container files were read`);
  if (!curves.length) return { notes, temporal: false };
  const table = new Table({
    x: vectorFromArray(Float64Array.from(curves.flatMap((c) => c.x))),
    equity: vectorFromArray(Float64Array.from(curves.flatMap((c) => c.y))),
    group: vectorFromArray(
      curves.flatMap((c) => c.x.map(() => c.group)),
      new Utf8(),
    ),
  });
  return { ipc: tableToIPC(table, 'stream'), notes, temporal: curves.every((c) => c.temporal) };
}

/** The kernel's `readRunFrames`: the predictions file and/or the equity curves of a run folder. */
export async function readRunFrames(req: { predictions?: string; equityDir?: string }): Promise<RunFramesReply> {
  return {
    ...(req.predictions ? { predictions: await readPredictions(req.predictions) } : {}),
    ...(req.equityDir ? { equity: await readEquity(req.equityDir) } : {}),
  };
}
