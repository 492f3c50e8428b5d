/**
 * Rename, tag and annotate a run (docs/design.md §7.2): the user's words go into run.json's
 * `annotations`, written atomically with the same helper the run writer uses; the id and the folder
 * never change. A running run is refused: its writer rewrites run.json and would drop them.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors';
import { writeFileAtomic } from './atomicWrite';
import { MANIFEST_FILE } from './store';
import type { RunAnnotations } from './types';

export const MAX_RUN_NAME = 120;
export const MAX_NOTE = 4000;

/** `undefined` keeps a field; `null` or an empty value clears it. */
export interface AnnotationPatch {
  name?: string | null;
  tags?: readonly string[] | null;
  note?: string | null;
}

/** Tags from what a user typed: split on commas or spaces, `#` dropped, trimmed, deduplicated. */
export function parseTags(text: string): string[] {
  const tags = text
    .split(/[,\s]+/)
    .map((t) => t.replace(/^#/, '').trim())
    .filter(Boolean);
  return [...new Set(tags)];
}

/** Why a name, tag or note is refused, or undefined. */
export function annotationProblem(patch: AnnotationPatch): string | undefined {
  const name = patch.name?.trim();
  if (name && name.length > MAX_RUN_NAME) return `the name is longer than ${MAX_RUN_NAME} characters`;
  if (name && /[\n\r]/.test(name)) return 'the name must be one line';
  for (const t of patch.tags ?? []) {
    if (!/^[\p{L}\p{N}_.:/+-]{1,40}$/u.test(t))
      return `tag ${JSON.stringify(t)} must be 1-40 letters, digits or _ . : / + -`;
  }
  if (patch.note && patch.note.length > MAX_NOTE) return `the note is longer than ${MAX_NOTE} characters`;
  return undefined;
}

/** Applies a patch to annotations; fields left empty are removed, and so is an empty object. */
export function applyAnnotations(
  before: RunAnnotations | undefined,
  patch: AnnotationPatch,
): RunAnnotations | undefined {
  const next: RunAnnotations = { ...before };
  if (patch.name !== undefined) {
    const name = patch.name?.trim();
    if (name) next.name = name;
    else delete next.name;
  }
  if (patch.tags !== undefined) {
    if (patch.tags?.length) next.tags = [...new Set(patch.tags)];
    else delete next.tags;
  }
  if (patch.note !== undefined) {
    const note = patch.note?.trim();
    if (note) next.note = note;
    else delete next.note;
  }
  return Object.keys(next).length ? next : undefined;
}

/**
 * Writes the patch into `{dir}/run.json` and returns the new annotations. Throws a UserError naming
 * the file when it is missing, not JSON, the run is still running, or the patch is invalid.
 */
export async function annotateRun(dir: string, patch: AnnotationPatch): Promise<RunAnnotations | undefined> {
  const file = join(dir, MANIFEST_FILE);
  const problem = annotationProblem(patch);
  if (problem) throw new UserError(`cannot annotate ${file}: ${problem}`, { file });
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UserError(`cannot annotate the run: ${file} does not exist (a run written by another tool has none)`, {
      file,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(`cannot annotate the run: ${file} is not valid JSON (${(e as Error).message})`, { file });
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new UserError(`cannot annotate the run: ${file} is not a JSON object`, { file });
  const m = json as Record<string, unknown>;
  if (m.status === 'running')
    throw new UserError(`cannot annotate ${file} while the run is running; try again when it has finished`, { file });
  const before = m.annotations as RunAnnotations | undefined;
  const next = applyAnnotations(before && typeof before === 'object' ? before : undefined, patch);
  if (next) m.annotations = next;
  else delete m.annotations;
  await writeFileAtomic(file, JSON.stringify(m, null, 2) + '\n');
  return next;
}
