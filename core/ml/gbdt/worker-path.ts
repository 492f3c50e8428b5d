/**
 * Where the histogram worker lives and how to start it. Bundled, the engine runs from dist/ and
 * the worker is dist/gbdt-worker.js next to it. From sources (tests under tsx), the worker is
 * worker.ts next to this file and is started through tsx's CommonJS hook. PHASEBOOK_GBDT_WORKER
 * overrides the location.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

export interface WorkerEntry {
  file: string;
  /** True when the file is TypeScript and needs the tsx hook. */
  typescript: boolean;
}

export function findWorkerEntry(
  env: NodeJS.ProcessEnv = process.env,
  here: string = moduleDir(),
): WorkerEntry | undefined {
  const candidates = [
    env.PHASEBOOK_GBDT_WORKER,
    join(here, 'gbdt-worker.js'),
    join(here, 'worker.ts'),
    join(here, '..', '..', '..', 'dist', 'gbdt-worker.js'),
  ].filter((c): c is string => !!c);
  const file = candidates.find((c) => existsSync(c));
  return file ? { file, typescript: file.endsWith('.ts') } : undefined;
}

function moduleDir(): string {
  // CommonJS (the esbuild bundle and tsx on this package) always defines __dirname.
  return typeof __dirname === 'string' ? __dirname : process.cwd();
}

export function startWorker(entry: WorkerEntry): Worker {
  if (!entry.typescript) return new Worker(entry.file);
  const tsx = require.resolve('tsx/cjs', { paths: [moduleDir(), process.cwd()] });
  const code = `require(${JSON.stringify(tsx)}); require(${JSON.stringify(entry.file)});`;
  return new Worker(code, { eval: true });
}
