/**
 * Cancelling a run (issue 15): on a fleet (redis-server + one `phasebook worker` of concurrency 1,
 * so one held branch runs and the other waits in the queue) the queued job is removed from Redis
 * and never starts, the running one is told to stop and its worker says so, and the run is
 * recorded as cancelled, never complete. And `phasebook run` turns Ctrl-C (SIGINT) into that
 * cancel.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { recordPipelineRun } from '../../../core/cli/pipelineRun';
import { main } from '../../../core/cli/main';
import { BullmqExecutor } from '../../../core/orchestrate/bullmq/executor';
import { DEFAULT_QUEUE } from '../../../core/orchestrate/bullmq/protocol';
import { parseRedisUrl } from '../../../core/orchestrate/bullmq/redisUrl';
import { openStore } from '../../../core/store/open';
import { hasRedis, startRedis, startWorker, type RedisHandle, type WorkerHandle } from './harness';
import { HELD, project, session, until } from './project';

let redis: RedisHandle;
let storeDir: string;
let worker: WorkerHandle;
const skip = !hasRedis && 'redis-server is not installed';
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

before(async () => {
  if (!hasRedis) return;
  redis = await startRedis();
  storeDir = mkdtempSync(join(tmpdir(), 'pb-store-'));
  worker = await startWorker([
    '--redis',
    redis.url,
    '--store',
    storeDir,
    '--cache',
    mkdtempSync(join(tmpdir(), 'pb-wcache-')),
    '--concurrency',
    '1',
    '--lock-ms',
    '2000',
  ]);
});

after(async () => {
  await worker?.stop('SIGKILL');
  await redis?.stop();
});

test(
  'cancelling a fleet run removes the queued job, stops the running one, and records the run as cancelled',
  { skip, timeout: 120_000 },
  async () => {
    const p = project(HELD);
    const ac = new AbortController();
    const s = session(p, {
      executor: new BullmqExecutor({ redis: redis.url, store: openStore(storeDir), backoffMs: 200, pollMs: 200 }),
    });
    const running = s.run({ signal: ac.signal });
    // One worker slot: one f_hold branch is running (it never finishes: no gate file), the other is queued.
    const started = await worker.waitFor((l) => l.msg === 'job started' && String(l.cell).startsWith('f_hold['));
    const queue = new Queue(DEFAULT_QUEUE, { connection: parseRedisUrl(redis.url) });
    try {
      await until(() => existsSync(join(p.dir, 'started-2')) || existsSync(join(p.dir, 'started-3')));
      const counts = await queue.getJobCounts('waiting', 'active');
      assert.deepEqual([counts.active, counts.waiting], [1, 1], 'one held branch running, one queued');
      ac.abort();
      const report = await running;
      const held = report.outcomes.filter((o) => o.cell.startsWith('f_hold['));
      assert.deepEqual(
        held.map((o) => o.status),
        ['cancelled', 'cancelled'],
        JSON.stringify(report.outcomes.map((o) => [o.cell, o.status])),
      );
      assert.equal(report.ok, false);
      // The running job: its worker saw the signal and stopped it, without a retry.
      const stopped = await worker.waitFor((l) => l.msg === 'job failed' && l.cell === started.cell);
      assert.match(String(stopped.error), /cancelled by the coordinator/);
      assert.equal(stopped.retry, false);
      // The queued job is gone from Redis and never starts, not even once the slot is free.
      const other = started.cell === 'f_hold[double]' ? 'f_hold[triple]' : 'f_hold[double]';
      await sleep(1500);
      assert.equal((await queue.getJobCounts('waiting', 'active')).waiting, 0);
      assert.ok(!worker.lines().some((l) => l.msg === 'job started' && l.cell === other), `${other} must never start`);
      // Recorded as cancelled, never complete.
      const run = await recordPipelineRun(s, report, { started: new Date(), argv: ['run'] });
      assert.equal(run.status, 'failed');
      assert.match(run.error ?? '', /^cancelled: 2 cell\(s\)/);
      const manifest = JSON.parse(readFileSync(join(p.dir, 'runs', run.id, 'run.json'), 'utf8'));
      assert.equal(manifest.meta.cancelled, true);
    } finally {
      await queue.close();
    }
  },
);

test(
  'Ctrl-C (SIGINT) during `phasebook run` cancels the run: cells stopped, run.json cancelled, exit 1',
  { timeout: 60_000 },
  async () => {
    const p = project(HELD);
    let out = '';
    let err = '';
    const io = { out: (x: string) => (out += x), err: (x: string) => (err += x), tty: false, cwd: p.dir, env: {} };
    const code = main(['run', p.path, '--executor', 'serial'], io);
    await until(() => existsSync(join(p.dir, 'started-2')));
    process.emit('SIGINT');
    assert.equal(await code, 1, err + out);
    assert.match(err, /cancelling: queued cells will not start/);
    assert.match(out, /cancelled\)\n$/);
    assert.ok(!existsSync(join(p.dir, 'started-3')), 'the second held branch never started');
    const runDir = readdirSync(join(p.dir, 'runs')).find((r) => r.startsWith('pipeline'))!;
    const manifest = JSON.parse(readFileSync(join(p.dir, 'runs', runDir, 'run.json'), 'utf8'));
    assert.equal(manifest.status, 'failed');
    assert.equal(manifest.meta.cancelled, true);
    assert.match(manifest.error, /^cancelled/);
    // The listener is gone: SIGINT is the default again once the command returns.
    assert.equal(process.listenerCount('SIGINT'), 0);
  },
);
