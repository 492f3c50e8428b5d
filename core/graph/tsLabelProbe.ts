/**
 * Which columns a `ts` cell computed from a label. The code is arbitrary, so this is measured, not
 * read: the cell's function runs once more with one label column's values reversed in every input
 * that has it; an output column that moves depends on that label and becomes a label itself (same
 * horizon). One extra run per label column (at most MAX_PROBED, then all remaining at once).
 */
import pl from 'nodejs-polars';
import type { LabelInfo } from '../frame/dataset';
import { changedColumns } from '../frame/compareFrames';
import { derivedLabel } from '../frame/provenance';

export const MAX_PROBED = 4;

export type FrameFn = (frames: Record<string, pl.DataFrame>) => Promise<pl.DataFrame | undefined>;

export interface ProbeOutcome {
  /** New label columns: output columns (not already labels) derived from a label. */
  derived: LabelInfo[];
  /** Set when the probe could not decide (the function threw or changed shape on the probe). */
  inconclusive?: string;
}

function scrambled(frames: Record<string, pl.DataFrame>, columns: readonly string[]): Record<string, pl.DataFrame> {
  const out: Record<string, pl.DataFrame> = {};
  for (const [name, f] of Object.entries(frames)) {
    const here = columns.filter((c) => f.columns.includes(c));
    out[name] = here.length ? f.withColumns(...here.map((c) => pl.col(c).reverse().alias(c))) : f;
  }
  return out;
}

export async function probeLabelDependence(
  fn: FrameFn,
  frames: Record<string, pl.DataFrame>,
  output: pl.DataFrame,
  labels: readonly LabelInfo[],
  cell: string,
): Promise<ProbeOutcome> {
  const present = labels.filter((l) => Object.values(frames).some((f) => f.columns.includes(l.column)));
  const labelCols = new Set(labels.map((l) => l.column));
  const candidates = output.columns.filter(
    (c) => !labelCols.has(c) && c !== 'timestamp' && c !== 'symbol' && c !== 'split',
  );
  if (!present.length || !candidates.length) return { derived: [] };
  const groups: LabelInfo[][] = present.slice(0, MAX_PROBED).map((l) => [l]);
  if (present.length > MAX_PROBED) groups.push(present.slice(MAX_PROBED));
  const derived: LabelInfo[] = [];
  for (const group of groups) {
    let probe: pl.DataFrame | undefined;
    try {
      probe = await fn(
        scrambled(
          frames,
          group.map((l) => l.column),
        ),
      );
    } catch (e) {
      return {
        derived,
        inconclusive:
          `the function threw when its label columns were scrambled ` +
          `(${e instanceof Error ? e.message : String(e)})`,
      };
    }
    if (!probe || probe.height !== output.height)
      return { derived, inconclusive: 'the output changed shape when the label columns were scrambled' };
    const left = candidates.filter((c) => !derived.some((d) => d.column === c));
    for (const ch of changedColumns(output, probe, left)) {
      const source = group.reduce((m, l) => (l.horizon > m.horizon ? l : m), group[0]);
      derived.push(derivedLabel(ch.column, source, `ts cell '${cell}'`));
    }
  }
  return { derived };
}
