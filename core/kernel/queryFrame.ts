/**
 * "Query metrics" in the kernel (docs/design.md §8): SQL on metrics.db through sql.js, the result as
 * one typed frame (Arrow IPC) for the host's grid. A column whose values are all numbers is f64, all
 * booleans-as-integers stay numbers, anything else (text, blobs, a mix) is text, so the grid's dtype
 * badges say what SQLite returned.
 */
import pl from 'nodejs-polars';
import { queryMetrics, type TableResult } from '../orchestrate/metricsDb';
import { frameToIpc } from './encode';
import type { QueryReply } from './protocol';

function cellText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  return String(v);
}

/** A SQL result as a frame: one f64 or str column per result column, in order (duplicate names suffixed). */
export function queryResultFrame(t: TableResult): pl.DataFrame {
  const seen = new Map<string, number>();
  const columns = t.columns.map((name, j) => {
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    const label = n ? `${name}_${n}` : name;
    const values = t.rows.map((r) => r[j]);
    const numeric = values.every((v) => v === null || v === undefined || typeof v === 'number');
    return numeric
      ? pl.Series(label, values as (number | null)[], pl.Float64)
      : pl.Series(label, values.map(cellText), pl.Utf8);
  });
  return pl.DataFrame(columns);
}

export async function runQuery(db: string, sql: string): Promise<QueryReply> {
  const t = await queryMetrics(db, sql);
  const df = queryResultFrame(t);
  return { db, sql, rows: df.height, columns: df.columns, ipc: frameToIpc(df) };
}
