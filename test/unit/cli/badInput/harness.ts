/**
 * Bad-input cases run through the CLI: each writes a small project, runs one `phasebook` command
 * and states the exit code and what the message must name. The class test files run their cases
 * in-process; noStack.test.ts runs every case as a real process and greps for stacks.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../../../../core/cli/main';
import type { CliIO } from '../../../../core/cli/io';
import { demoCsvText } from './data';

export interface BadInputCase {
  /** Short id, unique across the files. */
  id: string;
  /** Files of the project: path -> contents. `data.csv` defaults to clean demo data. */
  files: Record<string, string>;
  args: string[];
  code: number;
  /** Every pattern must match stdout + stderr. */
  says: RegExp[];
  /** Patterns that must not match (e.g. "complete", "internal error"). */
  never?: RegExp[];
  env?: NodeJS.ProcessEnv;
  /** Runs after the files are written (chmod and the like). */
  prepare?: (dir: string) => void;
}

export interface Captured {
  code: number;
  out: string;
  err: string;
  dir: string;
}

export function writeProject(c: BadInputCase): string {
  const dir = mkdtempSync(join(tmpdir(), `pb-bad-${c.id}-`));
  const files = { 'data.csv': demoCsvText(), ...c.files };
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  c.prepare?.(dir);
  return dir;
}

export async function runInProcess(c: BadInputCase, dir: string): Promise<Captured> {
  let out = '';
  let err = '';
  const io: CliIO = {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
    tty: false,
    cwd: dir,
    env: { ...c.env },
  };
  const code = await main(c.args, io);
  return { code, out, err, dir };
}

/** Exit code, every `says` pattern, no `never` pattern, never a stack or "internal error". */
export function assertOutcome(c: BadInputCase, r: Captured): void {
  const all = r.out + r.err;
  assert.equal(r.code, c.code, `${c.id}: exit ${r.code}\n${all}`);
  for (const re of c.says) assert.match(all, re, `${c.id}: expected ${re}\n${all}`);
  for (const re of c.never ?? []) assert.doesNotMatch(all, re, `${c.id}: must not say ${re}\n${all}`);
  assert.doesNotMatch(all, /internal error/, `${c.id}: a user fault reported as internal error\n${all}`);
  assertNoStack(c.id, all);
}

export function assertNoStack(id: string, text: string): void {
  assert.doesNotMatch(text, /^ {4}at /m, `${id}: a JavaScript stack reached the user\n${text}`);
  assert.doesNotMatch(text, /node:internal/, `${id}: a JavaScript stack reached the user\n${text}`);
}

export async function checkCase(c: BadInputCase): Promise<Captured> {
  const dir = writeProject(c);
  try {
    const r = await runInProcess(c, dir);
    assertOutcome(c, r);
    return r;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
