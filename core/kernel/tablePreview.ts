/**
 * The first rows of a table file (Parquet, Arrow IPC, CSV) for the table editor's grid: read lazily
 * (only `limit` rows are materialised), counted, and sent as Arrow IPC.
 */
import { extname } from 'node:path';
import pl from 'nodejs-polars';
import { UserError } from '../errors';
import { frameToIpc } from './encode';
import type { TablePreviewReply } from './protocol';
import { scalarInt } from '../frame/int64';

function scan(path: string): pl.LazyDataFrame {
  switch (extname(path).toLowerCase()) {
    case '.parquet':
      return pl.scanParquet(path);
    case '.ipc':
    case '.arrow':
    case '.feather':
      return pl.scanIPC(path);
    case '.csv':
      return pl.scanCSV(path);
    default:
      throw new UserError(`cannot show ${path} as a table: expected a .parquet, .ipc/.arrow/.feather or .csv file`, {
        file: path,
      });
  }
}

export async function previewTable(path: string, limit = 200): Promise<TablePreviewReply> {
  let head: pl.DataFrame;
  let rows: number;
  try {
    head = await scan(path).head(limit).collect();
    const count = await scan(path).select(pl.len().alias('n')).collect();
    rows = scalarInt(count, 'n', 0)!;
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot read ${path}: ${(e as Error).message}`, { file: path });
  }
  return { path, rows, columns: head.columns, dtypes: head.dtypes.map(String), ipc: frameToIpc(head) };
}
