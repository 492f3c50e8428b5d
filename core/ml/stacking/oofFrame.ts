import pl from 'nodejs-polars';
import type { CrossValidateResult } from '../cv';

export interface OofColumns {
  /** Model name -> its OOF output and how to read it. */
  models: { name: string; task: 'regression' | 'classification'; oof: Float64Array; width: number }[];
  classes?: string[];
}

/**
 * The stacking dataset of one horizon (docs/design.md §7.5): one row per row that a test fold
 * predicted — timestamp, symbol, fold, y_true (the stacking target), y_ret (the forward return)
 * and per model `{model}_pred` plus, for classifiers, `{model}_prob_{class}`. Rows never in a test
 * fold are left out, never filled.
 */
export function buildStackingFrame(
  base: { timestamp: pl.Series; symbol: pl.Series; yTrue: Float64Array; yRet?: Float64Array },
  foldOf: Int32Array,
  cols: OofColumns,
): pl.DataFrame {
  const keep: number[] = [];
  for (let i = 0; i < foldOf.length; i++) if (foldOf[i] >= 0) keep.push(i);
  const take = <T extends Float64Array | Int32Array>(a: T): T => {
    const out = new (a.constructor as { new (n: number): T })(keep.length);
    for (let j = 0; j < keep.length; j++) out[j] = a[keep[j]];
    return out;
  };
  const columns: pl.Series[] = [
    base.timestamp.gather(keep).alias('timestamp'),
    base.symbol.gather(keep).alias('symbol'),
    pl.Series('fold', take(foldOf)),
    pl.Series('y_true', take(base.yTrue)),
  ];
  if (base.yRet) columns.push(pl.Series('y_ret', take(base.yRet)));
  for (const m of cols.models) {
    if (m.task === 'regression') {
      columns.push(pl.Series(`${m.name}_pred`, take(m.oof)));
      continue;
    }
    const classes = cols.classes ?? ['0', '1'];
    const k = classes.length;
    const probs = classes.map(() => new Float64Array(keep.length));
    const pred = new Float64Array(keep.length);
    for (let j = 0; j < keep.length; j++) {
      const i = keep[j];
      if (m.width === 1) {
        const p1 = m.oof[i];
        probs[0][j] = 1 - p1;
        probs[1][j] = p1;
        pred[j] = p1 >= 0.5 ? 1 : 0;
      } else {
        let best = 0;
        for (let c = 0; c < k; c++) {
          const p = m.oof[i * m.width + c];
          probs[c][j] = p;
          if (p > m.oof[i * m.width + best]) best = c;
        }
        pred[j] = best;
      }
    }
    columns.push(pl.Series(`${m.name}_pred`, pred));
    classes.forEach((c, ci) => columns.push(pl.Series(`${m.name}_prob_${c}`, probs[ci])));
  }
  return pl.DataFrame(columns);
}

export type { CrossValidateResult };
