/** Content hashes for run manifests, on top of the engine's canonical JSON and sha256. */
import { canonicalJson, fileDigest, sha256 } from '../base/hash';

export { canonicalJson, fileDigest };
export const sha256Hex = sha256;

/** sha256 of a config in canonical form: the manifest's `config_hash`. */
export function configHash(config: unknown): string {
  return sha256(canonicalJson(config));
}
