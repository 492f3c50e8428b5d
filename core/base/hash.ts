/**
 * Hashing for cache keys (docs/design.md §4.1): sha256 of bytes, a canonical JSON form of configs (so key
 * order and YAML formatting never change a key), and content hashes of files, memoised by
 * (path, size, mtime, inode) so an unchanged file is read once.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export function sha256(data: string | Buffer | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function canonicalNumber(n: number): string {
  if (Number.isNaN(n)) return '{"$number":"NaN"}';
  if (!Number.isFinite(n)) return n > 0 ? '{"$number":"Infinity"}' : '{"$number":"-Infinity"}';
  return Object.is(n, -0) ? '0' : JSON.stringify(n);
}

/**
 * JSON with object keys sorted (by UTF-16 code units), no whitespace, -0 written as 0, NaN and
 * infinities spelled out (so they never collide with null), bigints as integers, Dates as ISO
 * strings, Maps as sorted objects, Sets and typed arrays as arrays. Undefined object members are
 * dropped, undefined list items become null. Functions, symbols and cycles throw a TypeError.
 */
export function canonicalJson(x: unknown): string {
  const seen = new Set<object>();
  const walk = (v: unknown): string => {
    switch (typeof v) {
      case 'string':
        return JSON.stringify(v);
      case 'number':
        return canonicalNumber(v);
      case 'boolean':
        return v ? 'true' : 'false';
      case 'bigint':
        return v.toString();
      case 'undefined':
        return 'null';
      case 'function':
      case 'symbol':
        throw new TypeError(`canonicalJson: cannot encode a ${typeof v}`);
    }
    if (v === null) return 'null';
    const obj = v as object;
    if (obj instanceof Date) return JSON.stringify(obj.toISOString());
    if (seen.has(obj)) throw new TypeError('canonicalJson: cyclic structure');
    seen.add(obj);
    let out: string;
    if (Array.isArray(obj)) out = `[${obj.map(walk).join(',')}]`;
    else if (ArrayBuffer.isView(obj))
      out = `[${Array.from(obj as unknown as ArrayLike<number | bigint>, walk).join(',')}]`;
    else if (obj instanceof Set) out = `[${[...obj].map(walk).join(',')}]`;
    else {
      const entries: [string, unknown][] =
        obj instanceof Map ? [...obj].map(([k, val]) => [String(k), val]) : Object.entries(obj);
      const members = entries
        .filter(([, val]) => val !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, val]) => `${JSON.stringify(k)}:${walk(val)}`);
      out = `{${members.join(',')}}`;
    }
    seen.delete(obj);
    return out;
  };
  return walk(x);
}

interface Memo {
  stamp: string;
  hash: Promise<string>;
}
const memo = new Map<string, Memo>();

/** sha256 (hex) and size of a file's content, streamed (artifacts may be large); not memoised. */
export function fileDigest(path: string): Promise<{ sha256: string; bytes: number }> {
  return new Promise((ok, fail) => {
    const h = createHash('sha256');
    let bytes = 0;
    createReadStream(path)
      .on('data', (chunk: Buffer | string) => {
        const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        bytes += b.length;
        h.update(b);
      })
      .on('error', fail)
      .on('end', () => ok({ sha256: h.digest('hex'), bytes }));
  });
}

/**
 * Hashes kept across processes, in {dir}/file-hashes.json: absolute path -> the stamp it was read at and its sha256.
 * A fresh session (a reopened notebook, the next `phasebook run`) then trusts an unchanged (size, mtime in ns, inode)
 * instead of reading a large source again, as DVC's state database does. A file rewritten in place within one
 * nanosecond at the same size would be missed; an edit through a new file (most editors, `cp`, a download) changes the
 * inode as well. Losing the file, or a write from two processes at once, only costs a re-read.
 */
interface DiskMemo {
  entries: Record<string, { stamp: string; sha256: string }>;
}
const diskMemos = new Map<string, Promise<DiskMemo>>();
const MEMO_FILE = 'file-hashes.json';
/** Entries kept in the file (oldest dropped): sources, not every artifact ever hashed. */
const MEMO_LIMIT = 2000;

function diskMemo(dir: string): Promise<DiskMemo> {
  let m = diskMemos.get(dir);
  if (!m) {
    m = readFile(join(dir, MEMO_FILE), 'utf8').then(
      (t) => {
        const parsed = JSON.parse(t) as Partial<DiskMemo>;
        return { entries: parsed.entries && typeof parsed.entries === 'object' ? parsed.entries : {} };
      },
      () => ({ entries: {} }),
    );
    diskMemos.set(dir, m);
  }
  return m;
}

async function remember(dir: string, abs: string, stamp: string, sha: string): Promise<void> {
  const m = await diskMemo(dir);
  delete m.entries[abs];
  m.entries[abs] = { stamp, sha256: sha };
  const names = Object.keys(m.entries);
  for (const old of names.slice(0, Math.max(0, names.length - MEMO_LIMIT))) delete m.entries[old];
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `${MEMO_FILE}.${process.pid}.tmp`);
  await writeFile(tmp, JSON.stringify(m));
  await rename(tmp, join(dir, MEMO_FILE));
}

/**
 * sha256 (hex) of a file's content; re-read only when its size, mtime or inode changed. With `memoDir` (the cell
 * cache root) the hash is also kept on disk for the next process.
 */
export async function hashFile(path: string, memoDir?: string): Promise<string> {
  const abs = resolve(path);
  const st = await stat(abs, { bigint: true });
  const stamp = `${st.size}:${st.mtimeNs}:${st.ino}`;
  const hit = memo.get(abs);
  if (hit && hit.stamp === stamp) return hit.hash;
  const hash = (async () => {
    if (memoDir) {
      const stored = (await diskMemo(memoDir)).entries[abs];
      if (stored?.stamp === stamp && /^[0-9a-f]{64}$/.test(stored.sha256)) return stored.sha256;
    }
    const sha = (await fileDigest(abs)).sha256;
    if (memoDir) await remember(memoDir, abs, stamp, sha).catch(() => undefined);
    return sha;
  })();
  memo.set(abs, { stamp, hash });
  hash.catch(() => {
    if (memo.get(abs)?.hash === hash) memo.delete(abs);
  });
  return hash;
}
