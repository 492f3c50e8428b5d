/**
 * The bullmq executor on a real fleet: redis-server and three `phasebook worker` processes on
 * this machine, a directory artifact store. `phasebook run --executor bullmq` (flags, or the notebook's
 * settings block) gives the same bytes as the serial run and records attempts and workers in run.json.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../../core/phases/register';
import { PipelineSession, type ExecutionReport, type SessionOptions } from '../../../core/engine/session';
import { silentLogger } from '../../../core/log';
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

// The serial run every fleet run here is compared with. (A fanned-out study through the session on 3 workers,
// its bytes, workers and spread, is test/unit/fleet/scenarios.test.ts; this file drives the fleet through the CLI.)
before(async () => {
  if (!hasRedis) return;
  const serial = await run(A.notebook, { jobs: 1 });
  assert.equal(serial.exitCode, 0, errors(serial));
  assert.ok(Object.keys(fileHashes(join(A.dir, 'reports'))).length >= 5);
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
    assert.deepEqual(checkpointFacts(C.dir), checkpointFacts(A.dir));
    assert.deepEqual(predictionHashes(C.dir), predictionHashes(A.dir));
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
