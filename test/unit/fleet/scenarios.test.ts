/**
 * examples/scenarios.pipeline (as shipped, on a smaller seeded data set) on three `phasebook worker`
 * processes gives the bytes of the serial run: reports, every branch's predictions, checkpoints; every run
 * folder has its files and the trial ledger its trials. The workers run as another user (nobody) when the
 * test runs as root, and the project folder is the test's and read-only to them: the coordinator is the
 * only writer of the project, it writes what the workers pushed to the store (an S3 stand-in, s3rver).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../../core/phases/register';
import { writeDemoCsv } from '../../../core/demo/ohlcv';
import { PipelineSession, type ExecutionReport, type SessionOptions } from '../../../core/engine/session';
import { silentLogger } from '../../../core/log';
import { BullmqExecutor } from '../../../core/orchestrate/bullmq/executor';
import { metricsDbPath } from '../../../core/orchestrate/metricsDb';
import { listTrials } from '../../../core/runs/trials';
import { openStore } from '../../../core/store/open';
import { checkpointFacts, fileHashes, predictionHashes } from './compare';
import { hasRedis, startRedis, startS3, startWorker, type RedisHandle, type WorkerHandle } from './harness';

const NOBODY = { uid: 65534, gid: 65534 };
const asRoot = process.getuid?.() === 0;
const BUCKET = 'fleet';
let redis: RedisHandle;
let s3: { endpoint: string; close(): Promise<void> };
const workers: WorkerHandle[] = [];
const workerDirs: string[] = [];

function workerDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'pb-wcache-'));
  if (asRoot) chownSync(d, NOBODY.uid, NOBODY.gid);
  workerDirs.push(d);
  return d;
}

/** s3rver takes these keys (a stand-in for S3 in tests only). */
const CREDS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' };
Object.assign(process.env, CREDS);
const storeUrl = () => `s3://${BUCKET}/scenarios?endpoint=${encodeURIComponent(s3.endpoint)}`;

before(async () => {
  if (!hasRedis) return;
  redis = await startRedis();
  s3 = await startS3(BUCKET);
  for (let i = 0; i < 3; i++)
    workers.push(
      await startWorker(
        ['--redis', redis.url, '--store', storeUrl(), '--cache', workerDir()],
        CREDS,
        asRoot ? NOBODY : undefined,
      ),
    );
});

after(async () => {
  for (const w of workers) await w.stop();
  await redis?.stop();
  await s3?.close();
});

/** A project with the shipped notebook and 2 symbols x 400 hourly bars, readable (not writable) by others. */
function scenariosProject(): { dir: string; notebook: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pb-scen-'));
  chmodSync(dir, 0o755);
  writeDemoCsv(join(dir, 'data', 'demo_ohlcv_1h.csv'), { symbols: 2, bars: 400, seed: 7 });
  const notebook = join(dir, 'scenarios.pipeline');
  copyFileSync(join(__dirname, '..', '..', '..', 'examples', 'scenarios.pipeline'), notebook);
  return { dir, notebook };
}

async function run(notebook: string, opts: Partial<SessionOptions>): Promise<ExecutionReport> {
  const s = new PipelineSession(readFileSync(notebook, 'utf8'), { notebookPath: notebook, log: silentLogger, ...opts });
  return s.run();
}

const errors = (r: ExecutionReport) =>
  JSON.stringify(r.outcomes.filter((o) => o.error).map((o) => [o.cell, o.error?.message]));

/** Each run folder's file names (folder names carry the time, so they are compared as a sorted list). */
const runFolders = (dir: string) =>
  readdirSync(join(dir, 'runs'))
    .map((r) =>
      readdirSync(join(dir, 'runs', r))
        .sort()
        .join(','),
    )
    .sort();

function ownersUnder(dir: string, out = new Set<number>()): Set<number> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    out.add(statSync(p).uid);
    if (e.isDirectory()) ownersUnder(p, out);
  }
  return out;
}

test(
  'scenarios.pipeline on 3 workers that cannot write the project: the serial bytes, full run folders',
  { skip: !hasRedis && 'redis-server is not installed', timeout: 480_000 },
  async () => {
    const A = scenariosProject();
    const B = scenariosProject();
    let t0 = performance.now();
    const serial = await run(A.notebook, { jobs: 1 });
    assert.equal(serial.exitCode, 0, errors(serial));
    const serialMs = performance.now() - t0;
    t0 = performance.now();
    const fleet = await run(B.notebook, {
      executor: new BullmqExecutor({ redis: redis.url, store: openStore(storeUrl()) }),
    });
    process.stderr.write(`serial ${serialMs.toFixed(0)} ms, fleet ${(performance.now() - t0).toFixed(0)} ms\n`);
    assert.equal(fleet.exitCode, 0, errors(fleet));
    assert.equal(fleet.executor, 'bullmq');
    const names = new Set(workers.map((w) => String(w.lines()[0].worker)));
    for (const o of fleet.outcomes) {
      assert.equal(o.status, 'ok', o.cell);
      assert.ok(names.has(String(o.worker)), `${o.cell} ran on ${o.worker}`);
    }
    assert.ok(new Set(fleet.outcomes.map((o) => o.worker)).size > 1, 'more than one worker ran cells');

    const reports = fileHashes(join(A.dir, 'reports'));
    assert.ok(Object.keys(reports).length >= 5, Object.keys(reports).join(', '));
    assert.deepEqual(fileHashes(join(B.dir, 'reports')), reports);
    assert.equal(predictionHashes(B.dir).length, 12);
    assert.deepEqual(predictionHashes(B.dir), predictionHashes(A.dir));
    assert.deepEqual(checkpointFacts(B.dir), checkpointFacts(A.dir));
    assert.deepEqual(runFolders(B.dir), runFolders(A.dir));
    assert.deepEqual(readdirSync(join(B.dir, 'logs')).sort(), readdirSync(join(A.dir, 'logs')).sort());
    // The trials scenario_compare recorded on a worker are in the coordinator's ledger.
    const trials = async (d: string) =>
      (await listTrials(metricsDbPath(join(d, 'artifacts')))).map((t) => `${t.study} ${t.trial}`).sort();
    assert.ok((await trials(A.dir)).length >= 12);
    assert.deepEqual(await trials(B.dir), await trials(A.dir));

    if (asRoot) assert.deepEqual([...ownersUnder(B.dir)], [0], 'every file of the project was written by the test');
    // Each job's staging folder is gone once it is pushed.
    for (const d of workerDirs)
      if (existsSync(join(d, 'staging'))) assert.deepEqual(readdirSync(join(d, 'staging')), [], d);
  },
);
