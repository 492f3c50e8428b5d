/**
 * Report and figure writes under the failure policy (docs/design.md §4.7): a failed write is retried once;
 * if it fails again the run goes on and the artefact is reported missing (a warning), never a
 * failed cell.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../log';
import { writeFileAtomic } from '../runs/atomicWrite';

export interface WriteOutcome {
  path: string;
  ok: boolean;
  attempts: number;
  error?: string;
}

export type FileWriter = (path: string, data: string | Buffer) => Promise<void>;

export const atomicWriter: FileWriter = async (path, data) => {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, data);
};

export async function writeWithRetry(
  path: string,
  data: string | Buffer,
  log: Logger,
  write: FileWriter = atomicWriter,
): Promise<WriteOutcome> {
  let last: unknown;
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      await write(path, data);
      return { path, ok: true, attempts: attempt };
    } catch (e) {
      last = e;
      log.warn(`writing ${path} failed (attempt ${attempt} of 2): ${(e as Error).message}`);
    }
  }
  return { path, ok: false, attempts: 2, error: (last as Error)?.message ?? String(last) };
}

/** Writes several files; returns the ones written and a warning per missing one. */
export async function writeAll(
  files: readonly { path: string; data: string | Buffer; label: string }[],
  log: Logger,
  write?: FileWriter,
): Promise<{ written: { path: string; label: string }[]; missing: { path: string; label: string; error: string }[] }> {
  const written: { path: string; label: string }[] = [];
  const missing: { path: string; label: string; error: string }[] = [];
  for (const f of files) {
    const r = await writeWithRetry(f.path, f.data, log, write);
    if (r.ok) written.push({ path: f.path, label: f.label });
    else missing.push({ path: f.path, label: f.label, error: r.error ?? 'unknown error' });
  }
  return { written, missing };
}
