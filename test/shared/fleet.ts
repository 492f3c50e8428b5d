/**
 * Fleet machinery shared by the unit fleet tests (test/unit/fleet/harness.ts) and the host suite
 * (test/host/suites/fleet.host.ts): a real redis-server on 127.0.0.1 on a free port and `phasebook worker`
 * processes, each started and stopped by its pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_SERVER = '/usr/bin/redis-server';
export const hasRedis = existsSync(REDIS_SERVER);

export function freePort(): Promise<number> {
  return new Promise((ok, no) => {
    const s = createServer();
    s.once('error', no);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

function ping(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const c = connect(port, '127.0.0.1');
    let buf = '';
    c.on('connect', () => c.write('PING\r\n'));
    c.on('data', (b) => {
      buf += b.toString();
      if (buf.includes('\r\n')) {
        c.destroy();
        ok(buf.startsWith('+PONG'));
      }
    });
    c.on('error', () => ok(false));
  });
}

export interface RedisHandle {
  url: string;
  port: number;
  pid(): number | undefined;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** A redis-server of its own: no persistence, so a restart comes back empty (the worst case). */
export async function startRedis(): Promise<RedisHandle> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'pb-redis-'));
  let proc: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    proc = spawn(
      REDIS_SERVER,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 200; i++) {
      if (await ping(port)) return;
      await sleep(50);
    }
    throw new Error(`redis-server did not answer on 127.0.0.1:${port}`);
  };
  const stop = async (): Promise<void> => {
    const p = proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const gone = new Promise((ok) => p.once('exit', ok));
    p.kill('SIGKILL');
    await gone;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, pid: () => proc?.pid, stop, start };
}

export interface WorkerHandle {
  proc: ChildProcess;
  /** The JSON lines it logged so far. */
  lines(): Record<string, unknown>[];
  /** Resolves when a logged line matches. */
  waitFor(match: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * `phasebook worker ...` as its own process (as another user when `as` is given): `command` is how to start
 * `phasebook` (the sources through tsx in unit tests, dist/cli.js in host tests); resolves once it logged
 * 'worker started'.
 */
export async function startWorkerProcess(
  command: { file: string; args: string[] },
  args: string[],
  env: NodeJS.ProcessEnv = {},
  as?: { uid: number; gid: number },
): Promise<WorkerHandle> {
  const proc = spawn(command.file, [...command.args, 'worker', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
    ...as,
  });
  const out: Record<string, unknown>[] = [];
  let partial = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  proc.stdout?.on('data', (b: Buffer) => {
    partial += b.toString();
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) if (line.trim()) out.push(JSON.parse(line) as Record<string, unknown>);
    listeners.forEach((f) => f());
  });
  proc.stderr?.on('data', (b: Buffer) => void (stderr = (stderr + b.toString()).slice(-4000)));
  const waitFor = (match: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> =>
    new Promise((ok, no) => {
      const check = (): void => {
        const hit = out.find(match);
        if (hit) {
          listeners.delete(check);
          proc.off('exit', dead);
          ok(hit);
        }
      };
      const dead = (): void => no(new Error(`the worker exited before logging what the test waits for: ${stderr}`));
      listeners.add(check);
      proc.once('exit', dead);
      check();
    });
  await waitFor((l) => l.msg === 'worker started');
  return {
    proc,
    lines: () => out,
    waitFor,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const gone = new Promise((ok) => proc.once('exit', ok));
      proc.kill(signal);
      await gone;
    },
  };
}
