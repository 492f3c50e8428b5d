/**
 * The VS Code kernel on a worker fleet (issue 15): the real kernel process, opened with the VS Code settings
 * `phasebook.executor.*` set to bullmq, and a redis-server of its own with no worker, so the cell's job waits in
 * the queue. Interrupt (the host's `cancel`) takes the queued job off Redis and reports the cell cancelled; a
 * kernel shut down mid-run (the notebook closed, the kernel restarted) leaves no queued job behind either.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Queue } from 'bullmq';
import type { KernelEvent } from '../../../core/kernel/protocol';
import { DEFAULT_QUEUE } from '../../../core/orchestrate/bullmq/protocol';
import { parseRedisUrl } from '../../../core/orchestrate/bullmq/redisUrl';
import { KernelProcess } from '../../../extension/kernel/kernelProcess';
import { hasRedis, startRedis, type RedisHandle } from './harness';

const repo = join(__dirname, '..', '..', '..');
const realKernel = join(repo, 'core', 'kernel', 'server.ts');
const tsxLoader = pathToFileURL(join(repo, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const skip = !hasRedis && 'redis-server is not installed';

let redis: RedisHandle;
let queue: Queue;

before(async () => {
  if (!hasRedis) return;
  redis = await startRedis();
  queue = new Queue(DEFAULT_QUEUE, { connection: parseRedisUrl(redis.url) });
});

after(async () => {
  await queue?.close();
  await redis?.stop();
});

/** A kernel with a one-cell notebook open on the bullmq executor through the VS Code settings. */
async function fleetKernel(): Promise<{ k: KernelProcess; events: KernelEvent[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'pb-fleet-kernel-'));
  writeFileSync(join(dir, 'prices.csv'), 'ts,close\n2024-01-01T00:00:00Z,100\n2024-01-01T01:00:00Z,101\n');
  const k = new KernelProcess({ modulePath: realKernel, cwd: dir, execArgv: ['--import', tsxLoader] });
  const events: KernelEvent[] = [];
  k.onEvent.on((e) => events.push(e));
  await k.request({
    type: 'open',
    notebookPath: join(dir, 'k.pipeline'),
    text: '# %% load prices\nsource: prices.csv\ntimestamp: ts\n',
    executor: { kind: 'bullmq', redis: redis.url, store: mkdtempSync(join(tmpdir(), 'pb-fleet-kstore-')) },
  });
  return { k, events };
}

const waiting = async (): Promise<number> => (await queue.getJobCounts('waiting')).waiting;

/** Until the kernel's job is in the queue (no worker takes it). */
async function queued(): Promise<void> {
  while ((await waiting()) === 0) await new Promise((ok) => setTimeout(ok, 50));
}

test(
  'Interrupt on the fleet: the queued job is removed from Redis and the cell is cancelled',
  { skip, timeout: 90_000 },
  async () => {
    const { k, events } = await fleetKernel();
    try {
      const run = k.request({ type: 'run' });
      await queued();
      k.cancel();
      const reply = await run;
      assert.deepEqual(reply.cells, [{ cell: 'prices', status: 'cancelled' }]);
      assert.equal(await waiting(), 0, 'the cancelled job is still queued');
      const fin = events.find((e) => e.type === 'finished');
      assert.equal(fin?.type === 'finished' && fin.status, 'cancelled');
    } finally {
      await k.shutdown();
    }
  },
);

test('a kernel shut down mid-run leaves no queued job on the fleet', { skip, timeout: 90_000 }, async () => {
  const { k } = await fleetKernel();
  // Answered as cancelled, or rejected as stopped: either way it settles.
  const run = k.request({ type: 'run' }).catch((e: Error) => e);
  await queued();
  await k.shutdown();
  await run;
  assert.equal(await waiting(), 0, 'the job of the stopped kernel is still queued');
});
