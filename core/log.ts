import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LogRecord {
  ts: string;
  level: LogLevel;
  msg: string;
  cell?: string;
  [k: string]: unknown;
}

export type LogSink = (r: LogRecord) => void;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger that adds these fields to every record. */
  child(fields: Record<string, unknown>): Logger;
}

/** Reads PHASEBOOK_LOG_LEVEL (debug|info|warn|error, any case; also WARNING/CRITICAL). */
export function levelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const v = (env.PHASEBOOK_LOG_LEVEL ?? 'info').toLowerCase();
  if (v === 'warning') return 'warn';
  if (v === 'critical') return 'error';
  return v in ORDER ? (v as LogLevel) : 'info';
}

export function createLogger(
  sinks: LogSink[],
  level: LogLevel = levelFromEnv(),
  base: Record<string, unknown> = {},
): Logger {
  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < ORDER[level]) return;
    const rec: LogRecord = { ts: new Date().toISOString(), level: lvl, msg, ...base, ...fields };
    for (const s of sinks) s(rec);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(sinks, level, { ...base, ...fields }),
  };
}

/** Appends JSON lines to a file (logs/pipeline.log). */
export function jsonLinesSink(path: string): LogSink {
  mkdirSync(dirname(path), { recursive: true });
  return (r) => appendFileSync(path, JSON.stringify(r) + '\n');
}

/** Human-readable lines on a stream (stderr for the CLI). */
export function textSink(write: (s: string) => void): LogSink {
  return (r) => {
    const where = r.cell ? `[${r.cell}] ` : '';
    write(`${r.level === 'info' ? '' : r.level.toUpperCase() + ' '}${where}${r.msg}\n`);
  };
}

export const silentLogger: Logger = createLogger([], 'error');
