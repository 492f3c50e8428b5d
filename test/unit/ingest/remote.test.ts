import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import { UserError } from '../../../core/errors';
import { fetchRemote } from '../../../core/frame/remote';
import { loadPhase, runLoad } from '../../../core/phases/load';
import { phaseContext, tempDir } from './helpers';

const CSV_V1 = 'timestamp,close\n2024-01-01T00:00:00Z,100\n2024-01-01T01:00:00Z,101\n';
const CSV_V2 = 'timestamp,close\n2024-01-01T00:00:00Z,100\n2024-01-01T01:00:00Z,101\n2024-01-01T02:00:00Z,102\n';

/** A loopback server whose behaviour per path the test scripts: a queue of status codes, then a body. */
let server: Server;
let base = '';
const plan = new Map<string, { failures: number[]; body: string; hits: number; hitTimes: number[] }>();
const tmp = tempDir();

before(async () => {
  server = createServer((req, res) => {
    const p = plan.get(req.url ?? '');
    if (!p) {
      res.writeHead(404).end('not found');
      return;
    }
    p.hits++;
    p.hitTimes.push(Date.now());
    const status = p.failures.shift();
    if (status) res.writeHead(status).end('down');
    else res.writeHead(200, { 'content-type': 'text/csv' }).end(p.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  tmp.cleanup();
});

function serve(path: string, body: string, failures: number[] = []) {
  const p = { failures: [...failures], body, hits: 0, hitTimes: [] as number[] };
  plan.set(path, p);
  return p;
}

test('a flaky source is retried with exponential backoff and cached under its content hash', async () => {
  const p = serve('/flaky.csv', CSV_V1, [503, 500]);
  const cacheDir = join(tmp.dir, 'cache1');
  const r = await fetchRemote(`${base}/flaky.csv`, { cacheDir, ext: 'csv', baseDelayMs: 20 });
  assert.equal(r.attempts, 3);
  assert.equal(p.hits, 3);
  assert.equal(r.fromCache, false);
  const gaps = [p.hitTimes[1] - p.hitTimes[0], p.hitTimes[2] - p.hitTimes[1]];
  assert.ok(gaps[0] >= 18 && gaps[1] >= 38, `waits double: ${gaps.join(', ')} ms`);
  const sha = createHash('sha256').update(CSV_V1).digest('hex');
  assert.equal(r.sha256, sha);
  assert.equal(basename(r.path), `${sha}.csv`);
  assert.equal(readFileSync(r.path, 'utf8'), CSV_V1);
  const index = JSON.parse(readFileSync(join(cacheDir, 'index.json'), 'utf8'));
  assert.equal(index[`${base}/flaky.csv`].sha256, sha);
});

test('when every attempt fails (1 + 3 retries) the last cached copy is used, with a warning', async () => {
  const cacheDir = join(tmp.dir, 'cache2');
  serve('/feed.csv', CSV_V1);
  await fetchRemote(`${base}/feed.csv`, { cacheDir, ext: 'csv', baseDelayMs: 1 });
  serve('/feed.csv', CSV_V2); // a newer version, cached too
  const newer = await fetchRemote(`${base}/feed.csv`, { cacheDir, ext: 'csv', baseDelayMs: 1 });
  const p = serve('/feed.csv', CSV_V2, [500, 500, 500, 500, 500]);
  const r = await fetchRemote(`${base}/feed.csv`, { cacheDir, ext: 'csv', baseDelayMs: 1 });
  assert.equal(p.hits, 4);
  assert.equal(r.attempts, 4);
  assert.equal(r.fromCache, true);
  assert.equal(r.sha256, newer.sha256, 'the latest cached copy, not the first');
  assert.equal(r.bytes.toString(), CSV_V2);
  assert.match(
    r.warning ?? '',
    /could not fetch .*feed\.csv \(HTTP 500.* after 4 attempts\); using the cached copy fetched/,
  );
});

test('a 404 is not retried; with no cached copy the error names the URL', async () => {
  const cacheDir = join(tmp.dir, 'cache3');
  const url = `${base}/missing.csv`;
  await assert.rejects(fetchRemote(url, { cacheDir, ext: 'csv', baseDelayMs: 1 }), (e: UserError) => {
    assert.ok(e instanceof UserError);
    assert.match(
      e.message,
      /cannot fetch http:\/\/127\.0\.0\.1:\d+\/missing\.csv: HTTP 404.* after 1 attempt, and there is no cached copy/,
    );
    return true;
  });
  assert.ok(!existsSync(join(cacheDir, 'index.json')));
});

test('load reads a URL; when the server goes down it loads the cached copy and warns', async () => {
  serve('/prices.csv', CSV_V1);
  const ctx = phaseContext(tmp.dir);
  const config = { source: `${base}/prices.csv`, retry: { base_delay: '1ms' } };
  const first = await runLoad(config, ctx);
  assert.equal(first.warnings.length, 0);
  assert.deepEqual(first.dataset!.frame.getColumn('close').toArray(), [100, 101]);
  assert.deepEqual(first.dataset!.frame.getColumn('symbol').toArray(), ['prices', 'prices']);
  assert.deepEqual(first.dataset!.sources, [`${base}/prices.csv`]);
  const files = await loadPhase.inputFiles!(config, ctx);
  assert.equal(files.length, 1);
  assert.equal(readFileSync(files[0], 'utf8'), CSV_V1, 'the cache key covers the cached content');

  serve('/prices.csv', CSV_V1, [502, 502, 502, 502]);
  const second = await runLoad(config, ctx);
  assert.deepEqual(second.dataset!.frame.getColumn('close').toArray(), [100, 101]);
  assert.equal(second.warnings.length, 1);
  assert.match(second.warnings[0], /HTTP 502.*using the cached copy/);
});
