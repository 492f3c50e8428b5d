/**
 * `--store URL` to a store: a path or file:///path is a directory; s3://bucket[/prefix] is S3,
 * with ?endpoint=http://host:port (MinIO, a local stand-in) and ?region=... (default us-east-1,
 * or AWS_REGION).
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors';
import { DirectoryStore } from './dirStore';
import { S3Store } from './s3Store';
import type { ArtifactStore } from './types';

export function openStore(
  url: string,
  cwd: string = process.cwd(),
  env: NodeJS.ProcessEnv = process.env,
): ArtifactStore {
  if (url.startsWith('s3://')) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new UserError(`--store: '${url}' is not a valid s3:// URL`, {}, [
        'example: s3://bucket/prefix?endpoint=http://127.0.0.1:9000',
      ]);
    }
    if (!u.hostname) throw new UserError(`--store: '${url}' names no bucket`, {}, ['example: s3://bucket/prefix']);
    return new S3Store(url, {
      bucket: u.hostname,
      prefix: u.pathname.replace(/^\/+|\/+$/g, ''),
      endpoint: u.searchParams.get('endpoint') ?? undefined,
      region: u.searchParams.get('region') ?? env.AWS_REGION ?? 'us-east-1',
    });
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !url.startsWith('file://')) {
    throw new UserError(`--store: unsupported store '${url}'`, {}, [
      'use a directory (a path or file:///path) or s3://bucket/prefix',
    ]);
  }
  const dir = url.startsWith('file://') ? fileURLToPath(url) : isAbsolute(url) ? url : resolve(cwd, url);
  return new DirectoryStore(url, dir);
}
