import { relative, resolve } from 'node:path';
import type { ParsedNotebook } from '../notebook/types';
import { getPhase } from '../spec/registry';
import type { ArtifactRoots } from '../runs/roots';
import { ENGINE_VERSION } from '../version';
import { cellCacheKey } from './cacheKey';
import { isGraphNode, type Graph } from '../notebook/dag';
import { hashFile } from '../base/hash';

export interface KeyContext {
  baseDir: string;
  roots: ArtifactRoots;
  seed: number;
  /** The notebook file, for phases whose key reads per-notebook state (keyState). */
  notebookPath?: string;
  /**
   * Leave file contents out (file names stay) and never add a volatile nonce: the "structure key"
   * checkpoints compare to tell schema drift of the data from an edit of the pipeline.
   */
  structureOnly?: boolean;
}

/** Cells that take part in execution: phase and ts cells (not markdown, not settings). */
export const isExecutable = isGraphNode;

/**
 * Keys that say where inputs come from or describe a cell: upstream keys already cover the first, the second changes
 * nothing.
 */
const NOT_IN_KEY = new Set(['from', 'description']);

function keyConfig(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([k]) => !NOT_IN_KEY.has(k)));
}

/** Names of cells that have error diagnostics. */
export function cellsWithErrors(parsed: ParsedNotebook): Set<string> {
  // By the cell's notebook index, so every virtual copy of a fanned-out cell shares its errors.
  const indices = new Set(
    parsed.diagnostics.filter((d) => d.severity === 'error' && d.cellIndex >= 0).map((d) => d.cellIndex),
  );
  return new Set(parsed.cells.filter((c) => indices.has(c.index)).map((c) => c.name));
}

/**
 * The cache key every executable cell would have if run now (docs/design.md §4.1): computed statically from
 * kind, canonical config, upstream keys, content hashes of the files it reads, the seed and the
 * engine version. A cell with an error (or below one) has no key.
 */
export async function computeCellKeys(
  parsed: ParsedNotebook,
  graph: Graph,
  ctx: KeyContext,
): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  const bad = cellsWithErrors(parsed);
  const byName = new Map(parsed.cells.map((c) => [c.name, c]));
  for (const name of graph.order) {
    const cell = byName.get(name);
    if (!cell || !isExecutable(cell) || bad.has(name)) continue;
    const parents = graph.parents(name);
    if (parents.some((p) => !keys.has(p))) continue;
    const fileHashes: Record<string, string> = {};
    let volatileNonce: string | undefined;
    let state: string | undefined;
    if (cell.type === 'phase') {
      const spec = getPhase(cell.kind);
      if (!spec) continue;
      let files: string[];
      try {
        files = spec.inputFiles ? await spec.inputFiles(cell.config, ctx) : [];
      } catch {
        files = [];
      }
      for (const f of files) {
        const abs = resolve(ctx.baseDir, f);
        fileHashes[relative(ctx.baseDir, abs)] = ctx.structureOnly
          ? 'file'
          : await hashFile(abs, ctx.roots.cache).catch(() => 'missing');
      }
      if (spec.keyState && !ctx.structureOnly) {
        try {
          state = await spec.keyState(cell.config, { roots: ctx.roots, notebookPath: ctx.notebookPath });
        } catch (e) {
          state = `unreadable: ${(e as Error).message}`;
        }
      }
      if (spec.volatile && !ctx.structureOnly) volatileNonce = `${Date.now()}-${Math.random()}`;
    }
    keys.set(
      name,
      cellCacheKey({
        kind: cell.kind,
        config: cell.type === 'ts' ? { source: cell.source } : keyConfig(cell.config),
        upstreamKeys: parents.map((p) => keys.get(p) as string),
        fileHashes,
        engineVersion: ENGINE_VERSION,
        extra:
          state === undefined
            ? { seed: ctx.seed, volatile: volatileNonce }
            : { seed: ctx.seed, volatile: volatileNonce, state },
      }),
    );
  }
  return keys;
}
