/** A kernel log record as one line of the "Phasebook" log channel. Pure. */
import type { LogRecord } from '../../core/log';

const STANDARD = new Set(['ts', 'level', 'msg', 'cell']);

export function formatLogRecord(record: LogRecord, source?: string): string {
  const where = [source, record.cell ? `cell '${record.cell}'` : undefined].filter(Boolean).join(' ');
  const extra = Object.entries(record).filter(([k, v]) => !STANDARD.has(k) && v !== undefined);
  const fields = extra.length
    ? ` ${extra.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')}`
    : '';
  return `${where ? `[${where}] ` : ''}${record.msg}${fields}`;
}
