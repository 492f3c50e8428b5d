import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, project } from './cliHarness';

const CELLS = `# %% load prices
source: data.csv

# %% features
returns: close
lags: [1, 2]
`;

/** Makes every cache entry look last used `days` ago. */
function age(dir: string, days: number): number {
  const root = join(dir, '.phasebook', 'cache');
  const t = new Date(Date.now() - days * 86_400_000);
  let n = 0;
  for (const shard of readdirSync(root).filter((s) => s.length === 2)) {
    for (const key of readdirSync(join(root, shard))) {
      utimesSync(join(root, shard, key, 'result.json'), t, t);
      n++;
    }
  }
  return n;
}

test(
  'entries unused for 40 days are not served (default max ' + 'age 30 days) and `cache stats` counts them as expired',
  async () => {
    const { dir, cleanup } = project(CELLS);
    try {
      assert.equal((await cli(dir, ['run', 'nb.pipeline'])).code, 0);
      const served = await cli(dir, ['run', 'nb.pipeline']);
      assert.match(served.out, /2 cached/);
      assert.equal(age(dir, 40), 2);
      const stats = await cli(dir, ['cache', 'stats']);
      assert.match(stats.out, /^expired {5}2 \(.*\) unused for more than 30d: not served, removed by `cache clean`$/m);
      const json = JSON.parse((await cli(dir, ['cache', 'stats', '--json'])).out);
      assert.equal(json.expired, 2);
      assert.equal(json.maxAgeMs, 30 * 86_400_000);
      assert.match((await cli(dir, ['cache', 'stats', '--max-age', '60d'])).out, /^expired {5}0 /m);

      const r = await cli(dir, ['run', 'nb.pipeline'], { PHASEBOOK_LOG_LEVEL: 'debug' });
      assert.match(r.out, /2 ok/, 'recomputed, not served');
      assert.match(
        r.err,
        /cache miss for cell 'prices' \(key [0-9a-f]{12}\): expired: last used 40\.0 days ago, max_age 30\.0 days/,
      );
      // The recomputed entries replaced the expired ones: fresh again, served next time.
      assert.match((await cli(dir, ['cache', 'stats'])).out, /^expired {5}0 /m);
      assert.match((await cli(dir, ['run', 'nb.pipeline'])).out, /2 cached/);
    } finally {
      cleanup();
    }
  },
);

test('settings `cache: { max_age: 60d }` serves 40-day-old entries; a bad max_age names the cell and key', async () => {
  const { dir, cleanup } = project(`# %% settings\ncache: { max_age: 60d }\n\n${CELLS}`);
  try {
    assert.equal((await cli(dir, ['run', 'nb.pipeline'])).code, 0);
    age(dir, 40);
    assert.match((await cli(dir, ['run', 'nb.pipeline'])).out, /2 cached/);
    writeFileSync(join(dir, 'nb.pipeline'), `# %% settings\ncache: { max_age: soon }\n\n${CELLS}`);
    const bad = await cli(dir, ['run', 'nb.pipeline']);
    assert.equal(bad.code, 1);
    assert.match(
      bad.err,
      /nb\.pipeline:2 cell 'settings' key 'cache\.max_age': cache\.max_age takes a number and a unit \(d, h, m or s\), e\.g\. 30d; got "soon"/,
    );
  } finally {
    cleanup();
  }
});
