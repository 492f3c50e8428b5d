/**
 * What a pipeline run must keep to be re-run exactly (`phasebook reproduce`): the resolved config of
 * every cell (after fan-out and `--config` overrides) and the content hash of every file the cells
 * read. Paths are relative to the notebook's base folder, so a moved or shared folder still resolves.
 */
import { relative, resolve } from 'node:path';
import { hashFile } from '../base/hash';
import { getPhase } from '../spec/registry';
import type { PipelineSession } from './session';

export interface InputFileRecord {
  /** The cell that reads it (virtual name). */
  cell: string;
  /** Relative to the notebook's base folder. */
  path: string;
  /** sha256 hex of its content, or 'missing'. */
  sha256: string;
}

/** Every file the given cells read, with its content hash (one entry per cell and file). */
export async function inputFileRecords(session: PipelineSession, cells: readonly string[]): Promise<InputFileRecord[]> {
  const wanted = new Set(cells);
  const out: InputFileRecord[] = [];
  for (const cell of session.expansion.cells) {
    if (!wanted.has(cell.name) || cell.type !== 'phase') continue;
    const spec = getPhase(cell.kind);
    if (!spec?.inputFiles) continue;
    let files: string[];
    try {
      files = await spec.inputFiles(cell.config as never, { baseDir: session.baseDir, roots: session.roots });
    } catch {
      continue;
    }
    for (const f of files) {
      const abs = resolve(session.baseDir, f);
      out.push({
        cell: cell.name,
        path: relative(session.baseDir, abs),
        sha256: await hashFile(abs).catch(() => 'missing'),
      });
    }
  }
  return out;
}

/** The config each given cell ran with (ts cells: their source is in the stored notebook). */
export function resolvedConfigs(
  session: PipelineSession,
  cells: readonly string[],
): Record<string, Record<string, unknown>> {
  const wanted = new Set(cells);
  return Object.fromEntries(
    session.expansion.cells.filter((c) => wanted.has(c.name) && c.type === 'phase').map((c) => [c.name, c.config]),
  );
}
