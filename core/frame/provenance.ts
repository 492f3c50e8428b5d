/**
 * Label provenance: where a label column was built and which cells it came through. A column
 * derived from a label is itself a label (it looks as far ahead), so every phase that rebuilds a
 * dataset from several inputs carries the labels of all of them, and a `ts` cell's new columns
 * are probed for dependence on the labels it was given (core/graph/tsLabelProbe.ts).
 */
import { ValidationError, type ErrorLocation } from '../errors';
import type { LabelInfo } from './dataset';

/** One hop of a label on its way downstream ("feed 'future' of align cell 'aligned'"). */
export type LabelHop = string;

/** The label as built here by `cell` (a `labels` phase). */
export function bornIn(label: LabelInfo, cell: string): LabelInfo {
  return { ...label, origin: { cell, via: [] } };
}

/** The label after a hop; `column` when the hop renamed it. */
export function passedThrough(label: LabelInfo, hop: LabelHop, column = label.column): LabelInfo {
  const origin = label.origin ?? { cell: '(unknown)', via: [] };
  return {
    ...label,
    column,
    origin: { cell: origin.cell, via: [...origin.via, hop], ...(origin.from ? { from: origin.from } : {}) },
  };
}

/** A new column computed from label `source` (by a ts cell, an expression...): a label with the source's horizon. */
export function derivedLabel(column: string, source: LabelInfo, hop: LabelHop): LabelInfo {
  const o = source.origin ?? { cell: '(unknown)', via: [] };
  return {
    column,
    horizon: source.horizon,
    task: source.task,
    ...(source.classes ? { classes: source.classes } : {}),
    origin: { cell: o.cell, via: [...o.via, hop], from: source.column },
  };
}

/** Labels of several inputs, first occurrence of a column wins. */
export function mergeLabels(...lists: readonly (readonly LabelInfo[])[]): LabelInfo[] {
  const out: LabelInfo[] = [];
  for (const l of lists.flat()) if (!out.some((x) => x.column === l.column)) out.push(l);
  return out;
}

/** "built by cell 'labels', came through feed 'future' of align cell 'aligned'" (empty when unknown). */
export function describeOrigin(label: LabelInfo): string {
  const o = label.origin;
  if (!o) return '';
  const parts = [o.from ? `derived from label '${o.from}' built by cell '${o.cell}'` : `built by cell '${o.cell}'`];
  if (o.via.length) parts.push(`came through ${o.via.join(', then ')}`);
  return parts.join(', ');
}

/** The refusal every phase gives for a feature built from a label. */
export function labelLeakMessage(column: string, label: LabelInfo | undefined): string {
  const where = label ? describeOrigin(label) : '';
  return `'${column}' is a label column${where ? ` (${where})` : ''}: a feature built from it would leak the future`;
}

/** The refusal itself: a validation failure (exit 2) the causality auditor recognises. */
export class LabelLeakError extends ValidationError {
  constructor(column: string, label: LabelInfo | undefined, location: ErrorLocation = {}) {
    super(labelLeakMessage(column, label), location);
    this.name = 'LabelLeakError';
  }
}
