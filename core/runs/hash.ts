/** Content hashes for run manifests, on top of the engine's canonical JSON and sha256. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { canonicalJson, sha256 } from '../base/hash';

export { canonicalJson };
export const sha256Hex = sha256;

/** sha256 of a config in canonical form: the manifest's `config_hash`. */
export function configHash(config: unknown): string {
  return sha256(canonicalJson(config));
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
