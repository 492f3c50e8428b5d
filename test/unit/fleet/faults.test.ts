/**
 * Faults on a real fleet (redis-server + 2 `phasebook worker` processes, directory store): a
 * worker killed mid-job, two coordinators at once, Redis restarted mid-run or gone for good,
 * a job from another engine version, and `phasebook fleet status` while a job runs.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Queue } from 'bullmq';
import { recordPipelineRun } from '../../../core/cli/pipelineRun';
import { main } from '../../../core/cli/main';
import type { CliIO } from '../../../core/cli/io';
import { BullmqExecutor } from '../../../core/orchestrate/bullmq/executor';
import { DEFAULT_QUEUE, fleetJobId } from '../../../core/orchestrate/bullmq/protocol';
import { parseRedisUrl } from '../../../core/orchestrate/bullmq/redisUrl';
import { queryMetrics, metricsDbPath } from '../../../core/orchestrate/metricsDb';
import { openStore } from '../../../core/store/open';
import { hasRedis, startRedis, startWorker, type RedisHandle, type WorkerHandle } from './harness';
import { FAN, HELD, project, session, until } from './project';

let redis: RedisHandle;
let storeDir: string;
const workers: WorkerHandle[] = [];
const skip = !hasRedis && 'redis-server is not installed';

const spawnWorker = async () => {
  const w = await startWorker([
    '--redis',
    redis.url,
    '--store',
    storeDir,
    '--cache',
    mkdtempSync(join(tmpdir(), 'pb-wcache-')),
    '--lock-ms',
    '2000',
  ]);
  workers.push(w);
  return w;
};

before(async () => {
  if (!hasRedis) return;
  redis = await startRedis();
  storeDir = mkdtempSync(join(tmpdir(), 'pb-store-'));
  await spawnWorker();
  await spawnWorker();
});

after(async () => {
  for (const w of workers) await w.stop('SIGKILL');
  await redis?.stop();
});

const executor = (o: { redisTimeoutMs?: number } = {}) =>
  new BullmqExecutor({ redis: redis.url, store: openStore(storeDir), backoffMs: 200, ...o });
const live = () => workers.filter((w) => w.proc.exitCode === null && w.proc.signalCode === null);
const startedOn = (cell: string) => (l: Record<string, unknown>) => l.msg === 'job started' && l.cell === cell;

function cli(): { io: CliIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { out: (s) => (out += s), err: (s) => (err += s), tty: false, cwd: process.cwd(), env: {} },
    out: () => out,
    err: () => err,
  };
}

test(
  'a worker killed with SIGKILL mid-job: the job is retried on another worker, the run completes, metrics.db ' +
    'has each cell once',
  { skip },
  async () => {
    const p = project(HELD);
    const s = session(p, { executor: executor() });
    const running = s.run();
    // Wait until one worker is inside f_hold[double], then kill it.
    const victim = await Promise.race(live().map((w) => w.waitFor(startedOn('f_hold[double]')).then(() => w)));
    await until(() => existsSync(join(p.dir, 'started-2')));
    await victim.stop('SIGKILL');
    writeFileSync(join(p.dir, 'go'), '');
    const report = await running;
    assert.equal(report.exitCode, 0, JSON.stringify(report.outcomes.map((o) => [o.cell, o.status, o.error?.message])));
    const held = report.outcomes.find((o) => o.cell === 'f_hold[double]')!;
    const survivor = live()[0];
    assert.equal(held.status, 'ok');
    assert.equal(held.attempts, 2, 'a second attempt after the stall');
    assert.equal(held.worker, survivor.lines()[0].worker);
    assert.ok(survivor.lines().some((l) => l.msg === 'job finished' && l.cell === 'f_hold[double]'));
    // run.json records the attempts.
    const run = await recordPipelineRun(s, report, { started: new Date(), argv: ['run'] });
    assert.equal(run.status, 'complete');
    const manifest = JSON.parse(readFileSync(join(p.dir, 'runs', run.id, 'run.json'), 'utf8'));
    const cells = (manifest.meta?.cells ?? manifest.cells) as { cell: string; attempts?: number; worker?: string }[];
    assert.equal(cells.find((c) => c.cell === 'f_hold[double]')?.attempts, 2);
    assert.equal(cells.find((c) => c.cell === 'f_hold[triple]')?.attempts, 1);
    // One execution, each cell once, its metric once.
    const db = metricsDbPath(join(p.dir, 'artifacts'));
    assert.deepEqual((await queryMetrics(db, 'SELECT COUNT(*) FROM executions')).rows, [[1]]);
    assert.deepEqual(
      (await queryMetrics(db, 'SELECT cell, COUNT(*) FROM cells GROUP BY cell HAVING COUNT(*) > 1')).rows,
      [],
    );
    assert.deepEqual(
      (await queryMetrics(db, "SELECT COUNT(*) FROM metrics WHERE cell = 'f_hold[double]' AND metric = 'score'")).rows,
      [[1]],
    );
    await spawnWorker();
  },
);

test('two coordinators running the same notebook at once compute each cell once', { skip }, async () => {
  const p = project(FAN);
  const [a, b] = await Promise.all([
    session(p, { executor: executor() }).run(),
    session(p, { executor: executor() }).run(),
  ]);
  assert.equal(a.exitCode, 0, JSON.stringify(a.outcomes.map((o) => [o.cell, o.error?.message])));
  assert.equal(b.exitCode, 0, JSON.stringify(b.outcomes.map((o) => [o.cell, o.error?.message])));
  const score = (r: typeof a) => Object.fromEntries(r.outcomes.map((o) => [o.cell, o.result?.metrics?.score]));
  assert.deepEqual(score(a), score(b));
  // Worker logs of this project's jobs (job id = cache key + project tag).
  const ids = new Map(a.outcomes.map((o) => [fleetJobId(o.cacheKey!, dirname(p.path)), o.cell]));
  const mine = workers.flatMap((w) => w.lines()).filter((l) => l.msg === 'job finished' && ids.has(String(l.job)));
  const perCell = new Map<string, number>();
  for (const l of mine) perCell.set(String(l.cell), (perCell.get(String(l.cell)) ?? 0) + 1);
  assert.deepEqual([...perCell.keys()].sort(), a.outcomes.map((o) => o.cell).sort());
  assert.ok(
    [...perCell.values()].every((n) => n === 1),
    JSON.stringify([...perCell]),
  );
});

test('Redis restarted (empty) mid-run: the coordinator reconnects and the run completes whole', { skip }, async () => {
  const p = project(HELD);
  const s = session(p, { executor: executor() });
  const running = s.run();
  await until(() => existsSync(join(p.dir, 'started-2')) && existsSync(join(p.dir, 'started-3')));
  await redis.stop();
  await redis.start();
  writeFileSync(join(p.dir, 'go'), '');
  const report = await running;
  const run = await recordPipelineRun(s, report, { started: new Date(), argv: ['run'] });
  assert.equal(report.exitCode, 0, JSON.stringify(report.outcomes.map((o) => [o.cell, o.status, o.error?.message])));
  assert.ok(report.outcomes.every((o) => o.status === 'ok' || o.status === 'cached'));
  assert.equal(report.outcomes.length, 5);
  assert.equal(run.status, 'complete');
});

test(
  'Redis gone for good: the cells fail with a clear error and the run is marked failed, not complete',
  { skip },
  async () => {
    const p = project(HELD);
    const s = session(p, { executor: executor({ redisTimeoutMs: 3000 }) });
    const running = s.run();
    await until(() => existsSync(join(p.dir, 'started-2')));
    await redis.stop();
    const report = await running;
    writeFileSync(join(p.dir, 'go'), '');
    await redis.start();
    assert.equal(report.exitCode, 1);
    const held = report.outcomes.find((o) => o.cell === 'f_hold[double]')!;
    assert.equal(held.status, 'failed');
    assert.match(
      held.error!.message,
      /^lost Redis at redis:\/\/127\.0\.0\.1:\d+\/? for more than 3 s while cell 'f_hold\[double\]' was queued or running$/,
    );
    const run = await recordPipelineRun(s, report, { started: new Date(), argv: ['run'] });
    assert.equal(run.status, 'failed');
  },
);

test(
  'a job from another engine version is refused without retry; fleet status shows workers, running jobs and ' +
    'the failure',
  { skip },
  async () => {
    const queue = new Queue(DEFAULT_QUEUE, { connection: parseRedisUrl(redis.url) });
    try {
      await queue.add(
        'cell',
        {
          engine: '0.0.1',
          notebook: { notebookPath: '/x', text: '', baseDir: '/x', seed: 1 },
          cell: 'old',
          key: 'k',
          inputKeys: [],
          force: false,
        },
        { jobId: 'old-engine', attempts: 3 },
      );
      await until(() => workers.some((w) => w.lines().some((l) => l.msg === 'job failed' && l.job === 'old-engine')));
      const failed = await queue.getJob('old-engine');
      await until(() => failed !== undefined);
      const job = (await queue.getJob('old-engine'))!;
      assert.equal(await job.getState(), 'failed');
      assert.equal(job.attemptsMade, 1);
      assert.match(
        job.failedReason,
        /^refused: the job was queued by engine 0\.0\.1 and this worker runs engine \d+\.\d+\.\d+; start workers of the coordinator's version$/,
      );
    } finally {
      await queue.close();
    }
    const p = project(HELD);
    const running = session(p, { executor: executor() }).run();
    await until(() => existsSync(join(p.dir, 'started-2')) && existsSync(join(p.dir, 'started-3')));
    const c = cli();
    assert.equal(await main(['fleet', 'status', '--redis', redis.url], c.io), 0, c.err());
    const out = c.out();
    assert.match(out, /queue: \d+ waiting, 2 running/);
    assert.match(out, new RegExp(`workers: ${live().length}`));
    assert.match(out, /running:\n {2}f_hold\[(double|triple)\]/);
    assert.match(
      out,
      /recent failures:\n {2}old {2}old-engine {2}after 1 attempt\(s\): refused: the job was queued by engine 0\.0\.1/,
    );
    writeFileSync(join(p.dir, 'go'), '');
    assert.equal((await running).exitCode, 0);
    const down = cli();
    assert.equal(await main(['fleet', 'status', '--redis', 'redis://127.0.0.1:1'], down.io), 1);
    assert.match(down.err(), /cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
  },
);
