/**
 * Hashing for cache keys (docs/design.md §4.1): sha256 of bytes, a canonical JSON form of configs (so key
 * order and YAML formatting never change a key), and content hashes of files, memoised by
 * (path, size, mtime, inode) so an unchanged file is read once.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';

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

/** sha256 (hex) of a file's content; re-read only when its size, mtime or inode changed. */
export async function hashFile(path: string): Promise<string> {
  const abs = resolve(path);
  const st = await stat(abs, { bigint: true });
  const stamp = `${st.size}:${st.mtimeNs}:${st.ino}`;
  const hit = memo.get(abs);
  if (hit && hit.stamp === stamp) return hit.hash;
  const hash = fileDigest(abs).then((d) => d.sha256);
  memo.set(abs, { stamp, hash });
  hash.catch(() => {
    if (memo.get(abs)?.hash === hash) memo.delete(abs);
  });
  return hash;
}
