import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { canonicalJson, hashFile, sha256 } from '../../../core/base/hash';

test('sha256 of strings and bytes (known vectors)', () => {
  assert.equal(sha256(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(sha256(Buffer.from('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('canonicalJson sorts keys at every depth and writes numbers one way', () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: 'x' } }),
    '{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1}',
  );
  assert.equal(canonicalJson({ x: 1.0, y: -0, z: 1e21, w: 0.1 }), '{"w":0.1,"x":1,"y":0,"z":1e+21}');
  assert.notEqual(canonicalJson([NaN]), canonicalJson([null]));
  assert.notEqual(canonicalJson(Infinity), canonicalJson(-Infinity));
  assert.equal(canonicalJson({ a: undefined, b: [undefined] }), '{"b":[null]}');
  assert.equal(canonicalJson(new Date('2025-01-02T03:04:05Z')), '"2025-01-02T03:04:05.000Z"');
  assert.equal(
    canonicalJson(
      new Map([
        ['b', 1],
        ['a', 2],
      ]),
    ),
    '{"a":2,"b":1}',
  );
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => canonicalJson(cyclic), /cyclic/);
  assert.throws(() => canonicalJson({ f: () => 1 }), /function/);
});

test('property: canonicalJson ignores key order and parses back to the same value', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const shuffled = JSON.parse(
        JSON.stringify(v, (_k, x) =>
          x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).reverse()) : x,
        ),
      );
      const c = canonicalJson(v);
      assert.equal(canonicalJson(shuffled), c);
      assert.deepEqual(
        JSON.parse(c),
        JSON.parse(JSON.stringify(v), (_k, x) => (Object.is(x, -0) ? 0 : x)),
      );
    }),
    { numRuns: 200 },
  );
});

test('hashFile hashes content, and sees a change even with the same size', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-hash-'));
  try {
    const f = join(dir, 'prices.csv');
    writeFileSync(f, 'ts,close\n1,100\n');
    const h1 = await hashFile(f);
    assert.equal(h1, sha256('ts,close\n1,100\n'));
    assert.equal(await hashFile(f), h1);
    writeFileSync(f, 'ts,close\n1,101\n');
    const later = new Date(Date.now() + 5000);
    utimesSync(f, later, later);
    assert.equal(await hashFile(f), sha256('ts,close\n1,101\n'));
    writeFileSync(f, 'ts,close\n1,100\n');
    assert.equal(await hashFile(f), h1, 'same content, new mtime: same hash');
    await assert.rejects(hashFile(join(dir, 'missing.csv')), /ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a fresh process trusts the on-disk hash of an unchanged file and re-reads a changed one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-hash-memo-'));
  try {
    const f = join(dir, 'prices.csv');
    const memoDir = join(dir, 'cache');
    writeFileSync(f, 'ts,close\n1,100\n');
    assert.equal(await hashFile(f, memoDir), sha256('ts,close\n1,100\n'));
    const memoFile = join(memoDir, 'file-hashes.json');
    const memo = JSON.parse(readFileSync(memoFile, 'utf8')) as { entries: Record<string, { sha256: string }> };
    assert.equal(memo.entries[f].sha256, sha256('ts,close\n1,100\n'), 'the hash is kept on disk');
    // A marker hash in place of the real one: a fresh process that returns it did not read the file.
    const marker = 'a'.repeat(64);
    memo.entries[f].sha256 = marker;
    writeFileSync(memoFile, JSON.stringify(memo));
    const fresh = (): string =>
      execFileSync(
        process.execPath,
        [
          '--import',
          'tsx',
          '-e',
          `import('${join(__dirname, '../../../core/base/hash.ts')}').then(async (m) => console.log(await ` +
            `(m.hashFile ? m : m.default).hashFile(${JSON.stringify(f)}, ${JSON.stringify(memoDir)})))`,
        ],
        { encoding: 'utf8' },
      ).trim();
    assert.equal(fresh(), marker, 'unchanged size, mtime and inode: served from the disk memo');
    const later = new Date(Date.now() + 5000);
    utimesSync(f, later, later);
    assert.equal(fresh(), sha256('ts,close\n1,100\n'), 'a new mtime: the file is read again');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
