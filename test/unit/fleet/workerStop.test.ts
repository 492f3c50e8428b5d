/**
 * Stopping a worker whose Redis has gone (issue 15, operations): SIGTERM still ends `phasebook worker` with exit 0
 * instead of waiting for a Redis that will not come back; when BullMQ's close hangs, it says Redis did not answer
 * and lets go. (Seen in CI: the close sometimes returns at once, and then there is nothing to explain.)
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasRedis, startRedis, startWorker, type RedisHandle, type WorkerHandle } from './harness';

let redis: RedisHandle | undefined;
let worker: WorkerHandle | undefined;

after(async () => {
  await worker?.stop('SIGKILL');
  await redis?.stop();
});

test(
  'SIGTERM stops a worker whose Redis is gone: it exits 0, and says why when Redis did not answer',
  { skip: !hasRedis && 'redis-server is not installed', timeout: 60_000 },
  async () => {
    redis = await startRedis();
    const dir = (p: string) => mkdtempSync(join(tmpdir(), p));
    worker = await startWorker(['--redis', redis.url, '--store', dir('pb-store-'), '--cache', dir('pb-wcache-')]);
    await redis.stop();
    const exited = new Promise<number | null>((ok) => worker?.proc.once('exit', (code) => ok(code)));
    const t0 = Date.now();
    worker.proc.kill('SIGTERM');
    assert.equal(await exited, 0);
    const said = worker.lines().map((l) => String(l.msg));
    assert.ok(said.includes('worker stopped'), said.join('\n'));
    // BullMQ's close sometimes returns at once on a connection that is already down; when it waited (5 s, then
    // the worker let go) the worker says why.
    if (Date.now() - t0 >= 4500)
      assert.ok(
        said.includes('Redis did not answer while the worker stopped: disconnected without it'),
        said.join('\n'),
      );
  },
);
