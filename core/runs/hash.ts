/** Content hashes for run manifests: canonical JSON (sorted keys) and file digests. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * JSON with object keys sorted at every level, so equal configs hash equally whatever the key
 * order. `undefined` members are dropped (as JSON.stringify does); non-finite numbers become null.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortKeys(v)));
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** sha256 of a config in canonical form: the manifest's `config_hash`. */
export function configHash(config: unknown): string {
  return sha256Hex(canonicalJson(config));
}

/** sha256 and size of a file, streamed (artifacts may be large). */
export function hashFile(path: string): Promise<{ sha256: string; bytes: number }> {
  return new Promise((resolvePromise, reject) => {
    const h = createHash('sha256');
    let bytes = 0;
    createReadStream(path)
      .on('data', (chunk: Buffer | string) => {
        const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        bytes += b.length;
        h.update(b);
      })
      .on('error', reject)
      .on('end', () => resolvePromise({ sha256: h.digest('hex'), bytes }));
  });
}
