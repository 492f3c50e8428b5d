/**
 * Who is writing a run, and whether they still are. A run's run.json records its writer (pid,
 * host, the process's start time) and the writer touches run.json every HEARTBEAT_MS while the
 * run is open. A `running` run whose writer is gone is `interrupted`: on this host, the pid is
 * dead or now belongs to a process that started at another time; on another host (a shared
 * folder), the heartbeat is older than STALE_MS.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface RunWriterInfo {
  pid: number;
  host: string;
  /** ISO-8601 UTC start time of the writing process (tells a reused pid apart). */
  started: string;
}

export const HEARTBEAT_MS = 10_000;
/** A heartbeat older than this (30 missed beats) means the writer on another host is gone. */
export const STALE_MS = 5 * 60_000;
/** Start times read from /proc are whole clock ticks; the process's own clock differs by a little. */
const START_TOLERANCE_MS = 2_000;

let cachedStart: string | undefined;

export function currentWriter(): RunWriterInfo {
  cachedStart ??= processStart(process.pid) ?? new Date(Date.now() - process.uptime() * 1000).toISOString();
  return { pid: process.pid, host: hostname(), started: cachedStart };
}

export function isWriterInfo(v: unknown): v is RunWriterInfo {
  const w = v as Partial<RunWriterInfo> | null;
  return (
    !!w &&
    typeof w === 'object' &&
    Number.isInteger(w.pid) &&
    typeof w.host === 'string' &&
    typeof w.started === 'string'
  );
}

/**
 * Why the writer of a `running` run is gone, or undefined while it may still be writing.
 * `heartbeat` is run.json's mtime; without writer info (an older engine), only the heartbeat counts.
 */
export function writerGone(writer: RunWriterInfo | undefined, heartbeat: Date, now = Date.now()): string | undefined {
  const age = now - heartbeat.getTime();
  const stale = age > STALE_MS ? `its last heartbeat was ${Math.round(age / 60_000)} min ago` : undefined;
  if (!writer || writer.host !== hostname())
    return stale && `${writer ? `the writer on host '${writer.host}'` : 'the run'}: ${stale}`;
  if (!pidAlive(writer.pid)) return `its writer (pid ${writer.pid}) is no longer running`;
  const started = processStart(writer.pid);
  if (started && Math.abs(Date.parse(started) - Date.parse(writer.started)) > START_TOLERANCE_MS) {
    return `its writer (pid ${writer.pid}) is gone (the pid now belongs to another process)`;
  }
  return undefined;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Start time of a process from /proc (Linux); undefined elsewhere or when it cannot be read. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3; starttime is field 22.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[22 - 3]);
    const btime = Number(/^btime (\d+)/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(btime)) return undefined;
    const CLK_TCK = 100;
    return new Date(btime * 1000 + (ticks / CLK_TCK) * 1000).toISOString();
  } catch {
    return undefined;
  }
}
