/**
 * A cell's cache key (docs/design.md §3.4, §4.1): sha256 of the canonical JSON of its kind, config, the keys of its
 * upstream cells (in input order), the content hashes of the files it reads and the engine
 * version. Changing any input file therefore changes its cell's key and, through upstreamKeys,
 * the key of every cell downstream; reformatting the YAML (comments, key order, spacing) does not.
 */
import { canonicalJson, sha256 } from '../base/hash';

export interface CacheKeyInput {
  kind: string;
  config: unknown;
  upstreamKeys: string[];
  /** File path (as the cell names it, or relative to the notebook) -> sha256 of its content. */
  fileHashes: Record<string, string>;
  engineVersion: string;
  /** Anything else the output depends on (seed, ts source...). */
  extra?: unknown;
}

/** Bump when the layout of the hashed record changes, so old cache entries are never reused. */
const KEY_FORMAT = 1;

export function cellCacheKey(input: CacheKeyInput): string {
  return sha256(
    canonicalJson({
      format: KEY_FORMAT,
      kind: input.kind,
      config: input.config ?? null,
      upstream: input.upstreamKeys,
      files: input.fileHashes,
      engine: input.engineVersion,
      extra: input.extra ?? null,
    }),
  );
}
