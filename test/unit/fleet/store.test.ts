/**
 * The artifact store: one interface, two backends. The directory backend on a temp folder; the
 * S3 backend against s3rver on loopback (a stand-in for S3 in tests only), through
 * @aws-sdk/client-s3. And a whole run on a one-worker fleet whose store is that S3.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '../../../core/base/hash';
import { entryDir } from '../../../core/graph/resultStore';
import { BullmqExecutor } from '../../../core/orchestrate/bullmq/executor';
import { fleetScope } from '../../../core/orchestrate/bullmq/protocol';
import { entryName, objectName, pullEntry, pushEntry } from '../../../core/store/cacheEntries';
import { openStore } from '../../../core/store/open';
import type { ArtifactStore } from '../../../core/store/types';
import { UserError } from '../../../core/errors';
import { hasRedis, startRedis, startS3, startWorker, type RedisHandle, type WorkerHandle } from './harness';
import { FAN, project, session } from './project';

const BUCKET = 'phasebook-test';
let s3: { endpoint: string; close(): Promise<void> };
const creds = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' };

before(async () => {
  Object.assign(process.env, creds);
  s3 = await startS3(BUCKET);
});
after(async () => s3?.close());

const s3Url = (prefix: string) => `s3://${BUCKET}/${prefix}?endpoint=${encodeURIComponent(s3.endpoint)}`;

async function roundTrip(store: ArtifactStore): Promise<void> {
  const data = Buffer.from('frame bytes \u0000\u0001');
  const name = objectName(sha256(data));
  assert.equal(await store.has(name), false);
  assert.equal(await store.get(name), undefined);
  await store.put(name, data);
  assert.equal(await store.has(name), true);
  assert.deepEqual(await store.get(name), data);
  // Same name, same bytes: a second put leaves the object as it is.
  await store.put(name, data);
  assert.deepEqual(await store.get(name), data);
  await assert.rejects(store.put('../outside', data), /invalid object name '\.\.\/outside'/);
  await assert.rejects(store.get('/abs'), /invalid object name/);
}

test('directory store: objects by name, written once, never outside the folder, no temp files left', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-dirstore-'));
  const store = openStore(`file://${dir}`);
  await roundTrip(store);
  const shards = readdirSync(join(dir, 'objects'));
  assert.equal(shards.length, 1);
  assert.deepEqual(
    readdirSync(join(dir, 'objects', shards[0])).filter((f) => f.startsWith('.tmp-')),
    [],
  );
});

test('S3 store (s3rver on loopback): the same behaviour through @aws-sdk/client-s3', async () => {
  await roundTrip(openStore(s3Url('unit')));
});

test('a cache entry survives push and pull byte for byte, and a corrupted object is refused', async () => {
  const store = openStore(s3Url('entries-test'));
  const a = mkdtempSync(join(tmpdir(), 'pb-cache-a-'));
  const b = mkdtempSync(join(tmpdir(), 'pb-cache-b-'));
  const key = sha256('some cell');
  mkdirSync(entryDir(a, key), { recursive: true });
  writeFileSync(join(entryDir(a, key), 'result.json'), '{"version":1}');
  writeFileSync(join(entryDir(a, key), 'f0.ipc'), Buffer.from([1, 2, 3]));
  assert.equal(await pullEntry(store, 'p', b, key), false);
  assert.equal(await pushEntry(store, 'p', a, key), true);
  assert.equal(await pullEntry(store, 'other-project', b, key), false, 'manifests are per project');
  assert.equal(await pullEntry(store, 'p', b, key), true);
  assert.deepEqual(readdirSync(entryDir(b, key)).sort(), ['f0.ipc', 'result.json']);
  // A manifest pointing at bytes that do not hash to their name.
  const bad = openStore(mkdtempSync(join(tmpdir(), 'pb-bad-')));
  const sha = sha256('x');
  await bad.put(objectName(sha), Buffer.from('not x'));
  await bad.put(entryName('p', key), Buffer.from(JSON.stringify({ format: 1, key, files: { 'result.json': sha } })));
  await assert.rejects(
    pullEntry(bad, 'p', mkdtempSync(join(tmpdir(), 'pb-cache-c-')), key),
    /does not hash to its name/,
  );
});

test('store URLs: unsupported schemes and bucket-less s3 URLs are clear errors', () => {
  assert.throws(
    () => openStore('ftp://host/x'),
    (e: unknown) => e instanceof UserError && /unsupported store 'ftp:\/\/host\/x'/.test(e.message),
  );
  assert.throws(
    () => openStore('s3://'),
    (e: unknown) => e instanceof UserError,
  );
});

let redis: RedisHandle | undefined;
let worker: WorkerHandle | undefined;
after(async () => {
  await worker?.stop();
  await redis?.stop();
});

test(
  'a run on a fleet whose artifact store is S3 gives the serial results, and its entries are in the bucket',
  { skip: !hasRedis && 'redis-server is not installed' },
  async () => {
    redis = await startRedis();
    const url = s3Url('fleet');
    worker = await startWorker(
      ['--redis', redis.url, '--store', url, '--cache', mkdtempSync(join(tmpdir(), 'pb-wcache-'))],
      creds,
    );
    const serial = await session(project(FAN), { jobs: 1 }).run();
    const p = project(FAN);
    const fleet = await session(p, { executor: new BullmqExecutor({ redis: redis.url, store: openStore(url) }) }).run();
    assert.equal(fleet.exitCode, 0, JSON.stringify(fleet.outcomes.map((o) => [o.cell, o.error?.message])));
    const scores = (r: typeof fleet) =>
      Object.fromEntries(r.outcomes.map((o) => [o.cell, [o.status, o.cacheKey, o.result?.metrics?.score]]));
    assert.deepEqual(scores(fleet), scores(serial));
    const store = openStore(url);
    for (const o of fleet.outcomes)
      assert.equal(await store.has(entryName(fleetScope(p.dir), o.cacheKey!)), true, o.cell);
  },
);
