import { test } from 'node:test';
import assert from 'node:assert/strict';
import pl from 'nodejs-polars';
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entryDir, loadResult, saveResult } from '../../../core/graph/resultStore';
import { emptyResult } from '../../../core/spec/types';
import { appendCacheStats, cacheStats, cleanCache } from '../../../core/orchestrate/cacheStats';
import { main } from '../../../core/cli/main';
import { parseAge } from '../../../core/cli/commands/cache';

async function entry(root: string, key: string, ageDays: number): Promise<void> {
  await saveResult(
    root,
    key,
    emptyResult({ dataset: { frame: pl.DataFrame({ x: [1, 2, 3] }), features: [], labels: [], sources: [] } }),
  );
  const t = new Date(Date.now() - ageDays * 86_400_000);
  utimesSync(join(entryDir(root, key), 'result.json'), t, t);
}

test(
  'cache stats report entries, size and the hit rate per kind; clean removes entries unused past the maximum ' + 'age',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-cache-'));
    const root = join(dir, '.phasebook', 'cache');
    await entry(root, 'a'.repeat(64), 40);
    await entry(root, 'b'.repeat(64), 1);
    await appendCacheStats(root, { features: { hits: 3, misses: 1 }, train: { hits: 0, misses: 2 } });
    await appendCacheStats(root, { features: { hits: 4, misses: 0 } });
    const s = await cacheStats(root);
    assert.equal(s.entries, 2);
    assert.ok(s.bytes > 0);
    assert.deepEqual(s.byKind.features, { hits: 7, misses: 1 });
    assert.equal(s.executions, 2);
    assert.equal(s.hitRatePercent?.toFixed(1), '70.0');
    let out = '';
    const io = { out: (x: string) => (out += x), err: (x: string) => (out += x), tty: false, cwd: dir, env: {} };
    assert.equal(await main(['cache', 'clean', '--max-age', '30d'], io), 0);
    assert.match(out, /removed 1 entry .*kept 1/);
    assert.equal(existsSync(entryDir(root, 'a'.repeat(64))), false);
    assert.equal(existsSync(entryDir(root, 'b'.repeat(64))), true);
    assert.equal((await cleanCache(root, { all: true })).removed, 1);
    assert.equal((await cacheStats(root)).entries, 0);
    assert.equal(parseAge('12h'), 43_200_000);
    assert.throws(() => parseAge('soon'), /--max-age takes a number and a unit/);
    out = '';
    assert.equal(await main(['cache', 'purge'], io), 1);
    assert.match(out, /unknown cache action 'purge'/);
  },
);

test('a restored dataset decodes its frame on first use only, and a frame damaged since says which file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-cache-lazy-'));
  const root = join(dir, '.phasebook', 'cache');
  const [a, b] = ['c'.repeat(64), 'd'.repeat(64)];
  await entry(root, a, 0);
  await entry(root, b, 0);
  const first = await loadResult(root, a);
  assert.deepEqual(first?.dataset?.frame.getColumn('x').toArray(), [1, 2, 3]);
  // Loaded, then its frame file damaged before anything read it: the load did not decode it.
  const second = await loadResult(root, b);
  assert.ok(second?.dataset, 'the entry is a hit');
  const ipc = readdirSync(entryDir(root, b)).find((f) => f.endsWith('.ipc'));
  assert.ok(ipc, 'the entry stores its frame as Arrow IPC');
  writeFileSync(join(entryDir(root, b), ipc), 'not arrow');
  assert.throws(() => second.dataset?.frame.height, new RegExp(`cached frame .*${ipc}.* could not be read`));
  rmSync(dir, { recursive: true, force: true });
});
