/** What "the same bytes" means between two project folders (as test/unit/orchestrate/study.test.ts). */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

export function fileHashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${rel}${e.name}/`);
      else out[`${rel}${e.name}`] = sha(join(d, e.name));
    }
  };
  if (existsSync(dir)) walk(dir, '');
  return out;
}

/** Checkpoint facts that must not depend on where or when a job ran. */
export function checkpointFacts(dir: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of readdirSync(join(dir, 'artifacts'))
    .filter((x) => x.endsWith('.meta.json'))
    .sort()) {
    const m = JSON.parse(readFileSync(join(dir, 'artifacts', f), 'utf8'));
    out[m.job] = { key: m.key, inputs: m.inputs, output: m.output, status: m.status };
  }
  return out;
}

export function predictionHashes(dir: string): string[] {
  return readdirSync(join(dir, 'runs'))
    .filter((r) => !r.startsWith('pipeline'))
    .map((r) => sha(join(dir, 'runs', r, 'predictions.parquet')))
    .sort();
}
