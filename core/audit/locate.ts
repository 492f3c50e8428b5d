/**
 * Where a finding goes in the .pipeline file: for a phase cell, the line of the key that makes
 * the column (`expressions.<col>`, a key named like it, else the first key); for a ts cell, the
 * first code line that names the column in quotes, else the line of `export default`.
 */
import type { Cell } from '../notebook/types';
import type { AuditLocation } from './types';

export function locate(cell: Cell, column: string, file: string): AuditLocation {
  if (cell.type === 'ts') {
    const lines = cell.source.split('\n');
    const quoted = new RegExp(`['"\`]${column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"\`]`);
    let i = lines.findIndex((l) => quoted.test(l) && /alias|withColumn|\bas\b|:/.test(l));
    if (i < 0) i = lines.findIndex((l) => quoted.test(l));
    if (i < 0) i = lines.findIndex((l) => /export\s+default/.test(l));
    return i < 0
      ? { file, line: cell.headerLine + 1 }
      : { file, line: cell.bodyLine + i + 1, column: Math.max(1, lines[i].search(/\S/) + 1) };
  }
  const pos = cell.keyPositions;
  const expr = cell.config.expressions as Record<string, unknown> | undefined;
  const key =
    expr && column in expr
      ? 'expressions'
      : (Object.keys(pos).find((k) => k === column) ??
        Object.keys(pos).find((k) => k !== 'from' && k !== 'description'));
  if (!key || !pos[key]) return { file, line: cell.headerLine + 1 };
  if (key === 'expressions') {
    const lines = cell.source.split('\n');
    const i = lines.findIndex((l) => new RegExp(`^\\s*${column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:`).test(l));
    if (i >= 0)
      return { file, line: cell.bodyLine + i + 1, column: lines[i].search(/\S/) + 1, key: `expressions.${column}` };
  }
  return { file, line: pos[key].line + 1, column: pos[key].column + 1, key };
}
