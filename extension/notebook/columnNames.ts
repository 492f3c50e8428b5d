/**
 * Column names for the editor (docs/design.md §9.5): the columns a phase cell's input frame had when its
 * upstream cells last ran, for completion after keys that take column names (`KeySpec.columns`). Pure: no vscode.
 */
import type { ColumnSchema } from '../kernel/nodeStates';
import type { NotebookModel } from './cellText';

/** The columns of a cell's inputs (its `from:` cells, written or implied), or undefined when none is known. */
export function upstreamColumns(
  model: NotebookModel,
  editorIndex: number,
  schemaOf: (cell: string) => ColumnSchema | undefined,
): ColumnSchema | undefined {
  const cell = model.parsed.cells.find((c) => model.places[c.index]?.editorIndex === editorIndex);
  if (!cell || cell.type === 'markdown') return undefined;
  const known = cell.from.map(schemaOf).filter((s): s is ColumnSchema => !!s);
  if (!known.length) return undefined;
  const seen = new Map<string, string>();
  for (const s of known) for (const c of s) if (!seen.has(c.name)) seen.set(c.name, c.dtype);
  return [...seen].map(([name, dtype]) => ({ name, dtype }));
}
