import type pl from 'nodejs-polars';
import type { PhaseResult } from '../spec/types';
import type { CellOutputPayload } from './protocol';

/** Rows of a table output sent with the cell; the full frame is available through `inspect`. */
export const TABLE_ROW_LIMIT = 100_000;

export function frameToIpc(df: pl.DataFrame): Uint8Array {
  const buf = df.writeIPCStream();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** A polars dtype as a user reads it: `Int64`, not `DataType(Int64)`. */
function dtypeName(dt: unknown): string {
  return String(dt).replace(/^DataType\((.*)\)$/, '$1');
}

/** A PhaseResult in transportable form (frames as Arrow IPC bytes, never JSON rows). */
export function encodeResult(r: PhaseResult): CellOutputPayload {
  return {
    summary: r.summary,
    metrics: r.metrics,
    warnings: r.warnings,
    artifacts: r.artifacts.map((a) => ({ path: a.path, label: a.label })),
    run: r.run,
    ...(r.ran ? { ran: r.ran } : {}),
    charts: r.charts.map((c) => ({
      id: c.id,
      title: c.title,
      spec: c.spec,
      data: Object.fromEntries(Object.entries(c.data).map(([k, df]) => [k, frameToIpc(df)])),
    })),
    tables: r.tables.map((t) => {
      const truncated = t.frame.height > TABLE_ROW_LIMIT;
      const frame = truncated ? t.frame.head(TABLE_ROW_LIMIT) : t.frame;
      return { title: t.title, rows: t.frame.height, columns: t.frame.columns, ipc: frameToIpc(frame), truncated };
    }),
    dataset: r.dataset
      ? {
          rows: r.dataset.frame.height,
          columns: r.dataset.frame.width,
          features: r.dataset.features.length,
          featureSetId: r.dataset.featureSetId,
          schema: r.dataset.frame.columns.map((name, i) => ({ name, dtype: dtypeName(r.dataset?.frame.dtypes[i]) })),
        }
      : undefined,
  };
}
