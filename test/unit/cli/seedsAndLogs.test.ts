import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cli, logRecords, project, readJson } from './cliHarness';

const NOTEBOOK = `# %% load prices
source: data.csv

# %% features
returns: close
lags: [1, 2]

# %% labels
horizon: 1

# %% walk_forward wf
train_bars: 200
test_bars: 100
model: ridge

# %% monte_carlo mc
simulations: 50
seed: 7
`;

test('PHASEBOOK_SEED=abc is an error naming the variable, before anything runs', async () => {
  const { dir, cleanup } = project(NOTEBOOK);
  try {
    for (const bad of ['abc', '-3', '1.5']) {
      const r = await cli(dir, ['run', 'nb.pipeline'], { PHASEBOOK_SEED: bad });
      assert.equal(r.code, 1, r.out + r.err);
      assert.match(
        r.err,
        new RegExp(`PHASEBOOK_SEED="${bad.replace('.', '\\.')}" is not a seed: give a whole number >= 0`),
      );
      assert.doesNotMatch(r.err, /at .*\.ts:\d+/, 'no stack trace');
    }
    assert.deepEqual(
      readdirSync(dir).filter((f) => f === 'results'),
      [],
      'nothing ran',
    );
    const ok = await cli(dir, ['run', 'nb.pipeline', '--cell', 'labels'], { PHASEBOOK_SEED: ' 99 ' });
    assert.equal(ok.code, 0, ok.out + ok.err);
  } finally {
    cleanup();
  }
});

test("a cell's own seed wins over PHASEBOOK_SEED, and run.json records the seed each cell used", async () => {
  const { dir, cleanup } = project(NOTEBOOK);
  try {
    const r = await cli(dir, ['run', 'nb.pipeline'], { PHASEBOOK_SEED: '99' });
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /✓ mc .*seed: 7/);
    const mc = readJson(join(dir, 'results', 'nb_mc', 'run.json'));
    assert.equal(mc.seed, 7, 'the monte_carlo results run records the seed it resampled with');
    assert.deepEqual(mc.meta.phase_seeds, { mc: 7 });
    assert.equal(readJson(join(dir, 'results', 'nb_wf', 'run.json')).meta.phase_seeds.wf, 99);
    const [pipeline] = readdirSync(join(dir, 'runs')).filter((d) => d.startsWith('pipeline_'));
    const cells = readJson(join(dir, 'runs', pipeline, 'run.json')).meta.cells as { cell: string; seed: number }[];
    assert.deepEqual(Object.fromEntries(cells.map((c) => [c.cell, c.seed])), {
      prices: 99,
      features: 99,
      labels: 99,
      wf: 99,
      mc: 7,
    });
  } finally {
    cleanup();
  }
});

test(
  'PHASEBOOK_LOG_LEVEL=DEBUG logs cache decisions, fold boundaries, executor dispatch and file reads; INFO ' +
    'does not',
  async () => {
    const { dir, cleanup } = project(NOTEBOOK);
    try {
      assert.equal((await cli(dir, ['run', 'nb.pipeline'], { PHASEBOOK_LOG_LEVEL: 'INFO' })).code, 0);
      const info = logRecords(dir);
      assert.ok(info.length > 0);
      assert.deepEqual(
        info.filter((r) => r.level === 'debug'),
        [],
        'INFO writes no debug records',
      );
      const r = await cli(dir, ['run', 'nb.pipeline', '--force'], { PHASEBOOK_LOG_LEVEL: 'DEBUG' });
      assert.equal(r.code, 0, r.out + r.err);
      const debug = logRecords(dir)
        .slice(info.length)
        .filter((x) => x.level === 'debug');
      const msgs = debug.map((x) => x.msg);
      assert.ok(
        msgs.some((m) => /^dispatching 5 cell\(s\) to the in-process executor$/.test(m)),
        'executor dispatch',
      );
      assert.ok(
        msgs.some((m) => /^window_000: train 2024-01-0\d.*\(199 rows\), test 2024-01-\d\d.* \(100 rows\)$/.test(m)),
        'walk-forward fold boundaries',
      );
      assert.ok(
        msgs.some((m) => m.startsWith('read ') && m.includes('data.csv')),
        'file reads',
      );
      assert.match(r.err, /DEBUG \[wf\] window_000: train/, 'debug lines also go to stderr');
      // Not forced: the cacheable cells are logged hits, the volatile ones (new keys every time) misses.
      const before = logRecords(dir).length;
      await cli(dir, ['run', 'nb.pipeline'], { PHASEBOOK_LOG_LEVEL: 'debug' });
      const decided = logRecords(dir)
        .slice(before)
        .filter((x) => x.cache);
      assert.deepEqual(
        decided.map((x) => [x.cell, x.cache]),
        [
          ['prices', 'hit'],
          ['features', 'hit'],
          ['labels', 'hit'],
          ['wf', 'miss'],
          ['mc', 'miss'],
        ],
      );
      assert.match(decided[0].msg, /^cache hit for cell 'prices' \(key [0-9a-f]{12}\)$/);
      assert.match(decided[3].msg, /^cache miss for cell 'wf' \(key [0-9a-f]{12}\): no entry$/);
    } finally {
      cleanup();
    }
  },
);
