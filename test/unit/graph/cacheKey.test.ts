import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../notebook/testPhases';
import { cellCacheKey } from '../../../core/graph/cacheKey';
import { buildGraph } from '../../../core/notebook/dag';
import { hashFile } from '../../../core/base/hash';
import { parseNotebook } from '../../../core/notebook/parse';
import { getPhase } from '../../../core/spec/registry';

/** Keys of every cell, composed the way docs/design.md §4.1 says: upstream keys + file hashes + config. */
async function keysOf(text: string, baseDir: string, engineVersion = '1.0.0'): Promise<Record<string, string>> {
  const parsed = parseNotebook(text);
  assert.deepEqual(parsed.diagnostics, []);
  const graph = buildGraph(parsed.cells);
  const keys: Record<string, string> = {};
  for (const name of graph.order) {
    const cell = parsed.cells.find((c) => c.name === name);
    assert.ok(cell);
    const files = (await getPhase(cell.kind)?.inputFiles?.(cell.config, { baseDir, roots: {} as never })) ?? [];
    const fileHashes: Record<string, string> = {};
    for (const f of files) fileHashes[f] = await hashFile(join(baseDir, f));
    keys[name] = cellCacheKey({
      kind: cell.kind,
      config: cell.config,
      upstreamKeys: graph.parents(name).map((p) => keys[p]),
      fileHashes,
      engineVersion,
    });
  }
  return keys;
}

const notebook = [
  '# %% t_load prices',
  'source: prices.csv',
  'timestamp: ts',
  '# %% t_load other',
  'source: other.csv',
  '# %% t_features feats',
  'from: prices',
  'lags: [1, 2, 3]',
  'rolling: { column: ret, windows: [7, 14] }',
  '# %% t_split split',
  'train: 0.7',
  'embargo: 5',
  '',
].join('\n');

function withData(run: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-key-'));
    try {
      writeFileSync(join(dir, 'prices.csv'), 'ts,close\n1,100\n2,101\n');
      writeFileSync(join(dir, 'other.csv'), 'ts,x\n1,1\n');
      await run(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  "changing an input CSV changes its loader's key and every key downstream, and nothing else",
  withData(async (dir) => {
    const before = await keysOf(notebook, dir);
    writeFileSync(join(dir, 'prices.csv'), 'ts,close\n1,100\n2,102\n');
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dir, 'prices.csv'), later, later);
    const after = await keysOf(notebook, dir);
    assert.notEqual(after.prices, before.prices);
    assert.notEqual(after.feats, before.feats);
    assert.notEqual(after.split, before.split);
    assert.equal(after.other, before.other);
  }),
);

test(
  'reformatting YAML (comments, key order, spacing, flow vs block style) keeps every key',
  withData(async (dir) => {
    const reformatted = [
      '# %% t_load   prices',
      '# where the prices come from',
      'timestamp:   ts   # the time column',
      'source: "prices.csv"',
      '',
      '# %% t_load other',
      "source: 'other.csv'",
      '# %% t_features feats',
      'rolling:',
      '  windows:',
      '    - 7',
      '    - 14',
      '  column: ret',
      'lags:',
      '  - 1',
      '  - 2',
      '  - 3',
      'from: prices',
      '',
      '',
      '# %% t_split split',
      'embargo: 5',
      'train: 0.70',
    ].join('\r\n');
    assert.deepEqual(await keysOf(reformatted, dir), await keysOf(notebook, dir));
  }),
);

test(
  'editing a config value changes that cell and its descendants only; a new engine version changes all',
  withData(async (dir) => {
    const before = await keysOf(notebook, dir);
    const edited = await keysOf(notebook.replace('lags: [1, 2, 3]', 'lags: [1, 2, 4]'), dir);
    assert.deepEqual(
      [
        edited.prices === before.prices,
        edited.other === before.other,
        edited.feats === before.feats,
        edited.split === before.split,
      ],
      [true, true, false, false],
    );
    const bumped = await keysOf(notebook, dir, '1.0.1');
    for (const name of Object.keys(before)) assert.notEqual(bumped[name], before[name], name);
  }),
);

test('a cache key is a sha256 hex digest that depends on upstream order and extra inputs', () => {
  const base = { kind: 'k', config: { a: 1 }, upstreamKeys: ['x', 'y'], fileHashes: {}, engineVersion: '1' };
  const k = cellCacheKey(base);
  assert.match(k, /^[0-9a-f]{64}$/);
  assert.equal(cellCacheKey({ ...base, config: { a: 1 } }), k);
  assert.notEqual(cellCacheKey({ ...base, upstreamKeys: ['y', 'x'] }), k);
  assert.notEqual(cellCacheKey({ ...base, extra: { seed: 1 } }), k);
  assert.notEqual(cellCacheKey({ ...base, kind: 'k2' }), k);
});
