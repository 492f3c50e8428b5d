/**
 * Feature set versioning: an id that names exactly which features were built and how, and the
 * `feature_list_{id}.json` file that records it (with the git commit, when there is one).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINE_VERSION } from '../version';
import { sha256 } from '../base/hash';

/** JSON with object keys sorted at every level, so equal configs hash equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value as Record<string, unknown>).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** First 12 hex of sha256 over the sorted feature names and the canonical config. */
export function featureSetId(features: readonly string[], config: unknown): string {
  const payload = canonicalJson({ features: [...features].sort(), config });
  return sha256(payload).slice(0, 12);
}

/** `git rev-parse HEAD` in dir, or undefined outside a git repository (or without git). */
export function gitCommit(dir: string): string | undefined {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    });
    const sha = out.toString().trim();
    return /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}

export interface FeatureListFile {
  feature_set_id: string;
  features: string[];
  config: unknown;
  description: string;
  git_commit: string | null;
  engine_version: string;
}

export function featureListPath(artifactsDir: string, id: string): string {
  return join(artifactsDir, `feature_list_${id}.json`);
}

/** Writes feature_list_{id}.json atomically (temp file + rename) and returns its path. */
export function saveFeatureList(
  artifactsDir: string,
  entry: { id: string; features: string[]; config: unknown; description: string; gitCommit?: string },
): string {
  mkdirSync(artifactsDir, { recursive: true });
  const file: FeatureListFile = {
    feature_set_id: entry.id,
    features: entry.features,
    config: sortKeys(entry.config),
    description: entry.description,
    git_commit: entry.gitCommit ?? null,
    engine_version: ENGINE_VERSION,
  };
  const path = featureListPath(artifactsDir, entry.id);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(file, null, 2) + '\n');
  renameSync(tmp, path);
  return path;
}
