/**
 * One log per job (docs/design.md §4.8): `logs/{job}[_{scenario}][_{model}].log`, JSON lines like
 * logs/pipeline.log, written beside the session's own logger (which still gets every record).
 */
import { join } from 'node:path';
import { createLogger, jsonLinesSink, levelFromEnv, type Logger } from '../log';
import { jobStem } from './branch';

export function jobLogPath(logsRoot: string, cell: string): string {
  return join(logsRoot, `${jobStem(cell)}.log`);
}

/** A logger that sends every record to both. */
export function teeLogger(a: Logger, b: Logger): Logger {
  return {
    debug: (m, f) => (a.debug(m, f), b.debug(m, f)),
    info: (m, f) => (a.info(m, f), b.info(m, f)),
    warn: (m, f) => (a.warn(m, f), b.warn(m, f)),
    error: (m, f) => (a.error(m, f), b.error(m, f)),
    child: (fields) => teeLogger(a.child(fields), b.child(fields)),
  };
}

/** The cell's logger: the session's child logger plus the job's own file. */
export function jobLogger(
  sessionLog: Logger,
  logsRoot: string,
  cell: string,
  fields: Record<string, unknown> = {},
): Logger {
  try {
    const file = createLogger([jsonLinesSink(jobLogPath(logsRoot, cell))], levelFromEnv(), { cell, ...fields });
    return teeLogger(sessionLog, file);
  } catch {
    return sessionLog;
  }
}
