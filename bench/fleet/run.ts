/**
 * The fleet benchmark (issue 15; `npm run bench -- --only fleet`): examples/scenarios.pipeline
 * end to end through `phasebook run` (its own process, cold cache, a fresh copy of the project
 * each time) with the serial executor, the local pool, and the bullmq executor on 1, 2 and 4
 * `phasebook worker` processes (concurrency 1 each) on a redis-server of its own on 127.0.0.1;
 * then the per-job queue overhead: one empty `ts` cell run again and again (--force) in one
 * coordinator process, serial vs through Redis + the directory store. Each run's reports and
 * predictions are compared with the serial run's bytes. Prints one JSON line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openJobSession, PipelineSession } from '../../core/engine/session';
import { silentLogger } from '../../core/log';
import { BullmqExecutor } from '../../core/orchestrate/bullmq/executor';
import { SerialExecutor } from '../../core/orchestrate/serial';
import { openStore } from '../../core/store/open';

const root = join(__dirname, '..', '..');
const cli = join(root, 'bin', 'phasebook');
const argv = process.argv.slice(2);
const arg = (f: string, d: string): string => (argv.indexOf(`--${f}`) >= 0 ? argv[argv.indexOf(`--${f}`) + 1] : d);
const fleetSizes = arg('workers', '1,2,4').split(',').filter(Boolean).map(Number);
const pipelines = !argv.includes('--overhead-only');
const overheadRuns = Number(arg('overhead-runs', '20'));
const REDIS = '/usr/bin/redis-server';
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
const load1 = () => Number(loadavg()[0].toFixed(2));

function freePort(): Promise<number> {
  return new Promise((ok, no) => {
    const s = createServer();
    s.once('error', no);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

const ping = (port: number): Promise<boolean> =>
  new Promise((ok) => {
    const c = connect(port, '127.0.0.1');
    c.on('connect', () => c.write('PING\r\n'));
    c.on('data', (b) => {
      c.destroy();
      ok(b.toString().startsWith('+PONG'));
    });
    c.on('error', () => ok(false));
  });

function exec(args: string[], cwd: string): Promise<number> {
  return new Promise((ok, no) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (b) => (err = (err + b).slice(-2000)));
    p.on('close', (code) =>
      code === 0 ? ok(performance.now() - t0) : no(new Error(`phasebook ${args.join(' ')} exited ${code}: ${err}`)),
    );
  });
}

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

/** What must be the same bytes as the serial run: every report, and every branch's predictions. */
function outputs(dir: string): string {
  const reports = readdirSync(join(dir, 'reports'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map(
      (e) => `${join(e.parentPath ?? e.path, e.name).slice(dir.length)} ${sha(join(e.parentPath ?? e.path, e.name))}`,
    )
    .sort();
  const preds = readdirSync(join(dir, 'runs'))
    .filter((r) => existsSync(join(dir, 'runs', r, 'predictions.parquet')))
    .map((r) => sha(join(dir, 'runs', r, 'predictions.parquet')))
    .sort();
  if (!reports.length || !preds.length) throw new Error(`${dir}: no reports or predictions written`);
  return sha256hex([...reports, ...preds].join('\n'));
}
const sha256hex = (s: string) => createHash('sha256').update(s).digest('hex');

const data = join(root, 'examples', 'data', 'demo_ohlcv_1h.csv');

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pb-bench-fleet-'));
  mkdirSync(join(dir, 'data'));
  copyFileSync(join(root, 'examples', 'scenarios.pipeline'), join(dir, 'scenarios.pipeline'));
  copyFileSync(data, join(dir, 'data', 'demo_ohlcv_1h.csv'));
  return dir;
}

async function startWorker(redis: string, store: string): Promise<ChildProcess> {
  const p = spawn(
    process.execPath,
    [
      cli,
      'worker',
      '--redis',
      redis,
      '--store',
      store,
      '--cache',
      mkdtempSync(join(tmpdir(), 'pb-bench-wcache-')),
      '--concurrency',
      '1',
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  await new Promise<void>((ok, no) => {
    let buf = '';
    p.stdout?.on('data', (b) => {
      buf += b;
      if (buf.includes('"worker started"')) ok();
    });
    p.once('exit', (c) => no(new Error(`worker exited ${c}`)));
  });
  p.stdout?.resume();
  return p;
}

const stop = async (p: ChildProcess, sig: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const gone = new Promise((ok) => p.once('exit', ok));
  p.kill(sig);
  await gone;
};

async function main(): Promise<void> {
  if (!existsSync(data)) await exec(['demo-data', data, '--symbols', '5', '--bars', '4000', '--seed', '7'], root);
  const port = await freePort();
  const redisProc = spawn(
    REDIS,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      mkdtempSync(join(tmpdir(), 'pb-bench-redis-')),
    ],
    { stdio: 'ignore' },
  );
  const redis = `redis://127.0.0.1:${port}`;
  const rows: { executor: string; workers?: number; wallMs: number; load: number; sameBytes: boolean }[] = [];
  let serialOut = '';
  const workers: ChildProcess[] = [];
  try {
    for (let i = 0; i < 100 && !(await ping(port)); i++) await sleep(50);
    const nb = (d: string) => join(d, 'scenarios.pipeline');
    let d = project();
    if (pipelines) {
      rows.push({
        executor: 'serial',
        wallMs: await exec(['run', nb(d), '--executor', 'serial'], d),
        load: load1(),
        sameBytes: true,
      });
      serialOut = outputs(d);
      d = project();
      rows.push({
        executor: 'local-pool',
        wallMs: await exec(['run', nb(d), '--executor', 'local-pool'], d),
        load: load1(),
        sameBytes: outputs(d) === serialOut,
      });
    }
    for (const n of pipelines ? fleetSizes : []) {
      // A fresh store per fleet size: nothing is served from an earlier size's results.
      const store = mkdtempSync(join(tmpdir(), 'pb-bench-store-'));
      for (const w of workers.splice(0)) await stop(w);
      for (let i = 0; i < n; i++) workers.push(await startWorker(redis, store));
      d = project();
      rows.push({
        executor: 'bullmq',
        workers: n,
        wallMs: await exec(['run', nb(d), '--executor', 'bullmq', '--redis', redis, '--store', store], d),
        load: load1(),
        sameBytes: outputs(d) === serialOut,
      });
    }
    // Per-job overhead: an empty ts cell, forced, in one coordinator process (the round trip
    // through Redis, the worker's child process and the artifact store, without process start).
    for (const w of workers.splice(0)) await stop(w);
    const store = mkdtempSync(join(tmpdir(), 'pb-bench-store-'));
    workers.push(await startWorker(redis, store));
    const dir = mkdtempSync(join(tmpdir(), 'pb-bench-empty-'));
    const path = join(dir, 'empty.pipeline');
    const text = '# %% ts empty\nexport default function (_inputs, { pl }) {\n  return pl.DataFrame({ x: [1] });\n}\n';
    writeFileSync(path, text);
    const timeRuns = async (s: PipelineSession): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < overheadRuns + 2; i++) {
        const t0 = performance.now();
        const r = await s.run({ force: true });
        if (!r.ok || r.outcomes[0]?.status !== 'ok')
          throw new Error(`empty cell: ${JSON.stringify(r.outcomes.map((o) => [o.status, o.error?.message]))}`);
        if (r.executor === 'bullmq' && !r.outcomes[0].worker)
          throw new Error('the empty cell did not run on a fleet worker');
        if (i >= 2) out.push(performance.now() - t0);
      }
      return out.sort((a, b) => a - b);
    };
    const median = (xs: number[]) => xs[Math.floor(xs.length / 2)];
    const serialMs = await timeRuns(
      new PipelineSession(text, {
        notebookPath: path,
        log: silentLogger,
        executor: new SerialExecutor(openJobSession),
      }),
    );
    const fleetMs = await timeRuns(
      new PipelineSession(text, {
        notebookPath: path,
        log: silentLogger,
        executor: new BullmqExecutor({ redis, store: openStore(store), pollMs: 200 }),
      }),
    );
    const overhead = {
      runs: overheadRuns,
      serialMedianMs: median(serialMs),
      fleetMedianMs: median(fleetMs),
      fleetP90Ms: fleetMs[Math.floor(fleetMs.length * 0.9)],
      perJobMs: median(fleetMs) - median(serialMs),
      load: load1(),
    };
    process.stdout.write(JSON.stringify({ rows, overhead }) + '\n');
  } finally {
    for (const w of workers) await stop(w);
    await stop(redisProc, 'SIGKILL');
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  },
);
