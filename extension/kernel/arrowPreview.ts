/**
 * A few rows of an Arrow IPC table as a markdown table: the plain fallback shown next to the
 * frame mime type until (or where) the Phasebook renderer is not available. Decodes only what it
 * shows. Pure.
 */
import { tableFromIPC, Type, type Field } from 'apache-arrow';

function formatCell(value: unknown, field: Field): string {
  if (value === null || value === undefined) return 'null';
  const typeId = field.type.typeId as Type;
  if ((typeId === Type.Timestamp || typeId === Type.Date) && typeof value === 'number') {
    return new Date(value)
      .toISOString()
      .replace('T', ' ')
      .replace(/\.000Z$|Z$/, '');
  }
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'object' && value && 'toJSON' in value)
    return JSON.stringify((value as { toJSON(): unknown }).toJSON());
  return String(value);
}

function escapeCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').slice(0, 80);
}

export interface TablePreview {
  markdown: string;
  columns: string[];
  shownRows: number;
}

/** The first `maxRows` rows and `maxColumns` columns of an IPC stream as markdown. */
export function ipcToMarkdown(ipc: Uint8Array, maxRows = 10, maxColumns = 12): TablePreview {
  const table = tableFromIPC(ipc);
  const fields = table.schema.fields;
  const shown = fields.slice(0, maxColumns);
  const more = fields.length - shown.length;
  const header = [...shown.map((f) => escapeCell(f.name)), ...(more > 0 ? [`… ${more} more`] : [])];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  const n = Math.min(maxRows, table.numRows);
  const columns = shown.map((f) => table.getChild(f.name));
  for (let i = 0; i < n; i++) {
    const cells = shown.map((f, j) => escapeCell(formatCell(columns[j]?.get(i), f)));
    if (more > 0) cells.push('…');
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return { markdown: lines.join('\n'), columns: fields.map((f) => f.name), shownRows: n };
}
