/**
 * Remote data sources (http/https): fetched with retries and exponential backoff; every fetched
 * copy is kept under `<cache>/remote/<sha256>.<ext>` (named by content hash) with an index
 * mapping each URL to its latest copy, so an outage falls back to the last good copy.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CancelledError, UserError } from '../errors';

export interface RemoteOptions {
  /** Folder of cached copies: `<roots.cache>/remote`. */
  cacheDir: string;
  /** File extension of cached copies (`csv`, `parquet`). */
  ext: string;
  /** Retries after the first attempt. Default 3. */
  retries?: number;
  /** Delay before the first retry; doubles each retry. Default 1000 ms. */
  baseDelayMs?: number;
  /** Per-attempt timeout. Default 30 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Injected for tests; default global fetch. */
  fetchImpl?: typeof fetch;
}

export interface RemoteFile {
  url: string;
  /** Absolute path of the cached copy that was read. */
  path: string;
  sha256: string;
  bytes: Buffer;
  /** True when every attempt failed and the last cached copy was used. */
  fromCache: boolean;
  /** Attempts made (1 when the first one succeeded). */
  attempts: number;
  /** Set when the cached copy was used: why, and from when. */
  warning?: string;
}

interface IndexEntry {
  sha256: string;
  file: string;
  fetched: string;
}

const INDEX = 'index.json';

function readIndex(cacheDir: string): Record<string, IndexEntry> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(cacheDir, INDEX), 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, IndexEntry>) : {};
  } catch {
    return {};
  }
}

function writeAtomic(path: string, data: string | Buffer): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** The latest cached copy of a URL, if any (no network). */
export function cachedCopy(
  url: string,
  cacheDir: string,
): { path: string; sha256: string; fetched: string } | undefined {
  const e = readIndex(cacheDir)[url];
  if (!e) return undefined;
  const path = join(cacheDir, e.file);
  return existsSync(path) ? { path, sha256: e.sha256, fetched: e.fetched } : undefined;
}

/** Stores bytes as `<sha256>.<ext>` and points the URL at them. */
export function storeCopy(url: string, bytes: Buffer, cacheDir: string, ext: string): { path: string; sha256: string } {
  mkdirSync(cacheDir, { recursive: true });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const file = `${sha256}.${ext}`;
  const path = join(cacheDir, file);
  if (!existsSync(path)) writeAtomic(path, bytes);
  const index = readIndex(cacheDir);
  index[url] = { sha256, file, fetched: new Date().toISOString() };
  writeAtomic(join(cacheDir, INDEX), JSON.stringify(index, null, 2) + '\n');
  return { path, sha256 };
}

class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    statusText: string,
  ) {
    super(`HTTP ${status}${statusText ? ` ${statusText}` : ''}`);
  }
}

/** Network failures, timeouts, 5xx, 408 and 429 are worth retrying; other 4xx are not. */
function retryable(e: unknown): boolean {
  if (e instanceof HttpStatusError) return e.status >= 500 || e.status === 408 || e.status === 429;
  return true;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function attempt(url: string, opts: RemoteOptions): Promise<Buffer> {
  const signals = [AbortSignal.timeout(opts.timeoutMs ?? 30_000), ...(opts.signal ? [opts.signal] : [])];
  const res = await (opts.fetchImpl ?? fetch)(url, { signal: AbortSignal.any(signals) });
  if (!res.ok) throw new HttpStatusError(res.status, res.statusText);
  return Buffer.from(await res.arrayBuffer());
}

function describeFailure(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as Error & { cause?: unknown }).cause;
    const code =
      cause && typeof cause === 'object' && 'code' in cause ? ` (${String((cause as { code: unknown }).code)})` : '';
    return `${e.message}${code}`;
  }
  return String(e);
}

/**
 * Fetches a URL: first attempt, then up to `retries` retries waiting base, 2·base, 4·base ms.
 * A successful fetch is stored in the cache. When every attempt fails the last cached copy is
 * returned with a warning; without one, a UserError says what failed.
 */
export async function fetchRemote(url: string, opts: RemoteOptions): Promise<RemoteFile> {
  const retries = opts.retries ?? 3;
  const base = opts.baseDelayMs ?? 1000;
  let lastError: unknown;
  let attempts = 0;
  for (let k = 0; k <= retries; k++) {
    if (k > 0) await sleep(base * 2 ** (k - 1), opts.signal);
    attempts++;
    try {
      const bytes = await attempt(url, opts);
      const { path, sha256 } = storeCopy(url, bytes, opts.cacheDir, opts.ext);
      return { url, path, sha256, bytes, fromCache: false, attempts };
    } catch (e) {
      if (opts.signal?.aborted) throw new CancelledError();
      lastError = e;
      if (!retryable(e)) break;
    }
  }
  const why = describeFailure(lastError);
  const cached = cachedCopy(url, opts.cacheDir);
  if (!cached) {
    throw new UserError(
      `cannot fetch ${url}: ${why} after ${attempts} attempt${attempts === 1 ? '' : 's'}, and there is no cached copy`,
      { key: 'source' },
    );
  }
  return {
    url,
    path: cached.path,
    sha256: cached.sha256,
    bytes: readFileSync(cached.path),
    fromCache: true,
    attempts,
    warning:
      `could not fetch ${url} (${why} after ${attempts} attempt${attempts === 1 ? '' : 's'}); using the cached ` +
      `copy fetched ${cached.fetched} (sha256 ${cached.sha256.slice(0, 12)})`,
  };
}
