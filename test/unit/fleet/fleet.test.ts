/**
 * The bullmq executor on a real fleet: redis-server and three `phasebook worker` processes on
 * this machine, a directory artifact store. A fanned-out study run on the fleet gives the same
 * bytes as the serial run (reports, checkpoints, predictions), records attempts and workers in
 * run.json, and a second coordinator on the same notebook computes nothing again.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../../core/phases/register';
import { PipelineSession, type ExecutionReport, type SessionOptions } from '../../../core/engine/session';
import { silentLogger } from '../../../core/log';
import { BullmqExecutor } from '../../../core/orchestrate/bullmq/executor';
import { openStore } from '../../../core/store/open';
import { main } from '../../../core/cli/main';
import type { CliIO } from '../../../core/cli/io';
import { metricsDbPath, queryMetrics } from '../../../core/orchestrate/metricsDb';
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
  for (let i = 0; i < 3; i++)
    workers.push(
      await startWorker([
        '--redis',
        redis.url,
        '--store',
        storeDir,
        '--cache',
        mkdtempSync(join(tmpdir(), 'pb-wcache-')),
      ]),
    );
});

after(async () => {
  for (const w of workers) await w.stop();
  await redis?.stop();
});

async function run(notebook: string, opts: Partial<SessionOptions> = {}): Promise<ExecutionReport> {
  const s = new PipelineSession(readFileSync(notebook, 'utf8'), { notebookPath: notebook, log: silentLogger, ...opts });
  return s.run();
}

const errors = (r: ExecutionReport) =>
  JSON.stringify(r.outcomes.filter((o) => o.error).map((o) => [o.cell, o.error?.message]));

const skip = !hasRedis && 'redis-server is not installed';
const A = studyDir(STUDY);

test('a fanned-out study on 3 fleet workers gives the bytes of the serial run', { skip }, async () => {
  const B = studyDir(STUDY);
  const serial = await run(A.notebook, { jobs: 1 });
  assert.equal(serial.exitCode, 0, errors(serial));
  const fleet = await run(B.notebook, {
    executor: new BullmqExecutor({ redis: redis.url, store: openStore(storeDir) }),
  });
  assert.equal(fleet.exitCode, 0, errors(fleet));
  assert.equal(fleet.executor, 'bullmq');
  assert.ok(
    fleet.outcomes.every((o) => o.status === 'ok'),
    'every cell computed on the fleet',
  );
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

function cli(cwd: string): { io: CliIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { out: (x) => (out += x), err: (x) => (err += x), tty: false, cwd, env: {} },
    out: () => out,
    err: () => err,
  };
}

test(
  'phasebook run --executor bullmq, and the same as a settings block, give the serial bytes; run.json names ' +
    'the workers',
  { skip },
  async () => {
    const C = studyDir(STUDY);
    const c = cli(C.dir);
    assert.equal(
      await main(['run', C.notebook, '--executor', 'bullmq', '--redis', redis.url, '--store', storeDir], c.io),
      0,
      c.err() + c.out(),
    );
    assert.deepEqual(fileHashes(join(C.dir, 'reports')), fileHashes(join(A.dir, 'reports')));
    const runDir = readdirSync(join(C.dir, 'runs')).find((r) => r.startsWith('pipeline'))!;
    const manifest = JSON.parse(readFileSync(join(C.dir, 'runs', runDir, 'run.json'), 'utf8'));
    const cells = manifest.meta.cells as { cell: string; attempts?: number; worker?: string }[];
    assert.ok(
      cells.length > 10 && cells.every((x) => x.attempts === 1 && typeof x.worker === 'string'),
      JSON.stringify(cells.slice(0, 2)),
    );
    assert.equal(manifest.status, 'complete');
    const db = metricsDbPath(join(C.dir, 'artifacts'));
    assert.deepEqual((await queryMetrics(db, 'SELECT executor FROM executions')).rows, [['bullmq']]);
    // The settings block: executor kind, redis and store in the notebook itself.
    const D = studyDir(
      STUDY.replace('seed: 7\n', `seed: 7\nexecutor:\n  kind: bullmq\n  redis: ${redis.url}\n  store: ${storeDir}\n`),
    );
    const d = cli(D.dir);
    assert.equal(await main(['run', D.notebook], d.io), 0, d.err() + d.out());
    assert.deepEqual(fileHashes(join(D.dir, 'reports')), fileHashes(join(A.dir, 'reports')));
    assert.deepEqual(
      (await queryMetrics(metricsDbPath(join(D.dir, 'artifacts')), 'SELECT executor FROM executions')).rows,
      [['bullmq']],
    );
  },
);

test('run --executor bullmq without --store, or a bad executor, is a usage error', async () => {
  const c = cli(A.dir);
  assert.equal(await main(['run', A.notebook, '--executor', 'bullmq', '--redis', 'redis://127.0.0.1:6379'], c.io), 1);
  assert.match(c.err(), /the bullmq executor needs an artifact store: set --store or executor.store/);
  const d = cli(A.dir);
  assert.equal(await main(['run', A.notebook, '--executor', 'cluster'], d.io), 1);
  assert.match(d.err(), /--executor takes serial, local-pool, bullmq; got 'cluster'/);
});
