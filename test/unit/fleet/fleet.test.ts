/**
 * The bullmq executor on a real fleet: redis-server and three `phasebook worker` processes on
 * this machine, a directory artifact store. A fanned-out study run on the fleet gives the same
 * bytes as the serial run (reports, checkpoints, predictions), records attempts and workers in
 * run.json, and a second coordinator on the same notebook computes nothing again.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../../core/phases/index';
import { PipelineSession, type ExecutionReport, type SessionOptions } from '../../../core/graph/session';
import { silentLogger } from '../../../core/log';
import { BullmqExecutor } from '../../../core/orchestrate/bullmq/executor';
import { openStore } from '../../../core/store/open';
import { STUDY, studyDir } from '../orchestrate/study';
import { checkpointFacts, fileHashes, predictionHashes } from './compare';
import { hasRedis, startRedis, startWorker, type RedisHandle, type WorkerHandle } from './harness';

let redis: RedisHandle;
let storeDir: string;
const workers: WorkerHandle[] = [];

before(async () => {
  if (!hasRedis) return;
  redis = await startRedis();
  storeDir = mkdtempSync(join(tmpdir(), 'pb-store-'));
  for (let i = 0; i < 3; i++) workers.push(await startWorker(['--redis', redis.url, '--store', storeDir, '--cache', mkdtempSync(join(tmpdir(), 'pb-wcache-'))]));
});

after(async () => {
  for (const w of workers) await w.stop();
  await redis?.stop();
});

async function run(notebook: string, opts: Partial<SessionOptions> = {}): Promise<ExecutionReport> {
  const s = new PipelineSession(readFileSync(notebook, 'utf8'), { notebookPath: notebook, log: silentLogger, ...opts });
  return s.run();
}

const errors = (r: ExecutionReport) => JSON.stringify(r.outcomes.filter((o) => o.error).map((o) => [o.cell, o.error?.message]));

test('a fanned-out study on 3 fleet workers gives the bytes of the serial run', { skip: !hasRedis && 'redis-server is not installed' }, async () => {
  const A = studyDir(STUDY);
  const B = studyDir(STUDY);
  const serial = await run(A.notebook, { jobs: 1 });
  assert.equal(serial.exitCode, 0, errors(serial));
  const fleet = await run(B.notebook, { executor: new BullmqExecutor({ redis: redis.url, store: openStore(storeDir) }) });
  assert.equal(fleet.exitCode, 0, errors(fleet));
  assert.equal(fleet.executor, 'bullmq');
  assert.ok(fleet.outcomes.every((o) => o.status === 'ok'), 'every cell computed on the fleet');
  assert.deepEqual(fileHashes(join(B.dir, 'reports')), fileHashes(join(A.dir, 'reports')));
  assert.ok(Object.keys(fileHashes(join(A.dir, 'reports'))).length >= 5);
  assert.deepEqual(checkpointFacts(B.dir), checkpointFacts(A.dir));
  assert.deepEqual(predictionHashes(B.dir), predictionHashes(A.dir));
  // Every computed cell says which worker ran it, and that it took one attempt.
  const names = new Set(workers.map((w) => String(w.lines()[0].worker)));
  for (const o of fleet.outcomes) {
    assert.equal(o.attempts, 1, o.cell);
    assert.ok(names.has(String(o.worker)), `${o.cell} ran on ${o.worker}`);
  }
  // The work was spread: more than one worker ran cells.
  assert.ok(new Set(fleet.outcomes.map((o) => o.worker)).size > 1);
});
